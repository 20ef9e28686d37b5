package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestSnapshotTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return f;
  }

  @Test
  void readsAFolderInCanonicalOrderAndNotesWhatItIgnores() throws Exception {
    write(
        "b/policy.yaml",
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: shop}
        spec: {podSelector: {}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg}
        """);
    write(
        "0/cluster-policy.yaml",
        """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: baseline-deny}
        spec:
          tier: Baseline
          priority: 1
          subject: {namespaces: {}}
          ingress: [{action: Deny, from: [{namespaces: {}}]}]
        status: {conditions: []}
        """);
    write(
        "a/pods.yaml",
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Pod
          metadata: {name: api-0, labels: {app: api}}
          spec: {nodeName: n1, containers: [{name: c, image: x, ports: [{containerPort: 80, name: http}]}]}
          status: {podIP: 10.0.0.1, phase: Running}
        - apiVersion: v1
          kind: Namespace
          metadata: {name: shop}
        """);
    write("notes.txt", "not a manifest");
    ManifestSnapshot s = ManifestSnapshot.read(dir);
    assertThat(s.objects())
        .extracting(SlimObject::key)
        .containsExactly(
            "Namespace//shop",
            "Pod/default/api-0",
            "NetworkPolicy/shop/deny",
            "ClusterNetworkPolicy//baseline-deny");
    assertThat(s.ignoredKinds()).containsEntry("ConfigMap", 1);
    assertThat(s.countsByKind())
        .containsEntry("Pod", 1)
        .containsEntry("Namespace", 1)
        .containsEntry("ClusterNetworkPolicy", 1);
    JsonNode cnp = s.objects().get(3).object();
    assertThat(cnp.path("spec").path("ingress").get(0).path("action").asText()).isEqualTo("Deny");
    assertThat(cnp.has("status")).isFalse();
    assertThat(s.notes()).isEmpty();
    assertThat(s.objects().get(1).object().path("spec").path("containers").get(0).has("image"))
        .isFalse();
  }

  @Test
  void anUnparseableFileNamesFileAndLine() throws Exception {
    write("ok.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
    Path bad = write("z.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n");
    assertThatThrownBy(() -> ManifestSnapshot.read(dir))
        .isInstanceOf(ManifestReadException.class)
        .hasMessageStartingWith(bad + ":");
  }

  @Test
  void anObjectWithoutANameCannotBePublished() throws Exception {
    Path f =
        write(
            "x.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {labels: {a: b}}\n");
    assertThatThrownBy(() -> ManifestSnapshot.read(f))
        .isInstanceOf(ManifestReadException.class)
        .hasMessage(f + ":5: Pod without metadata.name");
  }

  @Test
  void invalidPoliciesArePublishedWithANote() throws Exception {
    Path f =
        write(
            "p.yaml",
            """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: bad, namespace: a}
        spec:
          podSelector: {}
          ingress: [{from: [{ipBlock: {cidr: 10.0.0.300/8}}]}]
        """);
    ManifestSnapshot s = ManifestSnapshot.read(f);
    assertThat(s.objects()).hasSize(1);
    assertThat(s.notes())
        .anyMatch(n -> n.startsWith(f + ":1 NetworkPolicy a/bad") && n.contains("cidr"));
  }

  @Test
  void aMissingPathIsBadInput() {
    assertThatThrownBy(() -> ManifestSnapshot.read(dir.resolve("nope")))
        .isInstanceOf(ManifestReadException.class)
        .hasMessageContaining("no such file or directory");
  }
}
