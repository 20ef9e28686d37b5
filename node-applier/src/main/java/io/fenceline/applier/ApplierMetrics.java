package io.fenceline.applier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The applier's metrics, all prefixed {@code fenceline.applier}. */
final class ApplierMetrics {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final AtomicLong appliedOffset = new AtomicLong(-1);
  final AtomicLong lag = new AtomicLong(-1);
  final AtomicLong rules = new AtomicLong();
  final AtomicLong setMembers = new AtomicLong();
  final Timer applyDuration;
  final Counter applyFailures;
  final Counter driftRepairs;
  final Counter bootRetries;
  final Counter applies;

  ApplierMetrics(String cluster, String node) {
    String[] tags = {"cluster", cluster, "node", node};
    Gauge.builder("fenceline.applier.applied.offset", appliedOffset, AtomicLong::get)
        .tags(tags)
        .register(registry);
    Gauge.builder("fenceline.applier.lag", lag, AtomicLong::get)
        .tags(tags)
        .description("records of the node's partition not yet applied")
        .register(registry);
    Gauge.builder("fenceline.applier.rules", rules, AtomicLong::get).tags(tags).register(registry);
    Gauge.builder("fenceline.applier.set.members", setMembers, AtomicLong::get)
        .tags(tags)
        .register(registry);
    applyDuration =
        Timer.builder("fenceline.applier.apply.duration")
            .tags(tags)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    applyFailures =
        Counter.builder("fenceline.applier.apply.failures").tags(tags).register(registry);
    driftRepairs = Counter.builder("fenceline.applier.drift.repairs").tags(tags).register(registry);
    bootRetries = Counter.builder("fenceline.applier.boot.retries").tags(tags).register(registry);
    applies = Counter.builder("fenceline.applier.applies").tags(tags).register(registry);
  }
}
