package io.fenceline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.cli.io.KafkaClientConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kafka-config}: standard client properties for TLS/SASL, read strictly. */
class KafkaConfigOptionTest {
  @TempDir Path dir;

  @Test
  void loadsClientPropertiesAndLeavesTheBootstrapToTheCommand() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("client.properties"),
            "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nssl.truststore.location=/etc/kafka/ca.jks\nbootstrap.servers=ignored:1\n");
    assertThat(KafkaClientConfig.load(f))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .doesNotContainKey("bootstrap.servers");
  }

  @Test
  void anUnreadableFileIsBadInput() {
    StringWriter err = new StringWriter();
    int rc =
        Main.commandLine()
            .setErr(new PrintWriter(err))
            .setOut(new PrintWriter(new StringWriter()))
            .execute(
                "status",
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--kafka-config",
                dir.resolve("missing.properties").toString());
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("missing.properties: cannot read Kafka client properties");
  }
}
