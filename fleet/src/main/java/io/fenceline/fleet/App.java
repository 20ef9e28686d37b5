package io.fenceline.fleet;

import java.util.List;

/**
 * A kind of workload: its tier, the number behind its named port {@code http}, an optional data
 * port.
 */
public record App(String name, String tier, int httpPort, String dataPortName, int dataPort) {

  /**
   * The workloads namespaces are built from. The {@code http} number differs between apps on
   * purpose.
   */
  public static final List<App> CATALOG =
      List.of(
          new App("web", "frontend", 8080, null, 0),
          new App("ui", "frontend", 3000, null, 0),
          new App("api", "backend", 8080, null, 0),
          new App("orders", "backend", 8081, null, 0),
          new App("worker", "backend", 9000, null, 0),
          new App("search", "backend", 9200, null, 0),
          new App("db", "data", 8008, "postgres", 5432),
          new App("cache", "data", 9121, "redis", 6379),
          new App("queue", "data", 15672, "amqp", 5672));

  public boolean hasDataPort() {
    return dataPortName != null;
  }
}
