package io.fenceline.ingest;

import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.kafka.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One real embedded broker and one real engine for all integration tests of this JVM (each test
 * uses its own cluster ids, so they do not see each other's state). Stopped at JVM exit.
 */
final class ItEnvironment {
  static final int EVENT_PARTITIONS = 3;
  static final int FACT_PARTITIONS = 4;
  private static ItEnvironment instance;

  final Path dir;
  final EmbeddedKafka kafka;
  final Engine engine;

  private ItEnvironment(Path dir, EmbeddedKafka kafka, Engine engine) {
    this.dir = dir;
    this.kafka = kafka;
    this.engine = engine;
  }

  static synchronized ItEnvironment get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("fenceline-ingest-it");
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Topics.Layout d = Topics.Layout.defaults();
        Engine engine =
            Engine.start(
                new EngineConfig(
                    kafka.bootstrapServers(),
                    "ingest-it-engine",
                    dir.resolve("engine-state"),
                    layout(),
                    Map.of()));
        instance = new ItEnvironment(dir, kafka, engine);
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      engine.close();
                      kafka.close();
                    },
                    "ingest-it-teardown"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  static Topics.Layout layout() {
    Topics.Layout d = Topics.Layout.defaults();
    return new Topics.Layout(
        EVENT_PARTITIONS, FACT_PARTITIONS, d.eventRetentionMs(), d.deadLetterRetentionMs());
  }

  String bootstrap() {
    return kafka.bootstrapServers();
  }
}
