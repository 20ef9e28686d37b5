package io.fenceline.engine;

import io.fenceline.engine.topology.BoundedMemoryRocksDbConfig;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** How to run the engine: where Kafka is, where state lives, the topic layout. */
public record EngineConfig(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    Topics.Layout layout,
    Map<String, String> extraStreamsConfig) {

  public static final String DEFAULT_APPLICATION_ID = "fenceline-engine";

  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    // A killed engine must not stall read_committed appliers for long: its open transaction is aborted
    // this long after it began (plus the broker's check interval, 1 s on the embedded broker; set
    // transaction.abort.timed.out.transaction.cleanup.interval.ms on others). Not shorter: a large
    // batch (a cold compile) must fit in one transaction on a loaded machine.
    p.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), 10_000);
    // A killed engine's consumer keeps its partitions until its session expires (45 s by default), and
    // a restarted engine gets them only then: a short session lets the replacement start sooner.
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
    p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 2_000);
    p.put(StreamsConfig.producerPrefix("max.request.size"), 4 << 20);
    p.put(StreamsConfig.consumerPrefix("max.poll.records"), 2000);
    p.putAll(extraStreamsConfig);
    return p;
  }
}
