package io.fenceline.it.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fenceline.cli.Main;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code docker/compose.yaml} without Docker: the fenceline services' commands parse with the CLI,
 * every image is configurable by FENCELINE_IMAGE / FENCELINE_KAFKA_IMAGE with the offline image as
 * default, and the stack has Kafka in KRaft mode, the engine, a watching ingest and a dry-run
 * applier. {@link ComposeStackIT} brings it up.
 */
class ComposeFileTest {
  @Test
  void servicesAreConfigurableAndTheirCommandsParse() throws Exception {
    Path file = ContainerImages.repoDir().resolve("docker/compose.yaml");
    JsonNode services = new YAMLMapper().readTree(file.toFile()).path("services");
    Map<String, List<String>> commands = new TreeMap<>();
    services
        .properties()
        .forEach(
            e -> {
              String image = e.getValue().path("image").asText();
              if (image.startsWith("${FENCELINE_IMAGE:-")) {
                assertThat(image)
                    .as(e.getKey())
                    .isEqualTo("${FENCELINE_IMAGE:-" + ContainerImages.DEFAULT_FENCELINE + "}");
                List<String> cmd = new ArrayList<>();
                e.getValue().path("command").forEach(a -> cmd.add(a.asText()));
                commands.put(e.getKey(), cmd);
              } else {
                assertThat(image)
                    .as(e.getKey())
                    .isEqualTo("${FENCELINE_KAFKA_IMAGE:-" + ContainerImages.DEFAULT_KAFKA + "}");
                assertThat(e.getValue().path("environment").path("KAFKA_PROCESS_ROLES").asText())
                    .isEqualTo("broker,controller");
              }
            });
    assertThat(commands).containsKeys("engine", "ingest", "applier", "status");
    assertThat(commands.get("ingest")).contains("--watch", "--manifests");
    assertThat(commands.get("applier")).contains("--dry-run", "node-1");
    commands.forEach(
        (service, cmd) -> {
          try {
            Main.commandLine().parseArgs(cmd.toArray(String[]::new));
          } catch (CommandLine.ParameterException ex) {
            throw new AssertionError(
                "compose service " + service + ": the CLI rejects " + cmd + ": " + ex.getMessage(),
                ex);
          }
        });
  }
}
