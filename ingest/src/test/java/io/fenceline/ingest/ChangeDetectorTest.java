package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeDetectorTest {
  private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
  private final ChangeDetector detector = new ChangeDetector();

  private static Pod pod() {
    Pod p = Fixtures.pod("shop", "api-0", Map.of("app", "api"), "node-1", "10.244.1.5");
    p.getMetadata().setResourceVersion("1");
    return p;
  }

  @Test
  void statusChurnIsSuppressed() {
    Pod p = pod();
    assertThat(detector.changed(SlimObjects.of(p), 1)).isTrue();
    Pod churned = FABRIC8.clone(p);
    churned.getMetadata().setResourceVersion("2");
    churned
        .getStatus()
        .getConditions()
        .add(new PodConditionBuilder().withType("ContainersReady").withStatus("False").build());
    churned.getStatus().getContainerStatuses().get(0).setRestartCount(3);
    churned.getMetadata().getAnnotations().put("touched", "yes");
    assertThat(detector.changed(SlimObjects.of(churned), 1)).isFalse();
  }

  @Test
  void whatPolicyReadsIsAChange() {
    Pod p = pod();
    detector.changed(SlimObjects.of(p), 1);
    Pod relabelled = FABRIC8.clone(p);
    relabelled.getMetadata().getLabels().put("app", "web");
    assertThat(detector.changed(SlimObjects.of(relabelled), 1)).isTrue();
    Pod newIp = FABRIC8.clone(relabelled);
    newIp.getStatus().setPodIP("10.244.1.6");
    assertThat(detector.changed(SlimObjects.of(newIp), 1)).isTrue();
    Pod done = FABRIC8.clone(newIp);
    done.getStatus().setPhase("Succeeded");
    assertThat(detector.changed(SlimObjects.of(done), 1)).isTrue();
    Pod recreated = FABRIC8.clone(done);
    recreated.getMetadata().setUid("another");
    assertThat(detector.changed(SlimObjects.of(recreated), 1)).as("same name, new object").isTrue();
  }

  @Test
  void aDeletedObjectIsNewAgain() {
    SlimObject s = SlimObjects.of(pod());
    detector.changed(s, 1);
    detector.forget(s.key());
    assertThat(detector.changed(s, 1)).isTrue();
  }

  @Test
  void republishOncePerGeneration() {
    SlimObject s = SlimObjects.of(pod());
    assertThat(detector.changed(s, 5)).isTrue();
    assertThat(detector.needsRepublish(s, 5)).as("already published in 5").isFalse();
    assertThat(detector.needsRepublish(s, 6)).isTrue();
    assertThat(detector.needsRepublish(s, 6)).isFalse();
    assertThat(detector.changed(s, 6)).isFalse();
  }
}
