package io.fenceline.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.ManifestSyntaxException;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.kafka.topics.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a cluster's state to {@code fenceline.events} the way ingest does: each object that is
 * new or changed since the last call as an UPSERT, each object that disappeared as a DELETE.
 */
final class ClusterPublisher implements AutoCloseable {
  private final String cluster;
  private final KafkaProducer<String, byte[]> producer;
  private Map<String, JsonNode> published = new HashMap<>();
  private Instant clock = Instant.parse("2026-11-26T10:00:00Z");

  ClusterPublisher(String cluster, String bootstrapServers) {
    this.cluster = cluster;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /** Publishes the difference to the previous state; returns the number of events. */
  int publish(String manifests) {
    List<RawObject> objects;
    try {
      objects = ManifestParser.parse("state.yaml", manifests);
    } catch (ManifestSyntaxException e) {
      throw new IllegalArgumentException(e);
    }
    Map<String, JsonNode> now = new TreeMap<>();
    for (RawObject o : objects) {
      now.put(key(o.node()), o.node());
    }
    int n = 0;
    for (Map.Entry<String, JsonNode> e : now.entrySet()) {
      if (!e.getValue().equals(published.get(e.getKey()))) {
        send(upsert(e.getValue()));
        n++;
      }
    }
    for (String k : published.keySet()) {
      if (!now.containsKey(k)) {
        String[] p = k.split("/", -1);
        send(ChangeEvent.delete(cluster, p[0], p[1], p[2], null, null, tick(), 1));
        n++;
      }
    }
    producer.flush();
    published = now;
    return n;
  }

  private static String key(JsonNode o) {
    String kind = o.path("kind").asText();
    String ns =
        kind.equals("Namespace") || kind.equals("Node")
            ? ""
            : o.path("metadata").path("namespace").asText("default");
    return kind + "/" + ns + "/" + o.path("metadata").path("name").asText();
  }

  private ChangeEvent upsert(JsonNode o) {
    String[] p = key(o).split("/", -1);
    return ChangeEvent.upsert(cluster, p[0], p[1], p[2], null, null, tick(), 1, o);
  }

  private Instant tick() {
    clock = clock.plusMillis(1);
    return clock;
  }

  private void send(ChangeEvent e) {
    producer.send(new ProducerRecord<>(Topics.EVENTS, cluster, EventCodec.encode(e)));
  }

  @Override
  public void close() {
    producer.close();
  }
}
