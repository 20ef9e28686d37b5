package io.fenceline.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.Main;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventType;
import io.fenceline.kafka.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatePublishCommandTest {
  @TempDir Path tmp;

  @Test
  void shouldPublishTheFleetThenItsChurnPerClusterToTheEventLog() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path data = tmp.resolve("data");
    int rc =
        Main.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(
                "simulate",
                "publish",
                "--size",
                "2/4/60/16",
                "--rate",
                "50",
                "--duration",
                "1",
                "--rollouts",
                "1",
                "--data-dir",
                data.toString());
    assertThat(rc).as(err.toString()).isZero();
    assertThat(out.toString()).contains("2 clusters, 4 nodes, 60 pods, 16 policies");
    // The broker this command started is gone again; read what it committed with a new one.
    try (BrokerResolver.Resolved broker = BrokerResolver.resolve(null, data, true);
        KafkaConsumer<String, byte[]> c =
            new KafkaConsumer<>(
                Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < Topics.Layout.defaults().eventPartitions(); p++) {
        tps.add(new TopicPartition(Topics.EVENTS, p));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      List<ChangeEvent> events = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Set<String> endsSeen = new HashSet<>();
      // two clusters, one end marker per kind
      int ends = 2 * io.fenceline.core.model.Kind.values().length;
      while ((endsSeen.size() < ends
              || events.stream().noneMatch(e -> e.type() == EventType.DELETE))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          ChangeEvent e = EventCodec.decode(r.value());
          assertThat(r.key()).isEqualTo(e.cluster());
          events.add(e);
          if (e.type() == EventType.GENERATION_END) {
            endsSeen.add(e.cluster() + "/" + e.kind());
          }
        }
      }
      assertThat(endsSeen).hasSize(ends);
      assertThat(events).extracting(ChangeEvent::cluster).contains("c00", "c01");
      assertThat(events)
          .filteredOn(e -> e.kind().equals("Pod") && e.type() == EventType.UPSERT)
          .hasSizeGreaterThan(60);
      assertThat(events).anyMatch(e -> e.type() == EventType.DELETE);
    }
  }
}
