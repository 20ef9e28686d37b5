package io.fenceline.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The secured listener's broker settings, and the combinations refused before a broker starts. */
class BrokerSecurityTest {
  static final Path LOGS = Path.of("/tmp/unused-logs");
  static final Path KEYSTORE = Path.of("/tmp/broker.p12");

  @Test
  void withoutSecurityTheBrokerKeepsItsPlaintextListenersAndNoAuthorizer() {
    Properties p = EmbeddedKafka.brokerProperties(LOGS, 20001, 20002);
    assertThat(p.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:20001,CONTROLLER://127.0.0.1:20002");
    assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:20001");
    assertThat(p)
        .doesNotContainKeys("authorizer.class.name", "super.users", "sasl.enabled.mechanisms");
  }

  @Test
  void scramOverTlsWithTheAuthorizerAddsAListenerAndMakesOnlyTheBrokerAndNamedUsersSuper() {
    BrokerSecurity s =
        BrokerSecurity.tls(KEYSTORE, "PKCS12", "pw")
            .sasl("SCRAM-SHA-512")
            .user("admin", "a")
            .user("fenceline-applier", "b")
            .authorizer("admin")
            .build();
    Properties p = EmbeddedKafka.brokerProperties(LOGS, 20001, 20002, s, 20003);
    assertThat(p.getProperty("listeners")).endsWith(",SASL_SSL://127.0.0.1:20003");
    assertThat(p.getProperty("advertised.listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:20001,SASL_SSL://127.0.0.1:20003");
    assertThat(p.getProperty("listener.security.protocol.map")).contains("SASL_SSL:SASL_SSL");
    assertThat(p.getProperty("listener.name.sasl_ssl.ssl.keystore.location"))
        .isEqualTo(KEYSTORE.toString());
    assertThat(p.getProperty("sasl.enabled.mechanisms")).isEqualTo("SCRAM-SHA-512");
    assertThat(p.getProperty("authorizer.class.name"))
        .isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    assertThat(p.getProperty("super.users")).isEqualTo("User:ANONYMOUS;User:admin");
    assertThat(p.getProperty("allow.everyone.if.no.acl.found")).isEqualTo("false");
    assertThat(s.scram()).isTrue();
  }

  @Test
  void plainKeepsItsUsersInTheListenersJaasConfig() {
    BrokerSecurity s =
        BrokerSecurity.tls(KEYSTORE, "PKCS12", "pw").sasl("PLAIN").user("ingest", "secret").build();
    assertThat(s.brokerProperties().get("listener.name.sasl_ssl.plain.sasl.jaas.config"))
        .contains("PlainLoginModule required", "user_ingest=\"secret\"");
  }

  @Test
  void theAuthorizerNeedsSaslBecauseATlsOnlyClientWouldBeTheSuperUserAnonymous() {
    assertThatThrownBy(
            () -> BrokerSecurity.tls(KEYSTORE, "PKCS12", "pw").authorizer("admin").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("User:ANONYMOUS");
  }

  @Test
  void badSaslSettingsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> BrokerSecurity.tls(KEYSTORE, "PKCS12", "pw").sasl("GSSAPI"))
        .hasMessageContaining("GSSAPI is not one of");
    assertThatThrownBy(() -> BrokerSecurity.tls(KEYSTORE, "PKCS12", "pw").sasl("PLAIN").build())
        .hasMessageContaining("without users");
    assertThatThrownBy(
            () -> BrokerSecurity.tls(KEYSTORE, "PKCS12", "pw").sasl("PLAIN").user("a\"b", "x"))
        .hasMessageContaining("must be letters");
  }
}
