package io.fenceline.cli.forensics;

import io.fenceline.cli.BadInputException;
import io.fenceline.core.history.FlowQuery;
import picocli.CommandLine.Option;

/**
 * The flow a forensic command asks about (a picocli mixin): its two ends and the destination port.
 */
public final class FlowOptions {
  @Option(
      names = "--from",
      required = true,
      paramLabel = "SRC",
      description = "namespace/pod or an IP.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DST",
      description = "namespace/pod or an IP.")
  String to;

  @Option(
      names = "--port",
      required = true,
      paramLabel = "PORT/PROTO",
      description = "Destination port, e.g. 6379/TCP.")
  String port;

  /** The flow, or a bad-input error naming what does not parse. */
  public FlowQuery query() {
    try {
      return FlowQuery.of(from, to, port);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }
}
