package io.fenceline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker process killed with SIGKILL: its stale broker.json is ignored, and a restart keeps
 * address and data.
 */
class EmbeddedKafkaCrashTest {
  @TempDir Path dataDir;

  @Test
  @Timeout(150)
  void restartsAfterTheBrokerProcessWasKilled() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                CrashTestBroker.class.getName(),
                dataDir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String address;
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      address = out.readLine();
      assertThat(address).startsWith("127.0.0.1:");
      assertThat(BrokerDirectory.lookup(dataDir)).contains(address);
      assertThat(BrokerDirectory.read(dataDir).orElseThrow().pid()).isEqualTo(child.pid());
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address))) {
        admin.createTopics(List.of(new NewTopic("crash", 1, (short) 1))).all().get();
      }
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "crash-test");
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        for (int i = 0; i < 5; i++) {
          producer.send(new ProducerRecord<>("crash", "k" + i, "v" + i));
        }
        producer.commitTransaction();
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    // SIGKILL left broker.json behind: stale, ignored.
    assertThat(Files.exists(BrokerDirectory.file(dataDir))).isTrue();
    assertThat(BrokerDirectory.lookup(dataDir)).isEmpty();

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      System.err.printf(
          "embedded Kafka restart after SIGKILL: ready in %d ms%n", kafka.startupTime().toMillis());
      assertThat(kafka.bootstrapServers()).isEqualTo(address);
      assertThat(kafka.startupTime()).isLessThan(Duration.ofSeconds(15));
      assertThat(BrokerDirectory.lookup(dataDir)).contains(address);
      // The records themselves survived the crash ...
      assertThat(read(address, "read_uncommitted", Duration.ofSeconds(15)))
          .containsExactly("v0", "v1", "v2", "v3", "v4");
      // ... and so did their commit: the restarted transaction coordinator finishes the prepared
      // commit (writes its
      // markers), after which the last stable offset passes them. This takes a few seconds on a
      // busy machine.
      assertThat(read(address, "read_committed", Duration.ofSeconds(60)))
          .containsExactly("v0", "v1", "v2", "v3", "v4");
    }
  }

  private static List<String> read(String address, String isolationLevel, Duration timeout) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition("crash", 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (values.size() < 5 && System.nanoTime() - deadline < 0) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
    }
    return values;
  }
}
