package io.fenceline.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fenceline.applier.status.NodeStatus;
import io.fenceline.applier.status.StatusQuery;
import io.fenceline.broker.BrokerSecurity;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.cli.io.KafkaClientConfig;
import io.fenceline.kafka.topics.TopicAdmin;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a broker that runs Kafka's KRaft {@code StandardAuthorizer}, every service as its
 * own SASL user holding exactly the ACLs that {@code docs/security.md} lists (read from that file):
 * ingest publishes, the engine compiles, each applier applies its node and publishes its receipt.
 * Outside those ACLs they are refused: the applier cannot write {@code fenceline.events} or {@code
 * fenceline.node-facts}, nor read the events; ingest cannot write node facts; nobody but ingest may
 * use ingest's transactional id.
 */
class AclPipelineIT {
  static final String MECHANISM = "SCRAM-SHA-512";
  static final String CLUSTER = "default";

  @TempDir Path dir;

  @Test
  void eachServiceWorksWithTheDocumentedAclsAndIsRefusedBeyondThem() throws Exception {
    TlsMaterial tls = TlsMaterial.create(dir.resolve("tls"));
    BrokerSecurity security =
        BrokerSecurity.tls(tls.brokerKeystore, "PKCS12", tls.password)
            .sasl(MECHANISM)
            .user("admin", "admin-secret")
            .user("fenceline-ingest", "ingest-secret")
            .user("fenceline-engine", "engine-secret")
            .user("fenceline-applier", "applier-secret")
            .authorizer("admin")
            .build();
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(dir.resolve("kafka"), Duration.ofSeconds(120), security)) {
      String bootstrap = kafka.securedBootstrapServers();
      Path admin = clientConfig(tls, "admin", "admin-secret");
      // The principals of docs/security.md and docker/k8s/kafka-secret.yaml.
      Path ingest = clientConfig(tls, "fenceline-ingest", "ingest-secret");
      Path engine = clientConfig(tls, "fenceline-engine", "engine-secret");
      Path applier = clientConfig(tls, "fenceline-applier", "applier-secret");

      List<AclBinding> acls = SecurityDoc.aclBindings(CLUSTER);
      try (Admin a =
          Admin.create(KafkaClientConfig.withBootstrap(KafkaClientConfig.load(admin), bootstrap))) {
        // The administrator creates the topics (the services are not allowed to) and grants the
        // documented ACLs.
        TopicAdmin.ensure(a, layout().specs());
        a.createAcls(acls).all().get();
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    a.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY)
                            .values()
                            .get()
                            .size()
                        == acls.size());
      }
      System.err.printf("acl pipeline: %d ACL bindings from %s%n", acls.size(), SecurityDoc.doc());
      // A record the engine cannot use, so that it has to write the dead-letter topic too.
      assertThat(produce(bootstrap, ingest, Topics.EVENTS))
          .as("ingest writes fenceline.events")
          .isNull();

      double seconds =
          SecuredPipeline.runAndAwaitCompileOutput(
              dir.resolve("run"), bootstrap, ingest, engine, applier);
      System.err.printf(
          "acl pipeline: payloads of %d nodes equal compile %.1f s after ingest%n",
          SecuredPipeline.NODES.size(), seconds);
      try (StatusQuery status = new StatusQuery(bootstrap, KafkaClientConfig.load(admin))) {
        List<NodeStatus> nodes = status.nodes();
        assertThat(nodes)
            .extracting(n -> n.receipt().node())
            .containsExactlyInAnyOrderElementsOf(SecuredPipeline.NODES);
        assertThat(nodes)
            .allSatisfy(
                n -> {
                  assertThat(n.receipt().result()).isEqualTo("ok");
                  assertThat(n.current()).isTrue();
                });
      }

      assertThat(deadLetters(kafka.bootstrapServers()))
          .as("the engine wrote the dead letter")
          .isEqualTo(1);

      assertThat(produce(bootstrap, applier, Topics.EVENTS))
          .isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining(Topics.EVENTS);
      assertThat(produce(bootstrap, applier, Topics.NODE_FACTS))
          .isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining(Topics.NODE_FACTS);
      assertThat(consume(bootstrap, applier, Topics.EVENTS))
          .isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining(Topics.EVENTS);
      assertThat(produce(bootstrap, ingest, Topics.NODE_FACTS))
          .isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining(Topics.NODE_FACTS);
      assertThat(produce(bootstrap, ingest, Topics.NODE_STATUS))
          .isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining(Topics.NODE_STATUS);
      assertThat(produce(bootstrap, engine, Topics.EVENTS))
          .isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining(Topics.EVENTS);
      assertThat(initTransactions(bootstrap, applier, "fenceline-ingest-" + CLUSTER))
          .isInstanceOf(TransactionalIdAuthorizationException.class);
    }
  }

  static Topics.Layout layout() {
    Topics.Layout d = Topics.Layout.defaults();
    return new Topics.Layout(2, 3, d.eventRetentionMs(), d.deadLetterRetentionMs());
  }

  private Path clientConfig(TlsMaterial tls, String user, String password) throws Exception {
    return SecuredPipeline.write(
        dir.resolve(user + ".properties"),
        tls.clientProperties(
            "SASL_SSL", "sasl.mechanism=" + MECHANISM, TlsMaterial.scramJaas(user, password)));
  }

  private static Map<String, Object> props(String bootstrap, Path config) {
    Map<String, Object> p =
        new HashMap<>(KafkaClientConfig.withBootstrap(KafkaClientConfig.load(config), bootstrap));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
    return p;
  }

  /**
   * What sending one record to {@code topic} as the user of {@code config} throws (null: it was
   * accepted).
   */
  private static Throwable produce(String bootstrap, Path config, String topic) {
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            props(bootstrap, config), new StringSerializer(), new StringSerializer())) {
      Throwable t =
          catchThrowable(() -> p.send(new ProducerRecord<>(topic, CLUSTER + "/x", "{}")).get());
      return t instanceof java.util.concurrent.ExecutionException ? t.getCause() : t;
    }
  }

  private static Throwable consume(String bootstrap, Path config, String topic) {
    Map<String, Object> p =
        new HashMap<>(KafkaClientConfig.withBootstrap(KafkaClientConfig.load(config), bootstrap));
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      org.apache.kafka.common.TopicPartition tp =
          new org.apache.kafka.common.TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      return catchThrowable(
          () -> {
            for (int i = 0; i < 20; i++) {
              c.poll(Duration.ofMillis(500));
            }
          });
    }
  }

  /** Records in the dead-letter topic, read through the broker's own listener. */
  private static int deadLetters(String internalBootstrap) {
    Map<String, Object> p =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            internalBootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      org.apache.kafka.common.TopicPartition tp =
          new org.apache.kafka.common.TopicPartition(Topics.DEAD_LETTER, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      int n = 0;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (c.position(tp) < end && System.nanoTime() < deadline) {
        n += c.poll(Duration.ofMillis(500)).count();
      }
      return n;
    }
  }

  private static Throwable initTransactions(String bootstrap, Path config, String transactionalId) {
    Map<String, Object> p = props(bootstrap, config);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      return catchThrowable(producer::initTransactions);
    }
  }
}
