package io.fenceline.it.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fenceline.cli.Main;
import io.fenceline.it.security.SecurityDoc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The Helm chart {@code docker/helm/fenceline} rendered as {@code helm template} would ({@link
 * HelmTemplates}) with its defaults and with every switch flipped: every object loads strictly with
 * fabric8's model (a typed kind, no unknown field, nothing lost in a round trip), the
 * ServiceMonitor (no fabric8 model) has only the fields it should, and the contract of the
 * deployment holds: no Secret is ever rendered, ingest's RBAC is read-only on what it reads, the
 * applier has exactly the documented capabilities and the node selector asked for, probes are
 * /healthz and /livez on the metrics port, the engine has a disruption budget, container arguments
 * parse with the CLI, and the uninstall switch replaces the applier with {@code applier uninstall}
 * on the same nodes.
 */
class HelmChartTest {
  static final String NAMESPACE = "fenceline-system";
  static final String RELEASE = "fl";

  static Path chart() {
    return ContainerImages.repoDir().resolve("docker/helm/fenceline");
  }

  /** The two values the chart requires. */
  static Map<String, Object> required() {
    return map(
        "cluster", map("id", "prod-eu1"),
        "kafka", map("bootstrapServers", "my-kafka-kafka-bootstrap.kafka.svc:9093"));
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("defaults", map()),
        Arguments.of(
            "serviceMonitor on",
            map(
                "metrics",
                map("serviceMonitor", map("enabled", true, "labels", map("release", "kps"))))),
        Arguments.of(
            "metrics Services off, ServiceMonitor on",
            map(
                "metrics",
                map("service", map("enabled", false), "serviceMonitor", map("enabled", true)))),
        Arguments.of("uninstall", map("uninstall", map("enabled", true))),
        Arguments.of(
            "plaintext Kafka (no CA, no client properties)",
            map(
                "kafka",
                map(
                    "caSecret",
                    map("name", ""),
                    "clientConfigSecrets",
                    map("ingest", "", "engine", "", "applier", "")))),
        Arguments.of(
            "CA only", map("kafka", map("clientConfigSecrets", map("ingest", "", "applier", "")))),
        Arguments.of(
            "placement, pull secrets and extra arguments",
            map(
                "imagePullSecrets",
                List.of(map("name", "regcred")),
                "image",
                map("repository", "registry.example/fenceline", "tag", "0.1.0"),
                "engine",
                map(
                    "replicas", 3,
                    "extraArgs", List.of("--threads=2"),
                    "nodeSelector", map("node-role.kubernetes.io/infra", ""),
                    "tolerations",
                        List.of(map("key", "infra", "operator", "Exists", "effect", "NoSchedule")),
                    "affinity",
                        map(
                            "podAntiAffinity",
                            map(
                                "preferredDuringSchedulingIgnoredDuringExecution",
                                List.of(
                                    map(
                                        "weight",
                                        100,
                                        "podAffinityTerm",
                                        map(
                                            "topologyKey",
                                            "kubernetes.io/hostname",
                                            "labelSelector",
                                            map(
                                                "matchLabels",
                                                map(
                                                    "app.kubernetes.io/name",
                                                    "fenceline-engine")))))))),
                "ingest",
                map("extraArgs", List.of(), "nodeSelector", map("infra", "yes")),
                "applier",
                map(
                    "nodeSelector",
                    map("fenceline.io/enforce", "true"),
                    "priorityClassName",
                    "",
                    "extraArgs",
                    List.of("--heartbeat-interval=15")))),
        Arguments.of(
            "engine only (the fleet's central cluster)",
            map("ingest", map("enabled", false), "applier", map("enabled", false))),
        Arguments.of(
            "ingest and applier only (a member cluster)", map("engine", map("enabled", false))),
        Arguments.of(
            "removing a member cluster",
            map("engine", map("enabled", false), "uninstall", map("enabled", true))),
        Arguments.of(
            "no disruption budget",
            map("engine", map("podDisruptionBudget", map("enabled", false)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyObjectLoadsStrictlyAndTheContractHolds(String variant, Map<String, Object> values)
      throws IOException {
    Chart c = Chart.render(values);
    assertThat(c.problems).as(variant + ": strict load").isEmpty();
    assertThat(c.objects).as(variant).isNotEmpty();
    for (HasMetadata o : c.objects) {
      assertThat(o.getKind())
          .as(variant + ": the chart never renders a Secret")
          .isNotEqualTo("Secret");
      assertThat(o.getKind()).as(variant + ": nor a Namespace").isNotEqualTo("Namespace");
      if (!(o instanceof ClusterRole || o instanceof ClusterRoleBinding)) {
        assertThat(o.getMetadata().getNamespace()).as(variant + " " + key(o)).isEqualTo(NAMESPACE);
      }
      assertThat(o.getMetadata().getLabels())
          .as(variant + " " + key(o))
          .containsEntry("app.kubernetes.io/part-of", "fenceline")
          .containsEntry("app.kubernetes.io/instance", RELEASE)
          .containsEntry("app.kubernetes.io/managed-by", "Helm");
    }
    assertThat(c.objects.stream().map(HelmChartTest::key).distinct().count())
        .as(variant + ": no object twice")
        .isEqualTo(c.objects.size());
    workloadsReadKafkaSettingsFromValuesAndSecretsByName(c, values);
    probesAreHealthzAndLivezOnTheMetricsPort(c);
    containerArgumentsParseWithTheCli(c);
    metricsServicesSelectTheirWorkloads(c);
    Set<String> components = new TreeSet<>();
    c.workloads()
        .forEach(
            w -> components.add(w.getMetadata().getLabels().get("app.kubernetes.io/component")));
    Map<String, Object> v = c.values;
    Set<String> expected = new TreeSet<>();
    if (enabled(v, "engine")) {
      expected.add("engine");
    }
    if (enabled(v, "ingest")) {
      expected.add("ingest");
      ingestMayOnlyGetListWatchWhatItReads(c);
    } else {
      assertThat(c.objects)
          .as(variant + ": no API access without ingest")
          .noneMatch(o -> o.getKind().endsWith("Role") || o.getKind().endsWith("RoleBinding"));
    }
    if (enabled(v, "uninstall")) {
      expected.add("uninstall");
    } else if (enabled(v, "applier")) {
      expected.add("applier");
    }
    assertThat(components).as(variant + ": components").isEqualTo(expected);
    if (expected.contains("applier") || expected.contains("uninstall")) {
      applierOrUninstallHasExactlyTheDocumentedCapabilities(c, values);
    }
  }

  @Test
  void defaultsRenderEveryPartOfTheDeployment() throws IOException {
    Chart c = Chart.render(map());
    assertThat(c.objects.stream().map(HelmChartTest::key).toList())
        .containsExactlyInAnyOrder(
            "ServiceAccount fenceline-system/fenceline-ingest",
            "ServiceAccount fenceline-system/fenceline-engine",
            "ServiceAccount fenceline-system/fenceline-applier",
            "ClusterRole fenceline-ingest",
            "ClusterRoleBinding fenceline-ingest",
            "Deployment fenceline-system/fenceline-engine",
            "PodDisruptionBudget fenceline-system/fenceline-engine",
            "Deployment fenceline-system/fenceline-ingest",
            "DaemonSet fenceline-system/fenceline-applier",
            "Service fenceline-system/fenceline-engine-metrics",
            "Service fenceline-system/fenceline-ingest-metrics",
            "Service fenceline-system/fenceline-applier-metrics");
    Deployment ingest = c.one(Deployment.class, "fenceline-ingest");
    assertThat(ingest.getSpec().getReplicas()).isEqualTo(1);
    assertThat(ingest.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(c.one(Deployment.class, "fenceline-engine").getSpec().getReplicas()).isEqualTo(2);
    assertThat(container(c.one(Deployment.class, "fenceline-engine")).getImage())
        .isEqualTo(ContainerImages.DEFAULT_FENCELINE);
    assertThat(c.notes).contains("prod-eu1").contains("fenceline status");
  }

  @SuppressWarnings("unchecked")
  static boolean enabled(Map<String, Object> values, String component) {
    return Boolean.TRUE.equals(((Map<String, Object>) values.get(component)).get("enabled"));
  }

  @Test
  void theFleetsCentralClusterNeedsNoClusterId() throws IOException {
    Map<String, Object> engineOnly =
        map(
            "cluster",
            map("id", ""),
            "ingest",
            map("enabled", false),
            "applier",
            map("enabled", false));
    assertThat(Chart.render(engineOnly).objects.stream().map(HelmChartTest::key).toList())
        .containsExactlyInAnyOrder(
            "ServiceAccount fenceline-system/fenceline-engine",
            "Deployment fenceline-system/fenceline-engine",
            "PodDisruptionBudget fenceline-system/fenceline-engine",
            "Service fenceline-system/fenceline-engine-metrics");
  }

  @Test
  void aComponentsImageTagOverridesTheCommonOneForAStagedUpgrade() throws IOException {
    Chart c =
        Chart.render(
            map(
                "image",
                map("repository", "reg.example/fenceline", "tag", "1.0"),
                "applier",
                map("imageTag", "1.1")));
    assertThat(container(c.one(DaemonSet.class, "fenceline-applier")).getImage())
        .isEqualTo("reg.example/fenceline:1.1");
    assertThat(container(c.one(Deployment.class, "fenceline-engine")).getImage())
        .isEqualTo("reg.example/fenceline:1.0");
    assertThat(container(c.one(Deployment.class, "fenceline-ingest")).getImage())
        .isEqualTo("reg.example/fenceline:1.0");
    Chart removing =
        Chart.render(map("applier", map("imageTag", "1.1"), "uninstall", map("enabled", true)));
    assertThat(container(removing.one(DaemonSet.class, "fenceline-uninstall")).getImage())
        .isEqualTo("fenceline:1.1");
  }

  @Test
  void engineDisruptionBudgetLetsOnePodGoAtATime() throws IOException {
    Chart c = Chart.render(map());
    PodDisruptionBudget pdb = c.one(PodDisruptionBudget.class, "fenceline-engine");
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getMinAvailable()).isNull();
    assertThat(podTemplate(c.one(Deployment.class, "fenceline-engine")).getMetadata().getLabels())
        .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    assertThat(podTemplate(c.one(Deployment.class, "fenceline-ingest")).getMetadata().getLabels())
        .doesNotContainEntry("app.kubernetes.io/name", "fenceline-engine");
  }

  @Test
  void applierRunsOnTheNodesOfItsNodeSelector() throws IOException {
    assertThat(
            podSpec(Chart.render(map()).one(DaemonSet.class, "fenceline-applier"))
                .getNodeSelector())
        .containsExactlyEntriesOf(Map.of("kubernetes.io/os", "linux"));
    Map<String, Object> only =
        map("applier", map("nodeSelector", map("fenceline.io/enforce", "true")));
    // a map value merges with the default's keys (as helm --set does); null removes one
    Map<String, Object> replace =
        map(
            "applier",
            map("nodeSelector", mapWithNull("kubernetes.io/os", "fenceline.io/enforce", "true")));
    assertThat(
            podSpec(Chart.render(only).one(DaemonSet.class, "fenceline-applier")).getNodeSelector())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("kubernetes.io/os", "linux", "fenceline.io/enforce", "true"));
    assertThat(
            podSpec(Chart.render(replace).one(DaemonSet.class, "fenceline-applier"))
                .getNodeSelector())
        .containsExactlyEntriesOf(Map.of("fenceline.io/enforce", "true"));
  }

  @Test
  void serviceMonitorScrapesTheMetricsServicesWhenEnabled() throws IOException {
    Chart c =
        Chart.render(
            map(
                "metrics",
                map("serviceMonitor", map("enabled", true, "labels", map("release", "kps")))));
    assertThat(c.serviceMonitors).hasSize(1);
    JsonNode sm = c.serviceMonitors.get(0);
    assertThat(sm.path("metadata").path("labels").path("release").asText()).isEqualTo("kps");
    assertThat(sm.path("spec").path("namespaceSelector").path("matchNames").get(0).asText())
        .isEqualTo(NAMESPACE);
    Map<String, String> selector = new LinkedHashMap<>();
    sm.path("spec")
        .path("selector")
        .path("matchLabels")
        .properties()
        .forEach(e -> selector.put(e.getKey(), e.getValue().asText()));
    List<Service> services =
        c.objects.stream().filter(o -> o instanceof Service).map(o -> (Service) o).toList();
    assertThat(services).hasSize(3);
    for (Service s : services) {
      assertThat(s.getMetadata().getLabels()).as(key(s)).containsAllEntriesOf(selector);
      assertThat(s.getSpec().getPorts())
          .extracting(ServicePort::getName)
          .contains(sm.path("spec").path("endpoints").get(0).path("port").asText());
    }
    assertThat(sm.path("spec").path("endpoints").get(0).path("path").asText())
        .isEqualTo("/metrics");
    assertThat(Chart.render(map()).serviceMonitors)
        .as("off by default: the CRD may be absent")
        .isEmpty();
  }

  @Test
  void uninstallReplacesTheApplierWithApplierUninstallOnTheSameNodes() throws IOException {
    Chart installed = Chart.render(map());
    Chart removing = Chart.render(map("uninstall", map("enabled", true)));
    assertThat(removing.objects)
        .noneMatch(
            o -> o instanceof DaemonSet && o.getMetadata().getName().equals("fenceline-applier"));
    DaemonSet applier = installed.one(DaemonSet.class, "fenceline-applier");
    DaemonSet uninstall = removing.one(DaemonSet.class, "fenceline-uninstall");
    PodSpec a = podSpec(applier);
    PodSpec u = podSpec(uninstall);
    assertThat(u.getNodeSelector()).isEqualTo(a.getNodeSelector());
    assertThat(u.getTolerations()).isEqualTo(a.getTolerations());
    assertThat(u.getHostNetwork()).isTrue();
    Container c = u.getContainers().get(0);
    assertThat(c.getCommand()).containsExactly("/bin/sh", "-c");
    String script = String.join(" ", c.getArgs());
    Matcher m =
        Pattern.compile(
                "^java -jar /opt/fenceline/fenceline\\.jar applier uninstall && sleep (\\d+) && java -jar"
                    + " /opt/fenceline/fenceline\\.jar applier uninstall && touch /tmp/uninstalled &&"
                    + " exec sleep infinity$")
            .matcher(script);
    assertThat(m.matches()).as(script).isTrue();
    // the second removal comes after any applier pod of this upgrade can still be running
    assertThat(Long.parseLong(m.group(1))).isGreaterThan(a.getTerminationGracePeriodSeconds());
    assertThat(c.getReadinessProbe().getExec().getCommand())
        .containsExactly("test", "-f", "/tmp/uninstalled");
    assertThat(c.getVolumeMounts()).anyMatch(v -> v.getMountPath().equals("/tmp"));
    assertThat(u.getVolumes())
        .extracting(v -> v.getHostPath() == null ? null : v.getHostPath().getPath())
        .contains("/run/xtables.lock");
    try {
      Main.commandLine().parseArgs("applier", "uninstall");
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError("the CLI rejects applier uninstall: " + e.getMessage(), e);
    }
  }

  @Test
  void kustomizeUninstallRunsWhatTheChartsUninstallRuns() throws IOException {
    Path file = ContainerImages.repoDir().resolve("docker/k8s/uninstall/uninstall.yaml");
    JsonNode node = KubernetesManifestsTest.YAML.readTree(file.toFile());
    Chart kustomize = new Chart(Map.of());
    kustomize.load("docker/k8s/uninstall/uninstall.yaml", node);
    assertThat(kustomize.problems).as("strict load").isEmpty();
    JsonNode kustomization =
        KubernetesManifestsTest.YAML.readTree(
            ContainerImages.repoDir().resolve("docker/k8s/uninstall/kustomization.yaml").toFile());
    assertThat(kustomization.path("resources").get(0).asText()).isEqualTo("uninstall.yaml");
    DaemonSet fromKustomize = kustomize.one(DaemonSet.class, "fenceline-uninstall");
    assertThat(fromKustomize.getMetadata().getNamespace()).isEqualTo("fenceline");
    DaemonSet fromChart =
        Chart.render(map("uninstall", map("enabled", true)))
            .one(DaemonSet.class, "fenceline-uninstall");
    PodSpec k = podSpec(fromKustomize);
    PodSpec c = podSpec(fromChart);
    // docker/k8s places the applier on every node (no node selector); the chart on
    // applier.nodeSelector
    assertThat(k.getNodeSelector()).isNullOrEmpty();
    k.setNodeSelector(c.getNodeSelector());
    assertThat(k).isEqualTo(c);
  }

  @Test
  void requiredValuesMissingAreRefusedWithTheirReason() {
    Map<String, Object> noCluster = HelmTemplates.merge(required(), map("cluster", map("id", "")));
    assertThatThrownBy(() -> Chart.renderRaw(noCluster))
        .isInstanceOf(HelmTemplates.TemplateException.class)
        .hasMessageContaining("cluster.id is required");
    Map<String, Object> noKafka =
        HelmTemplates.merge(required(), map("kafka", map("bootstrapServers", "")));
    assertThatThrownBy(() -> Chart.renderRaw(noKafka))
        .isInstanceOf(HelmTemplates.TemplateException.class)
        .hasMessageContaining("kafka.bootstrapServers is required");
  }

  // ---- checks run on every variant -----------------------------------------------------------

  static void ingestMayOnlyGetListWatchWhatItReads(Chart c) {
    ClusterRole role = c.one(ClusterRole.class, "fenceline-ingest");
    Set<String> granted = new TreeSet<>();
    for (PolicyRule r : role.getRules()) {
      assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
      assertThat(r.getResourceNames()).isNullOrEmpty();
      assertThat(r.getNonResourceURLs()).isNullOrEmpty();
      r.getApiGroups().forEach(g -> r.getResources().forEach(res -> granted.add(g + "/" + res)));
    }
    assertThat(granted)
        .containsExactlyInAnyOrder(
            "/pods",
            "/namespaces",
            "/nodes",
            "networking.k8s.io/networkpolicies",
            "policy.networking.k8s.io/clusternetworkpolicies");
    assertThat(c.objects)
        .filteredOn(o -> o.getKind().endsWith("RoleBinding") || o.getKind().endsWith("Role"))
        .hasSize(2);
    ClusterRoleBinding binding = c.one(ClusterRoleBinding.class, "fenceline-ingest");
    assertThat(binding.getRoleRef().getName()).isEqualTo("fenceline-ingest");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("fenceline-ingest");
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
    for (HasMetadata w : c.workloads()) {
      PodSpec pod = podSpec(w);
      c.one(io.fabric8.kubernetes.api.model.ServiceAccount.class, pod.getServiceAccountName());
      if (!pod.getServiceAccountName().equals("fenceline-ingest")) {
        assertThat(pod.getAutomountServiceAccountToken()).as(key(w) + " mounts no token").isFalse();
      }
    }
  }

  @SuppressWarnings("unchecked")
  static void workloadsReadKafkaSettingsFromValuesAndSecretsByName(
      Chart c, Map<String, Object> overrides) {
    Map<String, Object> values = c.values;
    Map<String, Object> kafka = (Map<String, Object>) values.get("kafka");
    Map<String, Object> ca = (Map<String, Object>) kafka.get("caSecret");
    Map<String, Object> clients = (Map<String, Object>) kafka.get("clientConfigSecrets");
    for (HasMetadata w : c.workloads()) {
      String component = w.getMetadata().getLabels().get("app.kubernetes.io/component");
      if (component.equals("uninstall")) {
        continue;
      }
      Container container = container(w);
      assertThat(env(container, "KAFKA_BOOTSTRAP_SERVERS").getValue())
          .isEqualTo("my-kafka-kafka-bootstrap.kafka.svc:9093");
      if (!component.equals("engine")) {
        assertThat(env(container, "CLUSTER_ID").getValue()).isEqualTo("prod-eu1");
      }
      List<String> expected = new ArrayList<>();
      if (!((String) ca.get("name")).isEmpty()) {
        expected.add(ca.get("name") + ":" + ca.get("key") + "->ca.crt");
      }
      String own = (String) clients.get(component);
      if (!own.isEmpty()) {
        expected.add(own + ":" + kafka.get("clientConfigKey") + "->client.properties");
        assertThat(container.getArgs())
            .contains("--kafka-config=/etc/fenceline/kafka/client.properties");
      } else {
        assertThat(container.getArgs()).noneMatch(a -> a.startsWith("--kafka-config"));
      }
      List<String> projected = new ArrayList<>();
      podSpec(w).getVolumes().stream()
          .filter(v -> v.getName().equals("kafka-client"))
          .forEach(
              v ->
                  v.getProjected()
                      .getSources()
                      .forEach(
                          s ->
                              s.getSecret()
                                  .getItems()
                                  .forEach(
                                      i ->
                                          projected.add(
                                              s.getSecret().getName()
                                                  + ":"
                                                  + i.getKey()
                                                  + "->"
                                                  + i.getPath()))));
      assertThat(projected).as(key(w) + " mounts its own Kafka Secrets only").isEqualTo(expected);
      boolean mounted =
          container.getVolumeMounts().stream()
              .anyMatch(
                  m ->
                      m.getName().equals("kafka-client")
                          && m.getMountPath().equals("/etc/fenceline/kafka")
                          && Boolean.TRUE.equals(m.getReadOnly()));
      assertThat(mounted).as(key(w) + " mounts kafka-client").isEqualTo(!expected.isEmpty());
      Set<String> volumes =
          new TreeSet<>(podSpec(w).getVolumes().stream().map(Volume::getName).toList());
      assertThat(container.getVolumeMounts()).allMatch(m -> volumes.contains(m.getName()));
    }
  }

  static void probesAreHealthzAndLivezOnTheMetricsPort(Chart c) {
    for (HasMetadata w : c.workloads()) {
      if (w.getMetadata().getName().equals("fenceline-uninstall")) {
        continue;
      }
      Container container = container(w);
      String port =
          container.getArgs().stream()
              .filter(a -> a.startsWith("--metrics-port="))
              .map(a -> a.substring("--metrics-port=".length()))
              .findFirst()
              .orElseThrow(() -> new AssertionError(key(w) + ": no --metrics-port"));
      assertThat(container.getPorts())
          .anySatisfy(
              p -> {
                assertThat(p.getName()).isEqualTo("metrics");
                assertThat(p.getContainerPort()).isEqualTo(Integer.parseInt(port));
              });
      assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
          .isEqualTo("metrics");
      assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
      assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal())
          .isEqualTo("metrics");
      assertThat(container.getLivenessProbe().getInitialDelaySeconds()).isGreaterThanOrEqualTo(30);
      assertThat(container.getResources().getRequests()).as(key(w)).containsKeys("cpu", "memory");
      assertThat(container.getResources().getLimits()).as(key(w)).containsKey("memory");
    }
  }

  static void containerArgumentsParseWithTheCli(Chart c) {
    for (HasMetadata w : c.workloads()) {
      if (w.getMetadata().getName().equals("fenceline-uninstall")) {
        continue;
      }
      Container container = container(w);
      Map<String, String> vars = new LinkedHashMap<>();
      for (EnvVar e : container.getEnv()) {
        vars.put(e.getName(), e.getValue() != null ? e.getValue() : "placeholder");
      }
      List<String> args = new ArrayList<>();
      Pattern ref = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
      for (String a : container.getArgs()) {
        Matcher m = ref.matcher(a);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
          assertThat(vars).as(key(w) + " " + a).containsKey(m.group(1));
          m.appendReplacement(sb, Matcher.quoteReplacement(vars.get(m.group(1))));
        }
        m.appendTail(sb);
        args.add(sb.toString());
      }
      try {
        Main.commandLine().parseArgs(args.toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        throw new AssertionError(key(w) + ": the CLI rejects " + args + ": " + e.getMessage(), e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static void applierOrUninstallHasExactlyTheDocumentedCapabilities(
      Chart c, Map<String, Object> overrides) throws IOException {
    List<DaemonSet> daemonSets =
        c.objects.stream().filter(o -> o instanceof DaemonSet).map(o -> (DaemonSet) o).toList();
    assertThat(daemonSets).hasSize(1);
    DaemonSet ds = daemonSets.get(0);
    PodSpec pod = podSpec(ds);
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.getContainers()).hasSize(1);
    assertThat(pod.getInitContainers()).isNullOrEmpty();
    Container container = pod.getContainers().get(0);
    var sc = container.getSecurityContext();
    assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getCapabilities().getAdd())
        .containsExactlyInAnyOrderElementsOf(SecurityDoc.applierCapabilities());
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    Map<String, Object> applierValues = (Map<String, Object>) c.values.get("applier");
    assertThat(pod.getNodeSelector())
        .as("the applier.nodeSelector value")
        .isEqualTo(applierValues.get("nodeSelector"));
    if (ds.getMetadata().getName().equals("fenceline-applier")) {
      assertThat(env(container, "NODE_NAME").getValueFrom().getFieldRef().getFieldPath())
          .isEqualTo("spec.nodeName");
      assertThat(container.getArgs()).contains("--node=$(NODE_NAME)");
      assertThat(container.getArgs())
          .noneMatch(a -> a.startsWith("--dry-run") || a.startsWith("--netns"));
    }
    // engine and ingest: no capability at all
    for (HasMetadata w : c.workloads()) {
      if (w instanceof Deployment) {
        var wsc = container(w).getSecurityContext();
        assertThat(wsc.getCapabilities().getAdd()).as(key(w)).isNullOrEmpty();
        assertThat(wsc.getCapabilities().getDrop()).as(key(w)).containsExactly("ALL");
        assertThat(podSpec(w).getHostNetwork()).as(key(w)).isNotEqualTo(Boolean.TRUE);
      }
    }
  }

  static void metricsServicesSelectTheirWorkloads(Chart c) {
    for (HasMetadata o : c.objects) {
      if (!(o instanceof Service s)) {
        continue;
      }
      List<HasMetadata> selected =
          c.workloads().stream()
              .filter(
                  w ->
                      podTemplate(w)
                          .getMetadata()
                          .getLabels()
                          .entrySet()
                          .containsAll(s.getSpec().getSelector().entrySet()))
              .toList();
      if (s.getMetadata().getName().equals("fenceline-applier-metrics")
          && c.workloads().stream()
              .noneMatch(w -> w.getMetadata().getName().equals("fenceline-applier"))) {
        assertThat(selected).as(key(s) + " while uninstalling").isEmpty();
        continue;
      }
      assertThat(selected).as(key(s) + " selects one workload").hasSize(1);
      Container container = container(selected.get(0));
      for (ServicePort p : s.getSpec().getPorts()) {
        assertThat(container.getPorts())
            .as(key(s) + " port " + p.getName())
            .anyMatch(
                cp ->
                    cp.getName().equals(p.getTargetPort().getStrVal())
                        && cp.getContainerPort().equals(p.getPort()));
      }
    }
  }

  // ---- rendering and strict loading ----------------------------------------------------------

  static final class Chart {
    final Map<String, Object> values;
    final List<HasMetadata> objects = new ArrayList<>();
    final List<JsonNode> serviceMonitors = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    String notes = "";

    Chart(Map<String, Object> values) {
      this.values = values;
    }

    static List<HelmTemplates.Rendered> renderRaw(Map<String, Object> values) throws IOException {
      return HelmTemplates.renderChart(chart(), values, RELEASE, NAMESPACE);
    }

    static Chart render(Map<String, Object> overrides) throws IOException {
      Map<String, Object> values = HelmTemplates.merge(required(), overrides);
      Chart c =
          new Chart(
              HelmTemplates.merge(HelmTemplates.readMap(chart().resolve("values.yaml")), values));
      for (HelmTemplates.Rendered r : renderRaw(values)) {
        if (r.template().equals("NOTES.txt")) {
          c.notes = r.text();
          continue;
        }
        int doc = 0;
        try (var it = KubernetesManifestsTest.YAML.readerFor(JsonNode.class).readValues(r.text())) {
          while (it.hasNext()) {
            JsonNode node = (JsonNode) it.next();
            doc++;
            if (node == null || node.isNull() || node.isEmpty()) {
              continue;
            }
            c.load(r.template() + " document " + doc, node);
          }
        }
      }
      return c;
    }

    void load(String where, JsonNode node) throws IOException {
      if (node.path("kind").asText().equals("ServiceMonitor")) {
        serviceMonitor(where, node);
        return;
      }
      Object parsed =
          KubernetesManifestsTest.FABRIC8.unmarshal(
              KubernetesManifestsTest.JSON.writeValueAsString(node));
      if (!(parsed instanceof HasMetadata hm) || parsed instanceof GenericKubernetesResource) {
        problems.add(where + ": " + node.path("kind").asText() + " is not a typed fabric8 kind");
        return;
      }
      KubernetesManifestsTest.unknownFields(parsed, hm.getKind())
          .forEach(p -> problems.add(where + ": " + p));
      JsonNode back =
          KubernetesManifestsTest.JSON.readTree(KubernetesManifestsTest.FABRIC8.asJson(parsed));
      if (!back.equals(node)) {
        problems.add(
            where + ": does not survive a round trip\n  chart: " + node + "\n  model: " + back);
      }
      objects.add(hm);
    }

    /** No fabric8 model for monitoring.coreos.com: the fields the chart may set, by hand. */
    void serviceMonitor(String where, JsonNode sm) {
      if (!sm.path("apiVersion").asText().equals("monitoring.coreos.com/v1")) {
        problems.add(where + ": ServiceMonitor apiVersion " + sm.path("apiVersion"));
      }
      only(where, sm, "apiVersion", "kind", "metadata", "spec");
      only(where + " metadata", sm.path("metadata"), "name", "namespace", "labels");
      only(where + " spec", sm.path("spec"), "namespaceSelector", "selector", "endpoints");
      only(where + " namespaceSelector", sm.path("spec").path("namespaceSelector"), "matchNames");
      only(where + " selector", sm.path("spec").path("selector"), "matchLabels");
      for (JsonNode e : sm.path("spec").path("endpoints")) {
        only(where + " endpoint", e, "port", "path", "interval");
        if (!e.path("interval").asText().matches("\\d+[smh]")) {
          problems.add(where + ": interval " + e.path("interval"));
        }
      }
      sm.path("metadata")
          .path("labels")
          .properties()
          .forEach(
              l -> {
                if (!l.getValue().isTextual()) {
                  problems.add(where + ": label " + l.getKey() + " is not a string");
                }
              });
      serviceMonitors.add(sm);
    }

    void only(String where, JsonNode node, String... allowed) {
      Set<String> names = new TreeSet<>();
      node.fieldNames().forEachRemaining(names::add);
      names.removeAll(Set.of(allowed));
      if (!names.isEmpty()) {
        problems.add(where + ": unknown field(s) " + names);
      }
    }

    List<HasMetadata> workloads() {
      return objects.stream()
          .filter(o -> o instanceof Deployment || o instanceof DaemonSet)
          .toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
      List<T> found =
          objects.stream()
              .filter(type::isInstance)
              .map(type::cast)
              .filter(o -> o.getMetadata().getName().equals(name))
              .toList();
      assertThat(found).as(type.getSimpleName() + " " + name + " rendered once").hasSize(1);
      return found.get(0);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  static PodTemplateSpec podTemplate(HasMetadata w) {
    return w instanceof Deployment d
        ? d.getSpec().getTemplate()
        : ((DaemonSet) w).getSpec().getTemplate();
  }

  static PodSpec podSpec(HasMetadata w) {
    return podTemplate(w).getSpec();
  }

  static Container container(HasMetadata w) {
    assertThat(podSpec(w).getContainers()).as(key(w)).hasSize(1);
    return podSpec(w).getContainers().get(0);
  }

  static EnvVar env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + ": no env var " + name));
  }

  static String key(HasMetadata o) {
    return o.getKind()
        + " "
        + (o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace() + "/")
        + o.getMetadata().getName();
  }

  /** An ordered map from alternating keys and values. */
  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** {@code {removed: null, key: value}}: an override that drops one key and sets another. */
  static Map<String, Object> mapWithNull(String removed, String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(removed, null);
    m.put(key, value);
    return m;
  }
}
