package io.fenceline.kafka.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(HealthServer s, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readinessLivenessAndMetricsAnswerWhatTheSuppliersSay() throws Exception {
    AtomicReference<Health> ready =
        new AtomicReference<>(Health.of(List.of("state REBALANCING", "partition stuck")));
    AtomicReference<Health> live = new AtomicReference<>(Health.up());
    try (HealthServer s = new HealthServer(0, ready::get, live::get, () -> "x_total 1.0\n")) {
      HttpResponse<String> r = get(s, "/healthz");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).isEqualTo("not ready: state REBALANCING\nnot ready: partition stuck\n");
      assertThat(get(s, "/livez").statusCode()).isEqualTo(200);
      ready.set(Health.up());
      live.set(Health.down("stream thread died"));
      assertThat(get(s, "/healthz").body()).isEqualTo("ok\n");
      r = get(s, "/livez");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).isEqualTo("not live: stream thread died\n");
      r = get(s, "/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("x_total 1.0\n");
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    }
  }

  @Test
  void aFailingCheckIsNotReadyWithTheFailure() throws Exception {
    try (HealthServer s =
        new HealthServer(
            0,
            () -> {
              throw new IllegalStateException("boom");
            },
            Health::up,
            () -> "")) {
      HttpResponse<String> r = get(s, "/healthz");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).contains("boom");
    }
  }
}
