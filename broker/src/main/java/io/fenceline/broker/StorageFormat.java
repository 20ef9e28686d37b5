package io.fenceline.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats a KRaft log dir with Kafka's own {@code org.apache.kafka.metadata.storage.Formatter} at
 * {@code MetadataVersion.LATEST_PRODUCTION}, as {@code kafka-storage.sh format} does.
 *
 * <p>Both classes live in kafka-metadata and kafka-server-common, which this module gets only at
 * runtime scope (through kafka_2.13), so they are called reflectively. With those two artifacts at
 * compile scope this becomes five plain method calls.
 */
final class StorageFormat {
  private static final Logger LOG = LoggerFactory.getLogger(StorageFormat.class);
  private static final String FORMATTER = "org.apache.kafka.metadata.storage.Formatter";
  private static final String METADATA_VERSION = "org.apache.kafka.server.common.MetadataVersion";

  private StorageFormat() {}

  static void format(Path logDir, String clusterId, int nodeId, String controllerListenerName)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      Class<?> formatterClass = Class.forName(FORMATTER);
      Class<?> versionClass = Class.forName(METADATA_VERSION);
      Object latestProduction = versionClass.getField("LATEST_PRODUCTION").get(null);
      Object f = formatterClass.getConstructor().newInstance();
      formatterClass.getMethod("setPrintStream", PrintStream.class).invoke(f, ps);
      formatterClass.getMethod("setNodeId", int.class).invoke(f, nodeId);
      formatterClass.getMethod("setClusterId", String.class).invoke(f, clusterId);
      formatterClass
          .getMethod("setDirectories", Collection.class)
          .invoke(f, List.of(logDir.toString()));
      formatterClass
          .getMethod("setMetadataLogDirectory", String.class)
          .invoke(f, logDir.toString());
      formatterClass
          .getMethod("setControllerListenerName", String.class)
          .invoke(f, controllerListenerName);
      formatterClass.getMethod("setReleaseVersion", versionClass).invoke(f, latestProduction);
      formatterClass.getMethod("setIgnoreFormatted", boolean.class).invoke(f, true);
      formatterClass.getMethod("run").invoke(f);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new IOException("formatting " + logDir + " failed: " + cause.getMessage(), cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "Kafka's storage Formatter is not usable on this classpath: " + e, e);
    } finally {
      for (String line : out.toString(StandardCharsets.UTF_8).split("\\R")) {
        if (!line.isBlank()) {
          LOG.debug("format: {}", line);
        }
      }
    }
  }
}
