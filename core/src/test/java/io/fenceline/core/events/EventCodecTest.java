package io.fenceline.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventCodecTest {
  private static final Instant T = Instant.parse("2026-11-26T10:00:00.123Z");

  @Test
  void roundTripsEveryEventType() throws Exception {
    var object =
        new ObjectMapper()
            .readTree("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"namespace\":\"x\"}}");
    for (ChangeEvent e :
        new ChangeEvent[] {
          ChangeEvent.upsert("c1", "Pod", "x", "a", "uid-1", "42", T, 7, object),
          ChangeEvent.delete("c1", "Pod", "x", "a", null, null, T, 7),
          ChangeEvent.generationEnd("c1", "Namespace", T, 8),
          ChangeEvent.heartbeat("c1", T, java.time.Duration.ofSeconds(60)),
          ChangeEvent.upsert("c1", "Pod", "x", "a", "uid-1", "42", T, 7, object)
              .truncatedTo(object, 2_000_000, 1_000_000)
        }) {
      assertThat(EventCodec.decode(EventCodec.encode(e))).isEqualTo(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "truncated|{\"v\":1,\"cluster\":\"c\"|not JSON",
        "array|[1,2]|not a JSON object",
        "future version|{\"v\":3,\"cluster\":\"c\",\"kind\":\"Pod\",\"type\":\"DELETE\",\"name\":\"a\",\"observedAt\":\"2026-11-26T10:00:00Z\"}|unsupported event version 3",
        "truncated in version 1|{\"v\":1,\"cluster\":\"c\",\"kind\":\"Pod\",\"type\":\"UPSERT\",\"name\":\"a\",\"observedAt\":\"2026-11-26T10:00:00Z\",\"object\":{},\"truncated\":{\"bytes\":2000000,\"limit\":1000000}}|'truncated' needs event version 2",
        "truncated delete|{\"v\":2,\"cluster\":\"c\",\"kind\":\"Pod\",\"type\":\"DELETE\",\"name\":\"a\",\"observedAt\":\"2026-11-26T10:00:00Z\",\"truncated\":{\"bytes\":2000000,\"limit\":1000000}}|only an UPSERT can be truncated",
        "truncated without sizes|{\"v\":2,\"cluster\":\"c\",\"kind\":\"Pod\",\"type\":\"UPSERT\",\"name\":\"a\",\"observedAt\":\"2026-11-26T10:00:00Z\",\"object\":{},\"truncated\":{\"bytes\":\"big\"}}|truncated must be",
        "wrong type of cluster|{\"v\":1,\"cluster\":7,\"kind\":\"Pod\",\"type\":\"DELETE\",\"name\":\"a\",\"observedAt\":\"2026-11-26T10:00:00Z\"}|cluster must be a string",
        "unknown field|{\"v\":1,\"cluster\":\"c\",\"kind\":\"Pod\",\"type\":\"DELETE\",\"name\":\"a\",\"observedAt\":\"2026-11-26T10:00:00Z\",\"x\":1}|unknown field 'x'",
        "bad time|{\"v\":1,\"cluster\":\"c\",\"kind\":\"Pod\",\"type\":\"DELETE\",\"name\":\"a\",\"observedAt\":\"yesterday\"}|observedAt is not an RFC 3339",
        "upsert without object|{\"v\":1,\"cluster\":\"c\",\"kind\":\"Pod\",\"type\":\"UPSERT\",\"name\":\"a\",\"observedAt\":\"2026-11-26T10:00:00Z\"}|an UPSERT needs an object",
        "bad type|{\"v\":1,\"cluster\":\"c\",\"kind\":\"Pod\",\"type\":\"PATCH\",\"name\":\"a\",\"observedAt\":\"2026-11-26T10:00:00Z\"}|type must be UPSERT, DELETE, GENERATION_END or HEARTBEAT",
        "heartbeat of a pod|{\"v\":1,\"cluster\":\"c\",\"kind\":\"Pod\",\"type\":\"HEARTBEAT\",\"observedAt\":\"2026-11-26T10:00:00Z\",\"object\":{\"intervalSeconds\":30}}|a HEARTBEAT has kind Ingest",
        "heartbeat without interval|{\"v\":1,\"cluster\":\"c\",\"kind\":\"Ingest\",\"type\":\"HEARTBEAT\",\"observedAt\":\"2026-11-26T10:00:00Z\"}|a HEARTBEAT needs",
        "heartbeat of zero|{\"v\":1,\"cluster\":\"c\",\"kind\":\"Ingest\",\"type\":\"HEARTBEAT\",\"observedAt\":\"2026-11-26T10:00:00Z\",\"object\":{\"intervalSeconds\":0}}|only {\"intervalSeconds\": n > 0}",
        "heartbeat naming an object|{\"v\":1,\"cluster\":\"c\",\"kind\":\"Ingest\",\"type\":\"HEARTBEAT\",\"name\":\"a\",\"observedAt\":\"2026-11-26T10:00:00Z\",\"object\":{\"intervalSeconds\":3}}|names no object",
      })
  void rejectsBadRecordsNamingWhatIsWrong(String title, String json, String reason) {
    assertThatThrownBy(() -> EventCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining(reason);
  }
}
