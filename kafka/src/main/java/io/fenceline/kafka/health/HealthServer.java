package io.fenceline.kafka.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The small HTTP server every long-running fenceline service (engine, ingest, applier) exposes on
 * {@code --metrics-port}:
 *
 * <ul>
 *   <li>{@code /healthz}: readiness. 200 {@code ok}, or 503 {@code not ready: REASON} (one line per
 *       reason).
 *   <li>{@code /livez}: liveness. 200 {@code ok}, or 503 {@code not live: REASON}: restarting the
 *       process would help.
 *   <li>{@code /metrics}: Prometheus text format.
 * </ul>
 *
 * Port 0 binds any free port ({@link #port()} tells which).
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  public HealthServer(
      int port, Supplier<Health> ready, Supplier<Health> live, Supplier<String> metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", ex -> answer(ex, ready, "not ready"));
    server.createContext("/livez", ex -> answer(ex, live, "not live"));
    server.createContext(
        "/metrics",
        ex -> {
          String body;
          try {
            body = metrics.get();
          } catch (RuntimeException e) {
            send(ex, 500, "text/plain", "metrics failed: " + e + "\n");
            return;
          }
          send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", body);
        });
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fenceline-health-" + port);
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange ex, Supplier<Health> check, String no)
      throws IOException {
    Health h;
    try {
      h = check.get();
    } catch (RuntimeException e) {
      h = Health.down("health check failed: " + e);
    }
    StringBuilder body = new StringBuilder();
    if (h.ok()) {
      body.append("ok\n");
    } else if (h.reasons().isEmpty()) {
      body.append(no).append('\n');
    } else {
      h.reasons().forEach(r -> body.append(no).append(": ").append(r).append('\n'));
    }
    send(ex, h.ok() ? 200 : 503, "text/plain; charset=utf-8", body.toString());
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
