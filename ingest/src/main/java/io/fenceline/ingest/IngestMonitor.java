package io.fenceline.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Prometheus metrics of {@code fenceline ingest}: the Kafka producer metrics of every cluster's
 * publisher (Micrometer's {@link KafkaClientMetrics}, {@code kafka_producer_*}, tagged {@code
 * cluster}) and ingest's own counts ({@link #metrics()}, an {@link IngestMetrics} that also keeps
 * the plain counts): {@code fenceline_ingest_published_events_total{cluster,kind}}, {@code
 * fenceline_ingest_suppressed_updates_total{cluster,kind}}, {@code
 * fenceline_ingest_coalesced_total{cluster}}, {@code fenceline_ingest_backlog{cluster}}, {@code
 * fenceline_ingest_generation{cluster,kind}} and {@code
 * fenceline_ingest_generation_completed_seconds{cluster,kind}} (epoch seconds of the last end
 * marker) and {@code fenceline_ingest_kind_served{cluster,kind}} (for ClusterNetworkPolicy: 0 while
 * the cluster does not serve it, its CRD not installed; 1 while it is watched).
 */
public final class IngestMonitor implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fenceline-ingest-metrics");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, KafkaClientMetrics> producerMetrics = new ConcurrentHashMap<>();
  private final Metered metered = new Metered();

  /** What ingest counts, as meters (and as {@link IngestMetrics#snapshot()}). */
  public IngestMetrics metrics() {
    return metered;
  }

  /** Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Starts a publisher for {@code cluster} as {@link EventPublisher#start(String, String,
   * IngestMetrics, Map)} does, with each producer it creates bound to the registry (a replaced
   * producer's meters go with it).
   */
  public EventPublisher startPublisher(
      String cluster, String bootstrapServers, Map<String, Object> extraConfig) {
    Map<String, Object> config = EventPublisher.producerConfig(cluster, bootstrapServers);
    config.putAll(extraConfig);
    Supplier<Producer<String, byte[]>> producers =
        () ->
            bind(
                cluster,
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()));
    return EventPublisher.start(
        cluster,
        String.valueOf(config.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)),
        producers,
        metered);
  }

  private Producer<String, byte[]> bind(String cluster, Producer<String, byte[]> producer) {
    KafkaClientMetrics m =
        new KafkaClientMetrics(
            producer, Tags.of("cluster", cluster), scheduler, Duration.ofSeconds(10));
    m.bindTo(registry);
    KafkaClientMetrics old = producerMetrics.put(cluster, m);
    if (old != null) {
      old.close();
    }
    return producer;
  }

  @Override
  public void close() {
    producerMetrics.values().forEach(KafkaClientMetrics::close);
    scheduler.shutdownNow();
    registry.close();
  }

  /**
   * Counts into Micrometer and into plain counters (for the summary ingest prints when it stops).
   */
  private final class Metered implements IngestMetrics {
    private final CountingIngestMetrics counts = new CountingIngestMetrics();
    private final Map<String, AtomicLong> backlogs = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> generationTimes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();

    @Override
    public void published(String cluster, String kind, long events) {
      counts.published(cluster, kind, events);
      Counter.builder("fenceline.ingest.published.events")
          .description("events committed to fenceline.events")
          .tags("cluster", cluster, "kind", kind)
          .register(registry)
          .increment(events);
    }

    @Override
    public void suppressed(String cluster, String kind) {
      counts.suppressed(cluster, kind);
      Counter.builder("fenceline.ingest.suppressed.updates")
          .description("updates dropped: nothing policy needs changed")
          .tags("cluster", cluster, "kind", kind)
          .register(registry)
          .increment();
    }

    @Override
    public void coalesced(String cluster) {
      counts.coalesced(cluster);
      Counter.builder("fenceline.ingest.coalesced")
          .description("pending changes replaced by a newer one before sending")
          .tags("cluster", cluster)
          .register(registry)
          .increment();
    }

    @Override
    public void backlog(String cluster, int pending) {
      counts.backlog(cluster, pending);
      backlogs
          .computeIfAbsent(
              cluster,
              c -> {
                AtomicLong v = new AtomicLong();
                Gauge.builder("fenceline.ingest.backlog", v, AtomicLong::get)
                    .description("changes waiting to be sent")
                    .tags("cluster", c)
                    .register(registry);
                return v;
              })
          .set(pending);
    }

    @Override
    public void generationCompleted(String cluster, String kind, long generation, Instant at) {
      counts.generationCompleted(cluster, kind, generation, at);
      String key = cluster + "/" + kind;
      generations
          .computeIfAbsent(
              key,
              k ->
                  gauge(
                      "fenceline.ingest.generation",
                      "the last completed generation",
                      cluster,
                      kind))
          .accumulateAndGet(generation, Math::max);
      generationTimes
          .computeIfAbsent(
              key,
              k ->
                  gauge(
                      "fenceline.ingest.generation.completed.seconds",
                      "epoch seconds when the last generation's end marker was committed",
                      cluster,
                      kind))
          .set(at.getEpochSecond());
    }

    /** Objects too large for one event, published as their fail-closed stub. */
    @Override
    public void truncated(String cluster, String kind) {
      Counter.builder("fenceline.ingest.truncated.objects")
          .description("objects too large for one event, published as their fail-closed stub")
          .tags("cluster", cluster, "kind", kind)
          .register(registry)
          .increment();
    }

    @Override
    public void kindServed(String cluster, String kind, boolean served) {
      counts.kindServed(cluster, kind, served);
      this.served
          .computeIfAbsent(
              cluster + "/" + kind,
              k ->
                  gauge(
                      "fenceline.ingest.kind.served",
                      "1 while the cluster's API server serves the kind, 0 while it does not (its"
                          + " CRD is not installed)",
                      cluster,
                      kind))
          .set(served ? 1 : 0);
    }

    private AtomicLong gauge(String name, String description, String cluster, String kind) {
      AtomicLong v = new AtomicLong();
      Gauge.builder(name, v, AtomicLong::get)
          .description(description)
          .tags("cluster", cluster, "kind", kind)
          .register(registry);
      return v;
    }

    @Override
    public Snapshot snapshot() {
      return counts.snapshot();
    }
  }
}
