package io.fenceline.broker;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A second, secured client listener for the embedded broker, for tests of TLS, SASL and ACLs with
 * the standard client properties users give fenceline ({@code security.protocol}, {@code ssl.*},
 * {@code sasl.*}).
 *
 * <p>The listener speaks {@code SSL} (server certificate from a keystore), or {@code SASL_SSL} with
 * one SASL mechanism ({@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}) and the users
 * given here. With {@link Builder#authorizer} the broker runs Kafka's KRaft {@code
 * StandardAuthorizer}: nothing is allowed that no ACL allows, except to the super users. The
 * broker's own loopback {@code PLAINTEXT} and controller listeners stay as they are (inter-broker
 * traffic, readiness, the test's administration) and their principal ({@code User:ANONYMOUS}) is a
 * super user: clients under test must use the secured listener ({@link
 * EmbeddedKafka#securedBootstrapServers()}).
 */
public final class BrokerSecurity {
  /** The client listener's protocol. */
  public enum Protocol {
    SSL,
    SASL_SSL
  }

  public static final List<String> SASL_MECHANISMS =
      List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
  static final String ANONYMOUS = "User:ANONYMOUS";

  private final Protocol protocol;
  private final Path keystore;
  private final String keystoreType;
  private final String keystorePassword;
  private final String saslMechanism;
  private final Map<String, String> users;
  private final boolean authorizer;
  private final Set<String> superUsers;

  private BrokerSecurity(Builder b) {
    this.protocol = b.saslMechanism == null ? Protocol.SSL : Protocol.SASL_SSL;
    this.keystore = b.keystore;
    this.keystoreType = b.keystoreType;
    this.keystorePassword = b.keystorePassword;
    this.saslMechanism = b.saslMechanism;
    this.users = Collections.unmodifiableMap(new LinkedHashMap<>(b.users));
    this.authorizer = b.authorizer;
    this.superUsers = Collections.unmodifiableSet(new LinkedHashSet<>(b.superUsers));
  }

  /**
   * A TLS listener serving the certificate (and its chain) of the one key entry of {@code
   * keystore}.
   *
   * @param keystoreType {@code PKCS12} or {@code JKS}
   * @param password the store's password, also the key's
   */
  public static Builder tls(Path keystore, String keystoreType, String password) {
    return new Builder(keystore, keystoreType, password);
  }

  public Protocol protocol() {
    return protocol;
  }

  /** The SASL mechanism of a {@code SASL_SSL} listener, or null. */
  public String saslMechanism() {
    return saslMechanism;
  }

  /** User name → password, known to the SASL mechanism. */
  public Map<String, String> users() {
    return users;
  }

  public boolean authorizer() {
    return authorizer;
  }

  /** Principals ({@code User:NAME}) every ACL check allows, besides the broker's own. */
  public Set<String> superUsers() {
    return superUsers;
  }

  boolean scram() {
    return saslMechanism != null && saslMechanism.startsWith("SCRAM-");
  }

  String listenerName() {
    return protocol.name();
  }

  /**
   * The broker properties this adds to the embedded broker's own, for the listener at {@code port}.
   */
  Map<String, String> brokerProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    String prefix = "listener.name." + listenerName().toLowerCase() + ".";
    p.put(prefix + "ssl.keystore.location", keystore.toAbsolutePath().toString());
    p.put(prefix + "ssl.keystore.type", keystoreType);
    p.put(prefix + "ssl.keystore.password", keystorePassword);
    p.put(prefix + "ssl.key.password", keystorePassword);
    if (saslMechanism != null) {
      p.put("sasl.enabled.mechanisms", saslMechanism);
      String mechanism = saslMechanism.toLowerCase();
      if (saslMechanism.equals("PLAIN")) {
        StringBuilder jaas =
            new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach(
            (user, password) ->
                jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        p.put(prefix + mechanism + ".sasl.jaas.config", jaas.append(';').toString());
      } else {
        // SCRAM credentials live in the cluster metadata; EmbeddedKafka creates them once the
        // broker runs.
        p.put(
            prefix + mechanism + ".sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      }
    }
    if (authorizer) {
      p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
      Set<String> supers = new LinkedHashSet<>();
      supers.add(
          ANONYMOUS); // the broker itself, on its loopback PLAINTEXT and CONTROLLER listeners
      supers.addAll(superUsers);
      p.put("super.users", String.join(";", supers));
      p.put("allow.everyone.if.no.acl.found", "false");
    }
    return p;
  }

  @Override
  public String toString() {
    return protocol
        + (saslMechanism == null ? "" : "/" + saslMechanism)
        + (authorizer ? " with ACLs" : "");
  }

  /** Options of the secured listener. */
  public static final class Builder {
    private final Path keystore;
    private final String keystoreType;
    private final String keystorePassword;
    private String saslMechanism;
    private final Map<String, String> users = new LinkedHashMap<>();
    private boolean authorizer;
    private final Set<String> superUsers = new LinkedHashSet<>();

    private Builder(Path keystore, String keystoreType, String password) {
      this.keystore = Objects.requireNonNull(keystore, "keystore");
      this.keystoreType = Objects.requireNonNull(keystoreType, "keystoreType");
      this.keystorePassword = Objects.requireNonNull(password, "password");
    }

    /**
     * SASL over TLS with {@code mechanism} ({@code PLAIN}, {@code SCRAM-SHA-256} or {@code
     * SCRAM-SHA-512}).
     */
    public Builder sasl(String mechanism) {
      if (!SASL_MECHANISMS.contains(mechanism)) {
        throw new IllegalArgumentException(
            "SASL mechanism " + mechanism + " is not one of " + SASL_MECHANISMS);
      }
      this.saslMechanism = mechanism;
      return this;
    }

    /** A SASL user; its principal is {@code User:name}. */
    public Builder user(String name, String password) {
      if (name.isEmpty() || !name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "SASL user name '" + name + "' must be letters, digits, '.', '_' or '-'");
      }
      users.put(name, Objects.requireNonNull(password, "password"));
      return this;
    }

    /**
     * Runs the KRaft {@code StandardAuthorizer}; {@code superUsers} are user names, allowed
     * everything.
     */
    public Builder authorizer(String... superUsers) {
      this.authorizer = true;
      for (String s : superUsers) {
        this.superUsers.add("User:" + s);
      }
      return this;
    }

    public BrokerSecurity build() {
      if (!users.isEmpty() && saslMechanism == null) {
        throw new IllegalArgumentException("users need a SASL mechanism (sasl(...))");
      }
      if (saslMechanism != null && users.isEmpty()) {
        throw new IllegalArgumentException(
            "SASL mechanism " + saslMechanism + " without users: add user(...)");
      }
      if (authorizer && saslMechanism == null) {
        // A TLS client without SASL is User:ANONYMOUS, the broker's own (super user) principal
        // here.
        throw new IllegalArgumentException(
            "the authorizer needs SASL_SSL (sasl(...)): without SASL every TLS client"
                + " would be User:ANONYMOUS, which the embedded broker's internal listeners use as super user");
      }
      return new BrokerSecurity(this);
    }
  }
}
