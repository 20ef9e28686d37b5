package io.fenceline.cli.io;

import io.fenceline.cli.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Standard Kafka client properties from a file ({@code --kafka-config}): {@code security.protocol},
 * {@code ssl.*}, {@code sasl.*} and the rest, passed to every client a command creates (producers,
 * consumers, admin, Kafka Streams), so TLS and SASL work as with any Kafka tool.
 */
public final class KafkaClientConfig {
  private KafkaClientConfig() {}

  public static Map<String, Object> load(Path file) {
    if (file == null) {
      return Map.of();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new BadInputException(
          file + ": cannot read Kafka client properties: " + e.getMessage());
    }
    Map<String, Object> out = new TreeMap<>();
    p.forEach((k, v) -> out.put(k.toString(), v.toString()));
    out.remove("bootstrap.servers"); // --bootstrap-servers (or the embedded broker) decides
    return out;
  }

  /** The properties plus the bootstrap address, for an Admin client. */
  public static Map<String, Object> withBootstrap(Map<String, Object> props, String bootstrap) {
    Map<String, Object> out = new TreeMap<>(props);
    out.put("bootstrap.servers", bootstrap);
    return out;
  }
}
