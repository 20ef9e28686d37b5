package io.fenceline.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.hostile.HostileObjects;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.kafka.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile records through the engine on a real broker, where sizes and transactions are real: a pod
 * with 10,000 invalid labels (10,000 problems in one dead letter), a record of almost a megabyte of
 * garbage, and a random storm; afterwards the engine still runs, every certainly bad record is in
 * {@code fenceline.dead-letter} with a reason, and the valid cluster published last is in {@code
 * fenceline.node-facts} exactly as {@code compile} makes it.
 */
class HostileEngineOnBrokerIT {
  private static final String CLUSTER = "default";
  @TempDir Path dir;

  @Test
  void theEngineOutlivesHostileRecordsAndDeadLettersEachWithAReason() throws Exception {
    Random r = new Random(10);
    HostileObjects objects = new HostileObjects(10);
    List<HostileEventsTest.Input> inputs = new ArrayList<>();
    inputs.add(tenThousandBadLabels());
    inputs.add(
        new HostileEventsTest.Input(
            CLUSTER,
            ("{\"v\":1,\"x\":\"" + "y".repeat(900_000)).getBytes(StandardCharsets.UTF_8),
            true));
    for (int i = 0; i < 150; i++) {
      inputs.add(HostileEventsTest.hostile(r, objects));
    }
    List<ObjectNode> backbone = objects.backbone();
    for (ObjectNode o : backbone) {
      inputs.add(
          new HostileEventsTest.Input(
              CLUSTER,
              EventCodec.encode(
                  EventFixtures.upsert(CLUSTER, o, 1_000_000, EventFixtures.T0.plusSeconds(60))),
              false));
    }
    for (String kind : List.of("Namespace", "Node", "Pod", "NetworkPolicy")) {
      inputs.add(
          new HostileEventsTest.Input(
              CLUSTER,
              EventCodec.encode(
                  ChangeEvent.generationEnd(
                      CLUSTER, kind, EventFixtures.T0.plusSeconds(61), 1_000_000)),
              false));
    }
    long certainlyBad = inputs.stream().filter(HostileEventsTest.Input::certainlyBad).count();

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      Topics.Layout d = Topics.Layout.defaults();
      EngineConfig config =
          new EngineConfig(
              kafka.bootstrapServers(),
              "engine-hostile-it",
              dir.resolve("state"),
              new Topics.Layout(1, 1, d.eventRetentionMs(), d.deadLetterRetentionMs()),
              Map.of());
      try (Engine engine = Engine.start(config)) {
        long[] offsets = publish(kafka, inputs);
        CompiledCluster expected =
            CompiledCluster.fromScratch(
                Manifests.asUpserts(
                    Manifests.decode(
                        backbone.stream()
                            .map(o -> new RawObject(o, new SourceLocation("backbone", 1)))
                            .toList())));
        FactsFold fold = new FactsFold();
        Map<Long, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, byte[]> facts = consumer(kafka, Topics.NODE_FACTS);
            KafkaConsumer<String, byte[]> sets = consumer(kafka, Topics.SET_MEMBERS);
            KafkaConsumer<String, byte[]> dead = consumer(kafka, Topics.DEAD_LETTER)) {
          await()
              .atMost(Duration.ofMinutes(3))
              .pollInterval(Duration.ofMillis(200))
              .untilAsserted(
                  () -> {
                    sets.poll(Duration.ofMillis(100)).forEach(fold::apply);
                    facts.poll(Duration.ofMillis(200)).forEach(fold::apply);
                    assertThat(engine.state()).isEqualTo(KafkaStreams.State.RUNNING);
                    for (String node : expected.nodes()) {
                      assertThat(fold.table(0, CLUSTER).nodeModel(node))
                          .isEqualTo(expected.nodeModel(node));
                    }
                  });
          // Everything before the last facts is committed: read the dead letters to their end.
          TopicPartition dlq = new TopicPartition(Topics.DEAD_LETTER, 0);
          long end = dead.endOffsets(List.of(dlq)).get(dlq);
          while (dead.position(dlq) < end) {
            for (ConsumerRecord<String, byte[]> dl : dead.poll(Duration.ofMillis(200))) {
              var h = dl.headers().lastHeader(DeadLetter.REASON);
              var off = dl.headers().lastHeader(DeadLetter.SOURCE_OFFSET);
              reasons.put(
                  Long.parseLong(new String(off.value(), StandardCharsets.UTF_8)),
                  h == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
            }
          }
          for (int i = 0; i < inputs.size(); i++) {
            long offset = offsets[i];
            if (offset >= 0 && inputs.get(i).certainlyBad()) {
              assertThat(reasons.keySet()).as("record %d dead-lettered", offset).contains(offset);
              assertThat(reasons.get(offset)).isNotBlank();
            }
          }
          assertThat(reasons.get(0L)).contains("metadata.labels").contains("more characters");
          System.out.printf(
              "hostile input (engine on a broker): %d records, %d certainly bad, %d dead-lettered%n",
              inputs.size(), certainlyBad, reasons.size());
        }
      }
    }
  }

  private static HostileEventsTest.Input tenThousandBadLabels() {
    ObjectNode pod = HostileObjects.pod("prod", "labels", Map.of(), "node-1", "10.244.1.50", null);
    ObjectNode labels = ((ObjectNode) pod.get("metadata")).putObject("labels");
    for (int i = 0; i < 10_000; i++) {
      labels.put("k" + i, "bad value " + i);
    }
    return new HostileEventsTest.Input(
        CLUSTER, EventCodec.encode(EventFixtures.upsert(CLUSTER, pod, 1, EventFixtures.T0)), true);
  }

  /**
   * Publishes in order; returns each input's offset (a record the broker refuses gets none, -1).
   */
  private static long[] publish(EmbeddedKafka kafka, List<HostileEventsTest.Input> inputs)
      throws Exception {
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            1);
    long[] offsets = new long[inputs.size()];
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < inputs.size(); i++) {
        HostileEventsTest.Input in = inputs.get(i);
        try {
          offsets[i] =
              producer
                  .send(new ProducerRecord<>(Topics.EVENTS, 0, in.key(), in.value()))
                  .get()
                  .offset();
        } catch (java.util.concurrent.ExecutionException e) {
          offsets[i] = -1; // too large for the topic: it never reaches the engine
        }
      }
    }
    return offsets;
  }

  private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafka kafka, String topic) {
    KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    TopicPartition tp = new TopicPartition(topic, 0);
    c.assign(List.of(tp));
    c.seekToBeginning(List.of(tp));
    return c;
  }
}
