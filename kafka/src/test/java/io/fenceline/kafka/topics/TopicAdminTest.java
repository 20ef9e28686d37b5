package io.fenceline.kafka.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceline.broker.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topics are created idempotently; an existing topic that differs is reported, never ignored. */
class TopicAdminTest {
  @TempDir Path dir;

  @Test
  void createsIdempotentlyAndReportsAMismatch() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Topics.Layout layout = new Topics.Layout(2, 4, 3_600_000L, 3_600_000L);
      TopicAdmin.ensure(admin, layout.specs());
      TopicAdmin.ensure(admin, layout.specs());
      assertThat(admin.listTopics().names().get())
          .contains(Topics.EVENTS, Topics.NODE_FACTS, Topics.NODE_STATUS, Topics.DEAD_LETTER);

      Topics.Layout other = new Topics.Layout(2, 8, 3_600_000L, 3_600_000L);
      assertThatThrownBy(() -> TopicAdmin.ensure(admin, other.specs()))
          .isInstanceOf(TopicAdmin.TopicMismatchException.class)
          .hasMessageContaining("fenceline.node-facts has 4 partitions, expected 8");

      admin.createTopics(List.of(new NewTopic("odd", 1, (short) 1))).all().get();
      TopicSpec compacted = new TopicSpec("odd", 1, Map.of("cleanup.policy", "compact"));
      assertThatThrownBy(() -> TopicAdmin.ensure(admin, List.of(compacted)))
          .hasMessageContaining("odd has cleanup.policy=delete, expected compact");
    }
  }
}
