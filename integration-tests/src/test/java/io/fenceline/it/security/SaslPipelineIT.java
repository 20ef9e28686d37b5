package io.fenceline.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.broker.BrokerSecurity;
import io.fenceline.broker.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pipeline over SASL_SSL, each service logging in as its own user with the standard {@code
 * sasl.mechanism} and {@code sasl.jaas.config} client properties; a wrong password is refused, and
 * the error says so.
 */
class SaslPipelineIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"SCRAM-SHA-512", "PLAIN"})
  void servicesWorkOverSaslSslWithOnlyAClientPropertiesFile(String mechanism) throws Exception {
    TlsMaterial tls = TlsMaterial.create(dir.resolve("tls"));
    BrokerSecurity security =
        BrokerSecurity.tls(tls.brokerKeystore, "PKCS12", tls.password)
            .sasl(mechanism)
            .user("ingest", "ingest-secret")
            .user("engine", "engine-secret")
            .user("applier", "applier-secret")
            .build();
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(dir.resolve("kafka"), Duration.ofSeconds(120), security)) {
      Path ingest = clientConfig(tls, mechanism, "ingest", "ingest-secret");
      Path engine = clientConfig(tls, mechanism, "engine", "engine-secret");
      Path applier = clientConfig(tls, mechanism, "applier", "applier-secret");
      double seconds =
          SecuredPipeline.runAndAwaitCompileOutput(
              dir.resolve("run"), kafka.securedBootstrapServers(), ingest, engine, applier);
      System.err.printf(
          "sasl pipeline: %s payloads of %d nodes equal compile %.1f s after ingest%n",
          security, SecuredPipeline.NODES.size(), seconds);

      Path wrong = clientConfig(tls, mechanism, "ingest", "not-the-password");
      CliProcess refused =
          CliProcess.start(
              "ingest-wrong-password",
              dir.resolve("logs"),
              SecuredPipeline.ingestArgs(kafka.securedBootstrapServers(), wrong));
      assertThat(refused.await(120)).as(refused.tail()).isEqualTo(1);
      assertThat(refused.output())
          .as(refused.tail())
          .contains("SaslAuthenticationException: Authentication failed")
          // SCRAM: "... due to invalid credentials with SASL mechanism SCRAM-SHA-512"; PLAIN:
          // "Invalid username or password"
          .containsAnyOf(
              "invalid credentials with SASL mechanism " + mechanism,
              "Invalid username or password");

      // An applier with a wrong password says so and exits 1 (the kernel keeps the rules it had).
      Path wrongApplier = clientConfig(tls, mechanism, "applier", "not-the-password");
      try (CliProcess refusedApplier =
          CliProcess.start(
              "applier-wrong-password",
              dir.resolve("logs"),
              List.of(
                  "applier",
                  "--node",
                  "node-1",
                  "--bootstrap-servers",
                  kafka.securedBootstrapServers(),
                  "--kafka-config",
                  wrongApplier.toString(),
                  "--dry-run",
                  dir.resolve("dry-wrong").toString()))) {
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(refusedApplier.output())
                        .contains("SaslAuthenticationException: Authentication failed"));
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> !refusedApplier.alive());
        assertThat(refusedApplier.await(1)).as(refusedApplier.tail()).isEqualTo(1);
        assertThat(refusedApplier.output())
            .contains(
                "fenceline applier: node node-1 stopped: "
                    + "org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed");
      }
    }
  }

  private Path clientConfig(TlsMaterial tls, String mechanism, String user, String password)
      throws Exception {
    String jaas =
        mechanism.equals("PLAIN")
            ? "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user
                + "\" password=\""
                + password
                + "\";"
            : TlsMaterial.scramJaas(user, password);
    return SecuredPipeline.write(
        dir.resolve(user + "-" + password + ".properties"),
        tls.clientProperties("SASL_SSL", "sasl.mechanism=" + mechanism, jaas));
  }
}
