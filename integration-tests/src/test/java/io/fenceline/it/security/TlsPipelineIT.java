package io.fenceline.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.broker.BrokerSecurity;
import io.fenceline.broker.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline over TLS: the embedded broker's client listener speaks SSL with a certificate of a
 * CA made at test time; ingest, engine and appliers reach it with nothing but a standard client
 * properties file. A client that does not trust that CA is refused, and says why.
 */
class TlsPipelineIT {
  @TempDir Path dir;

  @Test
  void servicesWorkOverTlsWithOnlyAClientPropertiesFile() throws Exception {
    TlsMaterial tls = TlsMaterial.create(dir.resolve("tls"));
    BrokerSecurity security =
        BrokerSecurity.tls(tls.brokerKeystore, "PKCS12", tls.password).build();
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(dir.resolve("kafka"), Duration.ofSeconds(120), security)) {
      Path client =
          SecuredPipeline.write(dir.resolve("client.properties"), tls.clientProperties("SSL"));
      double seconds =
          SecuredPipeline.runAndAwaitCompileOutput(
              dir.resolve("run"), kafka.securedBootstrapServers(), client, client, client);
      System.err.printf(
          "tls pipeline: %s payloads of %d nodes equal compile %.1f s after ingest%n",
          security, SecuredPipeline.NODES.size(), seconds);
    }
  }

  @Test
  void aClientThatDoesNotTrustTheBrokerCertificateIsRefusedWithTheReason() throws Exception {
    TlsMaterial tls = TlsMaterial.create(dir.resolve("tls"));
    BrokerSecurity security =
        BrokerSecurity.tls(tls.brokerKeystore, "PKCS12", tls.password).build();
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(dir.resolve("kafka"), Duration.ofSeconds(120), security)) {
      // TLS, but the JDK's default trust store, which does not hold the test CA.
      Path untrusting =
          SecuredPipeline.write(dir.resolve("no-truststore.properties"), "security.protocol=SSL\n");
      CliProcess ingest =
          CliProcess.start(
              "ingest-no-truststore",
              dir.resolve("logs"),
              SecuredPipeline.ingestArgs(kafka.securedBootstrapServers(), untrusting));
      int rc = ingest.await(120);
      assertThat(rc).as(ingest.tail()).isEqualTo(1);
      assertThat(ingest.output())
          .as(ingest.tail())
          .contains("SSL handshake failed")
          .containsAnyOf("PKIX path building failed", "unable to find valid certification path");
    }
  }
}
