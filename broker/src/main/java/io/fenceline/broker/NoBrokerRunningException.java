package io.fenceline.broker;

import java.nio.file.Path;

/** A read-only command found no broker and must not start an empty one. */
public final class NoBrokerRunningException extends BrokerException {
  private static final long serialVersionUID = 1L;

  NoBrokerRunningException(Path dataDir) {
    super(
        "no broker running for data dir "
            + dataDir
            + "; start one with `fenceline kafka` or pass --bootstrap-servers");
  }
}
