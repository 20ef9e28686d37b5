package io.fenceline.applier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** {@code /healthz} (200 once the node's rules are applied and the last apply succeeded) and {@code /metrics}. */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  public HealthServer(Applier applier, int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", ex -> {
      boolean ok = applier.healthy();
      String body = ok ? "ok\n" : "not ready" + (applier.lastError() == null ? "" : ": " + applier.lastError()) + "\n";
      send(ex, ok ? 200 : 503, "text/plain", body);
    });
    server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4", applier.scrape()));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
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
  }
}
