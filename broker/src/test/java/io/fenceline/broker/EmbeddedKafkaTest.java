package io.fenceline.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

class EmbeddedKafkaTest {
  private static final String TOPIC = "fenceline.test";

  @TempDir Path dataDir;

  @Test
  @Timeout(60)
  void keepsCommittedRecordsAndItsAddressAcrossARestart() throws Exception {
    List<String> firstRead;
    String address;
    String clusterId;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      report("first start", kafka);
      assertThat(kafka.firstStart()).isTrue();
      address = kafka.bootstrapServers();
      clusterId = kafka.clusterId();
      assertThat(address).startsWith("127.0.0.1:");
      assertThat(BrokerDirectory.lookup(dataDir)).contains(address);

      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        // Metadata of a new topic reaches the broker's cache a moment after creation.
        org.awaitility.Awaitility.await()
            .ignoreExceptions()
            .atMost(java.time.Duration.ofSeconds(20))
            .untilAsserted(
                () ->
                    assertThat(
                            admin
                                .describeTopics(List.of(TOPIC))
                                .allTopicNames()
                                .get()
                                .get(TOPIC)
                                .partitions())
                        .hasSize(3));
      }
      try (KafkaProducer<String, String> producer = transactionalProducer(address)) {
        producer.initTransactions();
        producer.beginTransaction();
        for (int i = 0; i < 30; i++) {
          producer.send(new ProducerRecord<>(TOPIC, i % 3, "key-" + i, "committed-" + i));
        }
        producer.commitTransaction();
        producer.beginTransaction();
        for (int i = 0; i < 6; i++) {
          producer.send(new ProducerRecord<>(TOPIC, i % 3, "key-" + i, "aborted-" + i));
        }
        producer.flush();
        producer.abortTransaction();
      }
      firstRead = readCommitted(address, 30);
      assertThat(firstRead).hasSize(30).noneMatch(r -> r.contains("aborted"));
      assertThat(firstRead.stream().map(r -> r.split("/")[0]).distinct())
          .containsExactlyInAnyOrder("0", "1", "2");
    }
    assertThat(Files.exists(BrokerDirectory.file(dataDir))).isFalse();
    assertThat(BrokerDirectory.lookup(dataDir)).isEmpty();

    // The controller listener is internal: when its remembered port is taken, the broker moves it.
    Path settings = dataDir.resolve("kafka").resolve(EmbeddedKafka.SETTINGS_FILE);
    int controllerPort = Integer.parseInt(load(settings).getProperty("controller.port"));
    try (ServerSocket squatter = new ServerSocket();
        EmbeddedKafka again = startWhileHolding(squatter, controllerPort)) {
      report("restart", again);
      assertThat(again.firstStart()).isFalse();
      assertThat(again.bootstrapServers()).isEqualTo(address);
      assertThat(again.clusterId()).isEqualTo(clusterId);
      assertThat(readCommitted(again.bootstrapServers(), 30)).containsExactlyElementsOf(firstRead);

      assertThatThrownBy(() -> EmbeddedKafka.start(dataDir))
          .isInstanceOf(BrokerAlreadyRunningException.class)
          .hasMessageContaining("already running")
          .satisfies(
              e ->
                  assertThat(((BrokerAlreadyRunningException) e).bootstrapServers())
                      .contains(address));
    }
  }

  @Test
  void refusesToStartWhenTheRememberedPortIsTaken() throws Exception {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = squatter.getLocalPort();
      Path settings = dataDir.resolve("kafka").resolve(EmbeddedKafka.SETTINGS_FILE);
      Files.createDirectories(settings.getParent());
      Files.writeString(settings, "broker.port=" + port + "\n");

      assertThatThrownBy(() -> EmbeddedKafka.start(dataDir))
          .isInstanceOf(BrokerException.class)
          .hasMessageContaining("port " + port)
          .hasMessageContaining("in use by another process");
      // The failed start released the lock.
      assertThat(BrokerDirectory.isLocked(dataDir)).isFalse();
    }
  }

  private EmbeddedKafka startWhileHolding(ServerSocket squatter, int port) throws Exception {
    squatter.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir);
    Path settings = dataDir.resolve("kafka").resolve(EmbeddedKafka.SETTINGS_FILE);
    assertThat(load(settings).getProperty("controller.port")).isNotEqualTo(Integer.toString(port));
    return kafka;
  }

  private static Properties load(Path file) throws Exception {
    Properties p = new Properties();
    try (var in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }

  private static void report(String what, EmbeddedKafka kafka) {
    System.err.printf(
        "embedded Kafka %s: ready in %d ms at %s%n",
        what, kafka.startupTime().toMillis(), kafka.bootstrapServers());
  }

  private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fenceline-test-tx");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /**
   * All committed records of the topic as "partition/offset/key=value", by partition then offset.
   */
  private static List<String> readCommitted(String bootstrap, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          List.of(
              new TopicPartition(TOPIC, 0),
              new TopicPartition(TOPIC, 1),
              new TopicPartition(TOPIC, 2));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        boolean atEnd =
            consumer.endOffsets(partitions).entrySet().stream()
                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        if (records.size() >= expected && atEnd) {
          break;
        }
      }
    }
    return records.stream()
        .sorted(
            (a, b) ->
                a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()))
        .map(r -> r.partition() + "/" + r.offset() + "/" + r.key() + "=" + r.value())
        .toList();
  }
}
