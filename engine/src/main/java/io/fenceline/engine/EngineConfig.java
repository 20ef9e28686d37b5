package io.fenceline.engine;

import io.fenceline.engine.topology.BoundedMemoryRocksDbConfig;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How to run the engine: where Kafka is, where state lives, the topic layout, and how it shares the
 * work with other instances of the same application: {@code streamThreads} stream threads in this
 * process, {@code standbyReplicas} warm copies of each task's state on other instances, and static
 * membership of the consumer group under {@code groupInstanceId} (null: derived from the host and
 * the state dir, see {@link #defaultInstanceId}; an explicit {@code group.instance.id} in {@code
 * extraStreamsConfig} wins).
 */
public record EngineConfig(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    Topics.Layout layout,
    Map<String, String> extraStreamsConfig,
    int streamThreads,
    int standbyReplicas,
    String groupInstanceId) {

  public static final String DEFAULT_APPLICATION_ID = "fenceline-engine";

  public EngineConfig {
    if (streamThreads < 1) {
      throw new IllegalArgumentException("stream threads must be at least 1, not " + streamThreads);
    }
    if (standbyReplicas < 0) {
      throw new IllegalArgumentException(
          "standby replicas must be 0 or more, not " + standbyReplicas);
    }
  }

  /** One stream thread, no standby, static membership under the derived instance id. */
  public EngineConfig(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      Topics.Layout layout,
      Map<String, String> extraStreamsConfig) {
    this(bootstrapServers, applicationId, stateDir, layout, extraStreamsConfig, 1, 0, null);
  }

  /**
   * The static member id of an engine that names none: the application, the host and the state dir,
   * so a restarted process (same host, same state dir) takes its tasks back at once instead of
   * waiting for its old session to expire, while two processes (which cannot share a state dir)
   * never collide. Kafka Streams adds each stream thread's index.
   */
  public static String defaultInstanceId(String applicationId, Path stateDir) {
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    if (host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        host = "localhost";
      }
    }
    String dir = stateDir.toAbsolutePath().normalize().toString();
    return applicationId + "-" + host + "-" + Integer.toHexString(dir.hashCode());
  }

  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    // A killed engine must not stall read_committed appliers for long: its open transaction is
    // aborted
    // this long after it began (plus the broker's check interval, 1 s on the embedded broker; set
    // transaction.abort.timed.out.transaction.cleanup.interval.ms on others). Not shorter: a large
    // batch (a cold compile) must fit in one transaction on a loaded machine.
    p.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), 10_000);
    // A killed engine's consumer keeps its partitions until its session expires (45 s by default),
    // and
    // a restarted engine gets them only then: a short session lets the replacement start sooner.
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
    p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 2_000);
    p.put(StreamsConfig.producerPrefix("max.request.size"), 4 << 20);
    p.put(StreamsConfig.consumerPrefix("max.poll.records"), 2000);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
    p.put(
        ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
        groupInstanceId != null ? groupInstanceId : defaultInstanceId(applicationId, stateDir));
    p.putAll(extraStreamsConfig);
    return p;
  }
}
