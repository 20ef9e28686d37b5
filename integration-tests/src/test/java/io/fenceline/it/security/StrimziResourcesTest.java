package io.fenceline.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fenceline.it.containers.ContainerImages;
import io.fenceline.kafka.topics.TopicSpec;
import io.fenceline.kafka.topics.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Strimzi resources of {@code docker/strimzi/} say what the project says elsewhere: the
 * KafkaTopics are exactly {@link Topics.Layout#defaults()} (plus the documented production
 * replication), and the KafkaUsers hold exactly the ACLs of {@code docs/security.md}'s table. There
 * is no Strimzi model on the classpath, so the YAML is compared as data, with the fields each kind
 * may carry checked against Strimzi's v1beta2 schema by hand.
 */
class StrimziResourcesTest {
  static final YAMLMapper YAML = new YAMLMapper();

  /** The fenceline cluster id that users.yaml writes for {@code <cluster>}. */
  static final String CLUSTER_ID = "my-cluster";

  static final Set<String> STRIMZI_OPERATIONS =
      Set.of(
          "Read",
          "Write",
          "Create",
          "Delete",
          "Alter",
          "Describe",
          "ClusterAction",
          "AlterConfigs",
          "DescribeConfigs",
          "IdempotentWrite",
          "All");

  static final List<JsonNode> topics = new ArrayList<>();
  static final List<JsonNode> users = new ArrayList<>();

  static Path strimzi() {
    return ContainerImages.repoDir().resolve("docker/strimzi");
  }

  @BeforeAll
  static void load() throws IOException {
    for (String file : kustomizationResources()) {
      try (var it = YAML.readerFor(JsonNode.class).readValues(strimzi().resolve(file).toFile())) {
        while (it.hasNext()) {
          JsonNode doc = (JsonNode) it.next();
          if (doc == null || doc.isNull() || doc.isEmpty()) {
            continue;
          }
          assertThat(doc.path("apiVersion").asText())
              .as(file + " " + doc.path("metadata").path("name").asText())
              .isEqualTo("kafka.strimzi.io/v1beta2");
          switch (doc.path("kind").asText()) {
            case "KafkaTopic" -> topics.add(doc);
            case "KafkaUser" -> users.add(doc);
            default -> throw new AssertionError(file + ": unexpected kind " + doc.path("kind"));
          }
        }
      }
    }
  }

  static List<String> kustomizationResources() throws IOException {
    List<String> files = new ArrayList<>();
    YAML.readTree(strimzi().resolve("kustomization.yaml").toFile())
        .path("resources")
        .forEach(n -> files.add(n.asText()));
    assertThat(files).as("docker/strimzi/kustomization.yaml resources").isNotEmpty();
    return files;
  }

  @Test
  void kafkaTopicsAreExactlyTheDefaultLayoutWithProductionReplication() {
    Map<String, TopicSpec> fromYaml = new TreeMap<>();
    for (JsonNode topic : topics) {
      String name = topic.path("metadata").path("name").asText();
      JsonNode spec = topic.path("spec");
      assertThat(fieldNames(topic)).as(name).isSubsetOf("apiVersion", "kind", "metadata", "spec");
      assertThat(fieldNames(spec))
          .as(name + " spec")
          .isSubsetOf("topicName", "partitions", "replicas", "config");
      assertThat(spec.path("topicName").asText()).as(name + " spec.topicName").isEqualTo(name);
      assertThat(spec.path("replicas").isInt()).as(name + " replicas is a number").isTrue();
      assertThat(spec.path("replicas").asInt()).as(name + " replicas (production)").isEqualTo(3);
      Map<String, String> config = new TreeMap<>();
      spec.path("config")
          .properties()
          .forEach(
              e -> {
                assertThat(e.getValue().isValueNode())
                    .as(name + " config " + e.getKey() + " is a scalar")
                    .isTrue();
                config.put(e.getKey(), e.getValue().asText());
              });
      assertThat(config.remove("min.insync.replicas"))
          .as(name + " min.insync.replicas (production)")
          .isEqualTo("2");
      assertThat(spec.path("partitions").isInt()).as(name + " partitions is a number").isTrue();
      assertThat(fromYaml.put(name, new TopicSpec(name, spec.path("partitions").asInt(), config)))
          .as(name + " defined once")
          .isNull();
    }
    Map<String, TopicSpec> expected = new TreeMap<>();
    Topics.Layout.defaults().specs().forEach(s -> expected.put(s.name(), s));
    assertThat(fromYaml).isEqualTo(expected);
  }

  @Test
  void kafkaUsersHoldExactlyTheAclsOfSecurityMd() throws IOException {
    List<AclBinding> fromYaml = new ArrayList<>();
    for (JsonNode user : users) {
      String name = user.path("metadata").path("name").asText();
      JsonNode spec = user.path("spec");
      assertThat(fieldNames(spec)).as(name + " spec").isSubsetOf("authentication", "authorization");
      assertThat(spec.path("authentication").path("type").asText())
          .as(name + " authentication")
          .isIn("scram-sha-512", "tls");
      assertThat(spec.path("authorization").path("type").asText())
          .as(name + " authorization")
          .isEqualTo("simple");
      assertThat(fieldNames(spec.path("authorization")))
          .as(name + " authorization")
          .isSubsetOf("type", "acls");
      for (JsonNode acl : spec.path("authorization").path("acls")) {
        fromYaml.addAll(bindings("User:" + name, acl));
      }
    }
    Comparator<AclBinding> order = Comparator.comparing(AclBinding::toString);
    List<AclBinding> expected = new ArrayList<>(SecurityDoc.aclBindings(CLUSTER_ID));
    expected.sort(order);
    fromYaml.sort(order);
    assertThat(fromYaml).containsExactlyElementsOf(expected);
  }

  @Test
  void everyResourceNamesTheSameStrimziCluster() {
    Set<String> clusters = new TreeSet<>();
    for (JsonNode doc : concat(topics, users)) {
      String cluster = doc.path("metadata").path("labels").path("strimzi.io/cluster").asText();
      assertThat(cluster).as(doc.path("metadata").path("name").asText()).isNotEmpty();
      clusters.add(cluster);
      assertThat(doc.path("metadata").has("namespace"))
          .as("namespace left to kubectl -n: " + doc.path("metadata").path("name").asText())
          .isFalse();
    }
    assertThat(clusters).hasSize(1);
    assertThat(users)
        .extracting(u -> u.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder("fenceline-ingest", "fenceline-engine", "fenceline-applier");
  }

  /** One Strimzi AclRule as Kafka bindings (one per operation), the way the User Operator does. */
  static List<AclBinding> bindings(String principal, JsonNode acl) {
    assertThat(fieldNames(acl))
        .as(principal + " acl " + acl)
        .isSubsetOf("resource", "operations", "host", "type");
    JsonNode resource = acl.path("resource");
    assertThat(fieldNames(resource))
        .as(principal + " acl resource " + resource)
        .isSubsetOf("type", "name", "patternType");
    ResourceType type =
        switch (resource.path("type").asText()) {
          case "topic" -> ResourceType.TOPIC;
          case "group" -> ResourceType.GROUP;
          case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
          case "cluster" -> ResourceType.CLUSTER;
          default -> throw new AssertionError(principal + ": resource type " + resource);
        };
    PatternType pattern =
        switch (resource.path("patternType").asText("literal")) {
          case "literal" -> PatternType.LITERAL;
          case "prefix" -> PatternType.PREFIXED;
          default -> throw new AssertionError(principal + ": patternType " + resource);
        };
    AclPermissionType permission =
        switch (acl.path("type").asText("allow")) {
          case "allow" -> AclPermissionType.ALLOW;
          case "deny" -> AclPermissionType.DENY;
          default -> throw new AssertionError(principal + ": type " + acl);
        };
    String host = acl.path("host").asText("*");
    assertThat(acl.path("operations").isArray() && !acl.path("operations").isEmpty())
        .as(principal + " acl " + acl + " has operations")
        .isTrue();
    List<AclBinding> out = new ArrayList<>();
    for (JsonNode op : acl.path("operations")) {
      assertThat(op.asText()).as(principal + " operation").isIn(STRIMZI_OPERATIONS);
      AclOperation operation = AclOperation.fromString(camelToUpperSnake(op.asText()));
      assertThat(operation).as(op.asText()).isNotEqualTo(AclOperation.UNKNOWN);
      out.add(
          new AclBinding(
              new ResourcePattern(type, resource.path("name").asText(), pattern),
              new AccessControlEntry(principal, host, operation, permission)));
    }
    return out;
  }

  static String camelToUpperSnake(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }

  static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    List<JsonNode> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
