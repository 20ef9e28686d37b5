package io.fenceline.broker;

import java.nio.file.Path;

/**
 * Runs an embedded broker in a child JVM for {@link EmbeddedKafkaCrashTest}: prints its address,
 * then waits.
 */
public final class CrashTestBroker {
  private CrashTestBroker() {}

  public static void main(String[] args) throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]));
    System.out.println(kafka.bootstrapServers());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
