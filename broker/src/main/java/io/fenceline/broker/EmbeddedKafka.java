package io.fenceline.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.image.MetadataImage;
import org.apache.kafka.metadata.BrokerRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) running in this JVM, its
 * logs under a data dir so that history survives restarts. This is the one place that touches
 * Kafka's internal classes.
 *
 * <p>Layout of the data dir: {@code kafka/logs/} (Kafka's log and metadata dir), {@code
 * kafka/embedded.properties} (cluster id and the two ports, chosen on first start and reused, so
 * the bootstrap address stays the same), {@code broker.lock} (held while the broker runs) and
 * {@code broker.json} (see {@link BrokerDirectory}). Both listeners bind to 127.0.0.1 only. Kafka
 * logs through SLF4J; nothing is printed to stdout.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
  static final String HOST = "127.0.0.1";
  static final String SETTINGS_FILE = "embedded.properties";
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String KEY_CLUSTER_ID = "cluster.id";
  private static final String KEY_BROKER_PORT = "broker.port";
  private static final String KEY_CONTROLLER_PORT = "controller.port";
  private static final String KEY_SECURED_PORT = "secured.port";

  private final Path dataDir;
  private final String clusterId;
  private final String bootstrapServers;
  private final BrokerSecurity security;
  private final String securedBootstrapServers;
  private final Duration startupTime;
  private final boolean firstStart;
  private final KafkaRaftServer server;
  private final BrokerDirectory.Lock lock;
  private final Thread shutdownHook;
  private boolean closed;

  private EmbeddedKafka(
      Path dataDir,
      String clusterId,
      String bootstrapServers,
      BrokerSecurity security,
      String securedBootstrapServers,
      Duration startupTime,
      boolean firstStart,
      KafkaRaftServer server,
      BrokerDirectory.Lock lock) {
    this.dataDir = dataDir;
    this.clusterId = clusterId;
    this.bootstrapServers = bootstrapServers;
    this.security = security;
    this.securedBootstrapServers = securedBootstrapServers;
    this.startupTime = startupTime;
    this.firstStart = firstStart;
    this.server = server;
    this.lock = lock;
    this.shutdownHook = new Thread(this::closeAtExit, "fenceline-embedded-kafka-shutdown");
  }

  /**
   * Starts (formatting on first use) the broker of {@code dataDir} and waits until it serves
   * requests.
   */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, DEFAULT_STARTUP_TIMEOUT);
  }

  /**
   * Starts the broker of {@code dataDir} and waits up to {@code timeout} until it serves requests.
   *
   * @throws BrokerAlreadyRunningException when a broker (in this or another process) already holds
   *     the dir
   * @throws BrokerException when the remembered port is taken by another process, or Kafka fails to
   *     start
   */
  public static EmbeddedKafka start(Path dataDir, Duration timeout) {
    return start(dataDir, timeout, null);
  }

  /**
   * Starts the broker of {@code dataDir} with, besides its loopback {@code PLAINTEXT} listener, a
   * secured client listener ({@code security}: TLS, SASL over TLS, ACLs; null for none) and waits
   * up to {@code timeout} until it serves requests (and, for SCRAM, until its users' credentials
   * are in place).
   *
   * @throws BrokerAlreadyRunningException when a broker (in this or another process) already holds
   *     the dir
   * @throws BrokerException when a remembered port is taken by another process, or Kafka fails to
   *     start
   */
  public static EmbeddedKafka start(Path dataDir, Duration timeout, BrokerSecurity security) {
    long t0 = System.nanoTime();
    Path dir = dataDir.toAbsolutePath().normalize();
    BrokerDirectory.Lock lock =
        BrokerDirectory.tryLock(dir, Duration.ofSeconds(1))
            .orElseThrow(
                () ->
                    new BrokerAlreadyRunningException(
                        dir, BrokerDirectory.awaitRunning(dir, Duration.ofSeconds(2))));
    KafkaRaftServer server = null;
    try {
      Path kafkaDir = dir.resolve("kafka");
      Path logDir = kafkaDir.resolve("logs");
      Files.createDirectories(logDir);
      Path settingsFile = kafkaDir.resolve(SETTINGS_FILE);
      Properties settings = loadSettings(settingsFile);
      boolean formatted = Files.exists(logDir.resolve("meta.properties"));

      String clusterId = settings.getProperty(KEY_CLUSTER_ID);
      if (clusterId == null) {
        clusterId = formatted ? readMetaClusterId(logDir) : Uuid.randomUuid().toString();
      }
      int brokerPort = intSetting(settings, KEY_BROKER_PORT);
      if (brokerPort <= 0) {
        brokerPort = choosePort(-1);
        if (formatted) {
          LOG.warn(
              "{} had no remembered broker port; the embedded broker now listens on {}:{}",
              settingsFile,
              HOST,
              brokerPort);
        }
      } else if (!bindable(brokerPort)) {
        throw new BrokerException(
            "port "
                + brokerPort
                + " of the embedded broker of "
                + dir
                + " (remembered in "
                + settingsFile
                + ") is in use by another process; stop that process, or delete "
                + settingsFile
                + " to choose new ports (clients must then use the new address)");
      }
      int controllerPort = intSetting(settings, KEY_CONTROLLER_PORT);
      if (controllerPort <= 0 || controllerPort == brokerPort || !bindable(controllerPort)) {
        // Only this process talks to the controller listener (static quorum of one): it may move.
        controllerPort = choosePort(brokerPort);
      }
      int securedPort = -1;
      if (security != null) {
        securedPort = intSetting(settings, KEY_SECURED_PORT);
        if (securedPort <= 0
            || securedPort == brokerPort
            || securedPort == controllerPort
            || !bindable(securedPort)) {
          securedPort = choosePort(brokerPort, controllerPort);
        }
        settings.setProperty(KEY_SECURED_PORT, Integer.toString(securedPort));
      }
      settings.setProperty(KEY_CLUSTER_ID, clusterId);
      settings.setProperty(KEY_BROKER_PORT, Integer.toString(brokerPort));
      settings.setProperty(KEY_CONTROLLER_PORT, Integer.toString(controllerPort));
      saveSettings(settingsFile, settings);

      KafkaConfig config =
          KafkaConfig.fromProps(
              brokerProperties(logDir, brokerPort, controllerPort, security, securedPort), false);
      if (!formatted) {
        StorageFormat.format(logDir, clusterId, NODE_ID, CONTROLLER_LISTENER);
      }
      String bootstrap = HOST + ":" + brokerPort;
      server = new KafkaRaftServer(config, Time.SYSTEM);
      startControllerUntilNoLiveBrokerRegistration(server, t0 + timeout.toNanos());
      server.startup(); // the controller is up already: this starts the broker
      awaitReady(bootstrap, timeout.minusNanos(System.nanoTime() - t0));
      String secured = security == null ? null : HOST + ":" + securedPort;
      if (security != null && security.scram()) {
        ScramUsers.upsert(
            bootstrap,
            security.saslMechanism(),
            security.users(),
            timeout.minusNanos(System.nanoTime() - t0));
      }
      BrokerDirectory.publish(dir, bootstrap);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      EmbeddedKafka kafka =
          new EmbeddedKafka(
              dir, clusterId, bootstrap, security, secured, took, !formatted, server, lock);
      Runtime.getRuntime().addShutdownHook(kafka.shutdownHook);
      LOG.info(
          "embedded Kafka broker ready at {}{} in {} ms ({}, data dir {})",
          bootstrap,
          security == null ? "" : " and " + secured + " (" + security + ")",
          took.toMillis(),
          formatted ? "restart" : "first start",
          dir);
      return kafka;
    } catch (RuntimeException | IOException | Error e) {
      if (server != null) {
        stopQuietly(server);
      }
      lock.close();
      if (e instanceof BrokerException be) {
        throw be;
      }
      if (e instanceof Error err) {
        throw err;
      }
      throw new BrokerException(
          "the embedded Kafka broker of " + dir + " failed to start: " + e, e);
    }
  }

  /** {@code 127.0.0.1:PORT}, the same across restarts on the same data dir. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * {@code 127.0.0.1:PORT} of the secured listener (TLS, SASL over TLS) given at start.
   *
   * @throws IllegalStateException when the broker was started without one
   */
  public String securedBootstrapServers() {
    if (securedBootstrapServers == null) {
      throw new IllegalStateException(
          "the embedded broker at "
              + bootstrapServers
              + " has no secured listener:"
              + " start it with a BrokerSecurity");
    }
    return securedBootstrapServers;
  }

  /** The secured listener's settings, if it has one. */
  public Optional<BrokerSecurity> security() {
    return Optional.ofNullable(security);
  }

  public Path dataDir() {
    return dataDir;
  }

  public String clusterId() {
    return clusterId;
  }

  /** From the call to {@code start} until the broker answered {@code describeCluster}. */
  public Duration startupTime() {
    return startupTime;
  }

  /** True when this start formatted a new data dir (no history yet). */
  public boolean firstStart() {
    return firstStart;
  }

  public synchronized boolean isRunning() {
    return !closed;
  }

  /**
   * Stops the broker (its logs stay in the data dir), removes {@code broker.json} and releases the
   * lock.
   */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException alreadyShuttingDown) {
      // the hook runs (or ran) anyway
    }
    stop();
  }

  private void closeAtExit() {
    stop();
  }

  private synchronized void stop() {
    if (closed) {
      return;
    }
    closed = true;
    long t0 = System.nanoTime();
    BrokerDirectory.withdraw(dataDir);
    try {
      stopQuietly(server);
    } finally {
      lock.close();
    }
    LOG.info(
        "embedded Kafka broker at {} stopped in {} ms",
        bootstrapServers,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers + ", " + dataDir + "]";
  }

  static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
    return brokerProperties(logDir, brokerPort, controllerPort, null, -1);
  }

  static Properties brokerProperties(
      Path logDir, int brokerPort, int controllerPort, BrokerSecurity security, int securedPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put(
        "listeners",
        BROKER_LISTENER
            + "://"
            + HOST
            + ":"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
    p.put(
        "listener.security.protocol.map",
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", BROKER_LISTENER);
    p.put("log.dirs", logDir.toString());
    p.put("metadata.log.dir", logDir.toString());
    // One broker: every internal topic has one replica, and one in-sync replica suffices.
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "10");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "10");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // A producer that dies inside a transaction (the engine killed with SIGKILL) holds
    // read_committed readers of
    // what it wrote back until the coordinator aborts the transaction at its timeout. The
    // coordinator looks for
    // timed-out transactions only every 10 s by default, which adds up to 10 s to the engine's 10 s
    // timeout.
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    // After a crash (kill -9) the controller keeps the dead incarnation's registration until its
    // session times
    // out; the restarted broker starts after that (see
    // startControllerUntilNoLiveBrokerRegistration) and cannot
    // register before it either (default 9 s). One node in one JVM: a short session.
    p.put("broker.session.timeout.ms", "3000");
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("auto.create.topics.enable", "false");
    p.put("log.cleaner.enable", "true");
    if (security != null) {
      String name = security.listenerName();
      p.put("listeners", p.get("listeners") + "," + name + "://" + HOST + ":" + securedPort);
      p.put(
          "advertised.listeners",
          p.get("advertised.listeners") + "," + name + "://" + HOST + ":" + securedPort);
      p.put(
          "listener.security.protocol.map",
          p.get("listener.security.protocol.map") + "," + name + ":" + security.protocol().name());
      p.putAll(security.brokerProperties());
    }
    return p;
  }

  /**
   * Starts the controller half of {@code server} and returns once the metadata holds no live
   * registration of this node's broker; only then may the broker half start.
   *
   * <p>After the process was killed (SIGKILL, power loss) the metadata log still holds the dead
   * broker's registration, unfenced and leader of every partition, and the restarted controller
   * gives it a fresh session ({@code broker.session.timeout.ms}). {@link KafkaRaftServer#startup()}
   * would start the broker right after the controller, and the broker at once acts on that stale
   * leadership: its transaction coordinator reloads each prepared commit and sends its markers to
   * node 1, whose listener opens only once the broker's new registration is unfenced ("Connection
   * to node 1 could not be established"). When the session expires the controller fences the dead
   * registration and every partition is without a leader for a moment; Kafka's marker sender takes
   * a partition without leader for a deleted one, drops its markers and records the transaction as
   * complete. The committed records then stay above the last stable offset for good: read_committed
   * consumers never see them. Started after the fence, the broker leads nothing until its own
   * registration is unfenced, and then completes the prepared transactions for real. (Fencing the
   * dead registration sooner gains nothing: the controller accepts the new registration only once
   * the old session has expired.)
   */
  private static void startControllerUntilNoLiveBrokerRegistration(
      KafkaRaftServer server, long deadlineNanos) {
    ControllerServer controller = controllerOf(server);
    controller.startup();
    long t0 = System.nanoTime();
    BrokerRegistration stale = null;
    try {
      while (true) {
        MetadataImage image = controller.metadataCache().currentImage();
        if (!image.isEmpty()) { // empty until the metadata log is loaded
          BrokerRegistration registration = image.cluster().broker(NODE_ID);
          if (registration == null || registration.fenced()) {
            if (stale != null) {
              LOG.info(
                  "the controller fenced the broker registration (epoch {}) of the previous process in {} ms",
                  stale.epoch(),
                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            return;
          }
          if (stale == null) {
            stale = registration;
            LOG.info(
                "the previous broker process of this data dir did not shut down; the broker starts once the "
                    + "controller has fenced its registration (epoch {}), when its session expires",
                stale.epoch());
          }
        }
        if (System.nanoTime() - deadlineNanos >= 0) {
          throw new BrokerException(
              "the controller of the embedded broker did not "
                  + (stale == null
                      ? "load its metadata"
                      : "fence the registration of the previous broker process")
                  + " in time");
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException("interrupted while starting the embedded broker's controller", e);
    }
  }

  private static ControllerServer controllerOf(KafkaRaftServer server) {
    try {
      Field field = KafkaRaftServer.class.getDeclaredField("controller");
      field.setAccessible(true);
      return (ControllerServer) ((scala.Option<?>) field.get(server)).get();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new BrokerException(
          "cannot start the controller of Kafka's KafkaRaftServer on its own (Kafka version "
              + "changed?): "
              + e,
          e);
    }
  }

  private static void awaitReady(String bootstrap, Duration timeout) {
    long deadline = System.nanoTime() + Math.max(timeout.toNanos(), TimeUnit.SECONDS.toNanos(1));
    Map<String, Object> conf =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.CLIENT_ID_CONFIG, "fenceline-embedded-kafka-readiness",
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
            AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
    Exception last = null;
    try (Admin admin = Admin.create(conf)) {
      while (System.nanoTime() - deadline < 0) {
        try {
          long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
          Collection<Node> nodes =
              admin.describeCluster().nodes().get(Math.min(left, 5000), TimeUnit.MILLISECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException(
          "interrupted while waiting for the embedded broker at " + bootstrap, e);
    }
    throw new BrokerException(
        "the embedded broker at "
            + bootstrap
            + " did not answer describeCluster within "
            + timeout.toMillis()
            + " ms"
            + (last == null ? "" : ": " + last.getMessage()),
        last);
  }

  private static void stopQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("error while stopping the embedded Kafka broker", e);
    }
  }

  private static Properties loadSettings(Path file) throws IOException {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      }
    }
    return p;
  }

  private static void saveSettings(Path file, Properties p) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "fenceline embedded Kafka broker: cluster id and ports, kept across restarts");
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static int intSetting(Properties p, String key) {
    try {
      return Integer.parseInt(p.getProperty(key, "-1").trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String readMetaClusterId(Path logDir) throws IOException {
    Properties meta = loadSettings(logDir.resolve("meta.properties"));
    return Optional.ofNullable(meta.getProperty("cluster.id"))
        .orElseThrow(
            () -> new BrokerException(logDir.resolve("meta.properties") + " has no cluster.id"));
  }

  /**
   * A free loopback port below the kernel's ephemeral range (so an outgoing connection's local port
   * cannot take it while the broker is down), or any free port when that range is unusable.
   */
  static int choosePort(int avoid, int alsoAvoid) {
    for (int i = 0; i < 10; i++) {
      int port = choosePort(avoid);
      if (port != alsoAvoid) {
        return port;
      }
    }
    throw new BrokerException("no free port on " + HOST);
  }

  static int choosePort(int avoid) {
    int low = ephemeralLow();
    int from = 20000;
    int to = Math.min(low, 32768);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (to - from >= 1000) {
      for (int i = 0; i < 100; i++) {
        int port = from + random.nextInt(to - from);
        if (port != avoid && bindable(port)) {
          return port;
        }
      }
    }
    for (int i = 0; i < 10; i++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        if (s.getLocalPort() != avoid) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("no free port on " + HOST, e);
      }
    }
    throw new BrokerException("no free port on " + HOST);
  }

  static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralLow() {
    // readString/readAllBytes trust the size procfs reports and may return a truncated line: read
    // by line.
    try (BufferedReader r =
        Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      return Integer.parseInt(r.readLine().trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32768;
    }
  }
}
