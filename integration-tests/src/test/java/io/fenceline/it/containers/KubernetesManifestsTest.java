package io.fenceline.it.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fenceline.cli.Main;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Kubernetes manifests under {@code docker/k8s/} load strictly with fabric8's model (every
 * document a typed kind, no field the model does not know, nothing lost or coerced in a round
 * trip), reference only objects and keys they define, grant ingest exactly read access to what it
 * reads, give the applier what the DaemonSet contract says, and pass arguments the CLI accepts. No
 * Docker needed.
 */
class KubernetesManifestsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final YAMLMapper YAML = new YAMLMapper();
  static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();

  static Path k8s;
  static final List<HasMetadata> objects = new ArrayList<>();
  static final Map<String, Path> sourceOf = new LinkedHashMap<>();

  @BeforeAll
  static void load() throws IOException {
    k8s = ContainerImages.repoDir().resolve("docker/k8s");
    List<String> problems = new ArrayList<>();
    for (Path file : manifestFiles()) {
      int doc = 0;
      try (var it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (it.hasNext()) {
          JsonNode node = (JsonNode) it.next();
          doc++;
          if (node == null || node.isNull() || node.isEmpty()) {
            continue;
          }
          String where = k8s.relativize(file) + " document " + doc;
          Object parsed = FABRIC8.unmarshal(JSON.writeValueAsString(node));
          if (!(parsed instanceof HasMetadata hm) || parsed instanceof GenericKubernetesResource) {
            problems.add(
                where
                    + ": kind "
                    + node.path("kind").asText()
                    + " "
                    + node.path("apiVersion").asText()
                    + " is not a typed fabric8 model kind ("
                    + (parsed == null ? "null" : parsed.getClass().getName())
                    + ")");
            continue;
          }
          unknownFields(parsed, hm.getKind()).forEach(p -> problems.add(where + ": " + p));
          JsonNode back = JSON.readTree(FABRIC8.asJson(parsed));
          if (!back.equals(node)) {
            problems.add(
                where
                    + ": does not survive a round trip through the model (a field in the wrong place or"
                    + " of the wrong type?)\n  file:  "
                    + node
                    + "\n  model: "
                    + back);
          }
          objects.add(hm);
          sourceOf.put(key(hm), file);
        }
      }
    }
    assertThat(problems).as("strict load of docker/k8s").isEmpty();
  }

  static List<Path> manifestFiles() throws IOException {
    try (Stream<Path> s = Files.list(k8s)) {
      return s.filter(
              p ->
                  p.toString().endsWith(".yaml")
                      && !p.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyKindIsLoadedAndTheKustomizationListsEveryFile() throws IOException {
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains(
            "Namespace",
            "ConfigMap",
            "Secret",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Deployment",
            "DaemonSet");
    JsonNode kustomization = YAML.readTree(k8s.resolve("kustomization.yaml").toFile());
    List<String> listed = new ArrayList<>();
    kustomization.path("resources").forEach(n -> listed.add(n.asText()));
    assertThat(listed)
        .containsExactlyInAnyOrderElementsOf(
            manifestFiles().stream().map(p -> p.getFileName().toString()).toList());
    for (HasMetadata o : objects) {
      if (!(o instanceof ClusterRole
          || o instanceof ClusterRoleBinding
          || o.getKind().equals("Namespace"))) {
        assertThat(o.getMetadata().getNamespace()).as(key(o)).isEqualTo("fenceline");
      }
    }
  }

  @Test
  void ingestMayOnlyGetListWatchWhatItReads() {
    ClusterRole role = one(ClusterRole.class, "fenceline-ingest");
    Set<String> granted = new TreeSet<>();
    for (PolicyRule r : role.getRules()) {
      assertThat(r.getVerbs()).as("verbs").containsExactlyInAnyOrder("get", "list", "watch");
      assertThat(r.getResourceNames()).as("resourceNames").isNullOrEmpty();
      assertThat(r.getNonResourceURLs()).as("nonResourceURLs").isNullOrEmpty();
      for (String g : r.getApiGroups()) {
        for (String res : r.getResources()) {
          granted.add(g + "/" + res);
        }
      }
    }
    assertThat(granted)
        .containsExactlyInAnyOrder(
            "/pods",
            "/namespaces",
            "/nodes",
            "networking.k8s.io/networkpolicies",
            "policy.networking.k8s.io/clusternetworkpolicies");
    ClusterRoleBinding binding = one(ClusterRoleBinding.class, "fenceline-ingest");
    assertThat(binding.getRoleRef().getName()).isEqualTo("fenceline-ingest");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName())
                  .isEqualTo(
                      podSpec(one(Deployment.class, "fenceline-ingest")).getServiceAccountName());
              assertThat(s.getNamespace()).isEqualTo("fenceline");
            });
    // nothing else gets API access
    assertThat(objects)
        .filteredOn(o -> o instanceof ClusterRoleBinding || o.getKind().equals("RoleBinding"))
        .hasSize(1);
  }

  @Test
  void everyRoleInTheManifestsOnlyReads() {
    List<PolicyRule> rules = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (o instanceof ClusterRole cr) {
        rules.addAll(cr.getRules());
      } else if (o instanceof io.fabric8.kubernetes.api.model.rbac.Role r) {
        rules.addAll(r.getRules());
      } else {
        assertThat(o.getKind()).as(key(o)).isNotIn("Role", "ClusterRole");
      }
    }
    assertThat(rules).isNotEmpty();
    assertThat(rules)
        .flatExtracting(PolicyRule::getVerbs)
        .allMatch(v -> Set.of("get", "list", "watch").contains(v), "get, list or watch");
    for (HasMetadata workload : workloads()) {
      PodSpec pod = podSpec(workload);
      if (!pod.getServiceAccountName().equals("fenceline-ingest")) {
        assertThat(pod.getAutomountServiceAccountToken())
            .as(key(workload) + " mounts no API token")
            .isFalse();
      }
    }
  }

  @Test
  void applierIsAHostNetworkDaemonSetWithNetworkCapabilitiesOnly() throws IOException {
    DaemonSet ds = one(DaemonSet.class, "fenceline-applier");
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    Container c = pod.getContainers().get(0);
    assertThat(pod.getContainers()).hasSize(1);
    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    // Exactly what docs/security.md lists (ApplierCapabilitiesIT proves each is needed; NET_RAW:
    // iptables' set
    // match opens a raw socket). PipelineContainersIT runs the applier with exactly these.
    assertThat(c.getSecurityContext().getCapabilities().getAdd())
        .containsExactlyInAnyOrderElementsOf(
            io.fenceline.it.security.SecurityDoc.applierCapabilities());
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    EnvVar nodeName = env(c, "NODE_NAME");
    assertThat(nodeName.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
    assertThat(c.getArgs()).contains("--node=$(NODE_NAME)");
    assertThat(c.getArgs()).noneMatch(a -> a.startsWith("--dry-run") || a.startsWith("--netns"));
    assertThat(pod.getVolumes())
        .extracting(v -> v.getHostPath() == null ? null : v.getHostPath().getPath())
        .contains("/run/xtables.lock");
  }

  @Test
  void kafkaSettingsComeFromTheSecretAndEveryReferenceResolves() {
    Secret kafka = one(Secret.class, "fenceline-kafka");
    assertThat(kafka.getStringData()).containsOnlyKeys("bootstrap.servers", "ca.crt");
    Set<String> clientSecrets = new TreeSet<>();
    for (HasMetadata workload : workloads()) {
      // Each service its own Kafka principal: the shared CA plus its own client.properties, nobody
      // else's.
      Volume client =
          podSpec(workload).getVolumes().stream()
              .filter(v -> v.getName().equals("kafka-client"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(key(workload) + ": no kafka-client volume"));
      List<String> sources = new ArrayList<>();
      client
          .getProjected()
          .getSources()
          .forEach(
              src -> {
                Secret secret = one(Secret.class, src.getSecret().getName());
                src.getSecret()
                    .getItems()
                    .forEach(
                        item -> {
                          assertThat(secret.getStringData())
                              .as(key(workload) + " projects " + secret.getMetadata().getName())
                              .containsKey(item.getKey());
                          sources.add(
                              secret.getMetadata().getName()
                                  + ":"
                                  + item.getKey()
                                  + "->"
                                  + item.getPath());
                        });
              });
      String own =
          "fenceline-kafka-"
              + workload.getMetadata().getLabels().get("app.kubernetes.io/component");
      assertThat(sources)
          .as(key(workload))
          .containsExactlyInAnyOrder(
              "fenceline-kafka:ca.crt->ca.crt", own + ":client.properties->client.properties");
      assertThat(one(Secret.class, own).getStringData().get("client.properties"))
          .as(own)
          .contains("ssl.truststore.location=/etc/fenceline/kafka/ca.crt");
      assertThat(clientSecrets.add(own)).as(key(workload) + " shares " + own).isTrue();
      PodSpec pod = podSpec(workload);
      Container c = pod.getContainers().get(0);
      EnvVar bootstrap = env(c, "KAFKA_BOOTSTRAP_SERVERS");
      assertThat(bootstrap.getValueFrom().getSecretKeyRef().getName())
          .as(key(workload))
          .isEqualTo("fenceline-kafka");
      assertThat(c.getArgs())
          .as(key(workload))
          .contains("--bootstrap-servers=$(KAFKA_BOOTSTRAP_SERVERS)");
      assertThat(c.getVolumeMounts())
          .as(key(workload))
          .anyMatch(
              m ->
                  m.getMountPath().equals("/etc/fenceline/kafka")
                      && Boolean.TRUE.equals(m.getReadOnly()));
      for (EnvVar e : c.getEnv()) {
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
          var ref = e.getValueFrom().getSecretKeyRef();
          assertThat(one(Secret.class, ref.getName()).getStringData())
              .as(key(workload) + " env " + e.getName())
              .containsKey(ref.getKey());
        }
        if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
          var ref = e.getValueFrom().getConfigMapKeyRef();
          assertThat(one(ConfigMap.class, ref.getName()).getData())
              .as(key(workload) + " env " + e.getName())
              .containsKey(ref.getKey());
        }
      }
      for (Volume v : pod.getVolumes()) {
        if (v.getSecret() != null) {
          one(Secret.class, v.getSecret().getSecretName());
        }
        if (v.getProjected() != null) {
          v.getProjected()
              .getSources()
              .forEach(src -> one(Secret.class, src.getSecret().getName()));
        }
      }
      Set<String> volumes = new TreeSet<>(pod.getVolumes().stream().map(Volume::getName).toList());
      assertThat(c.getVolumeMounts())
          .as(key(workload) + " mounts")
          .allMatch(m -> volumes.contains(m.getName()));
      one(ServiceAccount.class, pod.getServiceAccountName());
      assertThat(c.getImage()).as(key(workload)).isEqualTo(ContainerImages.DEFAULT_FENCELINE);
    }
  }

  @Test
  void containerArgumentsParseWithTheCli() {
    for (HasMetadata workload : workloads()) {
      Container c = podSpec(workload).getContainers().get(0);
      Map<String, String> vars = new LinkedHashMap<>();
      for (EnvVar e : c.getEnv()) {
        vars.put(
            e.getName(),
            e.getValue() != null ? e.getValue() : "placeholder-" + e.getName().toLowerCase());
      }
      List<String> args = new ArrayList<>();
      Pattern ref = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
      for (String a : c.getArgs()) {
        Matcher m = ref.matcher(a);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
          assertThat(vars)
              .as(key(workload) + " arg " + a + " references an env var the container defines")
              .containsKey(m.group(1));
          m.appendReplacement(sb, Matcher.quoteReplacement(vars.get(m.group(1)).replace("/", "-")));
        }
        m.appendTail(sb);
        args.add(sb.toString());
      }
      try {
        Main.commandLine().parseArgs(args.toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        throw new AssertionError(
            key(workload) + ": the CLI rejects " + args + ": " + e.getMessage(), e);
      }
    }
  }

  @Test
  void everyWorkloadIsProbedOnItsDeclaredMetricsPort() {
    assertThat(workloads())
        .extracting(w -> w.getMetadata().getName())
        .containsExactlyInAnyOrder("fenceline-engine", "fenceline-ingest", "fenceline-applier");
    for (HasMetadata workload : workloads()) {
      Container c = podSpec(workload).getContainers().get(0);
      String port =
          c.getArgs().stream()
              .filter(a -> a.startsWith("--metrics-port="))
              .map(a -> a.substring(15))
              .findFirst()
              .orElseThrow(() -> new AssertionError(key(workload) + ": no --metrics-port"));
      assertThat(c.getPorts())
          .as(key(workload) + " ports")
          .anySatisfy(
              p -> {
                assertThat(p.getName()).isEqualTo("metrics");
                assertThat(p.getContainerPort()).isEqualTo(Integer.parseInt(port));
                assertThat(p.getProtocol()).isEqualTo("TCP");
              });
      assertThat(c.getReadinessProbe()).as(key(workload) + " readinessProbe").isNotNull();
      assertThat(c.getReadinessProbe().getHttpGet().getPath())
          .as(key(workload))
          .isEqualTo("/healthz");
      assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal())
          .as(key(workload))
          .isEqualTo("metrics");
      assertThat(c.getLivenessProbe()).as(key(workload) + " livenessProbe").isNotNull();
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).as(key(workload)).isEqualTo("/livez");
      assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal())
          .as(key(workload))
          .isEqualTo("metrics");
      // A restart must not come before the first chance to start: liveness waits, readiness
      // repeats.
      assertThat(c.getLivenessProbe().getInitialDelaySeconds())
          .as(key(workload))
          .isGreaterThanOrEqualTo(30);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  static List<HasMetadata> workloads() {
    return objects.stream().filter(o -> o instanceof Deployment || o instanceof DaemonSet).toList();
  }

  static PodSpec podSpec(HasMetadata workload) {
    if (workload instanceof Deployment d) {
      return d.getSpec().getTemplate().getSpec();
    }
    return ((DaemonSet) workload).getSpec().getTemplate().getSpec();
  }

  static EnvVar env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + ": no env var " + name));
  }

  static <T extends HasMetadata> T one(Class<T> type, String name) {
    List<T> found =
        objects.stream()
            .filter(type::isInstance)
            .map(type::cast)
            .filter(o -> o.getMetadata().getName().equals(name))
            .toList();
    assertThat(found)
        .as(type.getSimpleName() + " " + name + " defined once in docker/k8s")
        .hasSize(1);
    return found.get(0);
  }

  static String key(HasMetadata o) {
    return o.getKind()
        + " "
        + (o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace() + "/")
        + o.getMetadata().getName();
  }

  /**
   * Paths of fields fabric8's model did not recognise (kept in additionalProperties instead of
   * failing).
   */
  static List<String> unknownFields(Object o, String path) {
    List<String> found = new ArrayList<>();
    walk(o, path, found, new IdentityHashMap<>());
    return found;
  }

  private static void walk(
      Object o, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
    if (o == null || seen.put(o, Boolean.TRUE) != null) {
      return;
    }
    if (o instanceof Collection<?> col) {
      int i = 0;
      for (Object e : col) {
        walk(e, path + "[" + i++ + "]", found, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, found, seen));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || Modifier.isStatic(m.getModifiers())
          || !m.getName().startsWith("get")
          || m.getName().equals("getClass")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object v;
      try {
        v = m.invoke(o);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue;
      }
      if (m.getName().equals("getAdditionalProperties")) {
        if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + ": unknown field(s) " + extra.keySet());
        }
        continue;
      }
      String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      walk(v, path + "." + field, found, seen);
    }
  }
}
