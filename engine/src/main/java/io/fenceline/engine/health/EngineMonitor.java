package io.fenceline.engine.health;

import io.fenceline.kafka.health.Health;
import io.fenceline.kafka.topics.EngineProgress;
import io.fenceline.kafka.topics.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's health and metrics, for {@code /healthz}, {@code /livez} and {@code /metrics}.
 *
 * <p>Ready when Kafka Streams is {@code RUNNING}, no local stream thread is dead and a stream
 * thread runs, and no input partition this instance processes is stuck ({@link StuckPartitions}:
 * events waiting, committed offset not moving for longer than {@code stuckAfter}; sampled with
 * {@link EngineProgress} every {@code sampleEvery}). Live unless Kafka Streams is in a state it
 * never leaves by itself ({@code ERROR}, {@code PENDING_ERROR}, {@code NOT_RUNNING}, {@code
 * PENDING_SHUTDOWN}): a restart helps there, not for a stuck partition (a poison record would stop
 * the restarted engine at the same place).
 *
 * <p>Metrics: every Kafka Streams client metric through Micrometer's {@link KafkaStreamsMetrics}
 * ({@code kafka_stream_*}, including the compile processor's dead-letter sensor), and fenceline's
 * own: {@code fenceline_engine_ready}, {@code fenceline_engine_input_lag{partition}}, {@code
 * fenceline_engine_input_stuck_partitions}, {@code fenceline_engine_progress_samples_failed_total}.
 */
public final class EngineMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineMonitor.class);
  private static final Set<KafkaStreams.State> DEAD =
      Set.of(
          KafkaStreams.State.ERROR,
          KafkaStreams.State.PENDING_ERROR,
          KafkaStreams.State.NOT_RUNNING,
          KafkaStreams.State.PENDING_SHUTDOWN);

  private final KafkaStreams streams;
  private final String applicationId;
  private final Admin admin;
  private final Clock clock;
  private final StuckPartitions stuck;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final KafkaStreamsMetrics streamsMetrics;
  private final MultiGauge lagGauge;
  private final io.micrometer.core.instrument.Counter sampleFailures;
  private final ScheduledExecutorService sampler;
  private volatile List<String> stuckReasons = List.of();
  private volatile int stuckCount;

  public EngineMonitor(
      KafkaStreams streams,
      String applicationId,
      Map<String, Object> adminConfig,
      Duration stuckAfter,
      Duration sampleEvery,
      Clock clock) {
    this.streams = streams;
    this.applicationId = applicationId;
    this.clock = clock;
    this.stuck = new StuckPartitions(stuckAfter);
    this.admin = Admin.create(adminConfig);
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fenceline-engine-health");
              t.setDaemon(true);
              return t;
            });
    // Kafka Streams creates thread and task metrics as it runs: look for new ones every 10 s.
    this.streamsMetrics =
        new KafkaStreamsMetrics(streams, Tags.empty(), sampler, Duration.ofSeconds(10));
    streamsMetrics.bindTo(registry);
    Gauge.builder("fenceline.engine.ready", () -> readiness().ok() ? 1 : 0)
        .description("1 when /healthz is 200")
        .register(registry);
    Gauge.builder("fenceline.engine.input.stuck.partitions", () -> stuckCount)
        .description(
            "input partitions with events waiting whose committed offset has not moved for longer than the threshold")
        .register(registry);
    lagGauge =
        MultiGauge.builder("fenceline.engine.input.lag")
            .description(
                "events of a fenceline.events partition this instance processes, not yet committed")
            .register(registry);
    sampleFailures =
        io.micrometer.core.instrument.Counter.builder("fenceline.engine.progress.samples.failed")
            .description("samples of the engine's committed offsets that could not be read")
            .register(registry);
    sampler.scheduleWithFixedDelay(this::sample, 0, sampleEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The input partitions of {@code fenceline.events} this instance's active tasks process. */
  private List<Integer> localInputPartitions() {
    Set<Integer> out = new TreeSet<>();
    for (ThreadMetadata t : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : t.activeTasks()) {
        for (TopicPartition tp : task.topicPartitions()) {
          if (tp.topic().equals(Topics.EVENTS)) {
            out.add(tp.partition());
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  private void sample() {
    try {
      List<Integer> local =
          streams.state() == KafkaStreams.State.RUNNING ? localInputPartitions() : List.of();
      List<EngineProgress.Partition> progress =
          local.isEmpty()
              ? List.of()
              : EngineProgress.read(admin, applicationId, local, Duration.ofSeconds(10));
      Instant now = clock.instant();
      List<StuckPartitions.Stuck> s = stuck.observe(now, progress);
      List<String> reasons = new ArrayList<>();
      for (StuckPartitions.Stuck x : s) {
        reasons.add("input partition " + x.reason(now, stuck.threshold()));
      }
      stuckReasons = List.copyOf(reasons);
      stuckCount = s.size();
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      for (EngineProgress.Partition p : progress) {
        rows.add(MultiGauge.Row.of(Tags.of("partition", Integer.toString(p.partition())), p.lag()));
      }
      lagGauge.register(rows, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // The broker may be away: Kafka Streams reports that itself (its state); keep the last
      // verdict.
      sampleFailures.increment();
      LOG.warn("cannot read the engine's progress on {}: {}", Topics.EVENTS, e.toString());
    }
  }

  /**
   * Ready: RUNNING, stream threads alive, no stuck input partition; else not ready with the
   * reasons.
   */
  public Health readiness() {
    List<String> reasons = new ArrayList<>();
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      reasons.add("Kafka Streams state is " + state + " (not RUNNING)");
    } else {
      boolean running = false;
      for (ThreadMetadata t : streams.metadataForLocalThreads()) {
        if (t.threadState().equals("DEAD")) {
          reasons.add("stream thread " + t.threadName() + " is dead");
        }
        running |= t.threadState().equals("RUNNING");
      }
      if (!running) {
        reasons.add("no stream thread is running");
      }
    }
    reasons.addAll(stuckReasons);
    return Health.of(reasons);
  }

  /** Live unless Kafka Streams is in a state it does not leave without a restart. */
  public Health liveness() {
    KafkaStreams.State state = streams.state();
    return DEAD.contains(state)
        ? Health.down("Kafka Streams state is " + state + ": it does not recover without a restart")
        : Health.up();
  }

  /** Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    streamsMetrics.close();
    admin.close(Duration.ofSeconds(5));
    registry.close();
  }
}
