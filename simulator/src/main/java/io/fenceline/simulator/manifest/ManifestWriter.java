package io.fenceline.simulator.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.fleet.Change;
import io.fenceline.fleet.Fleet;
import io.fenceline.fleet.SimCluster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a fleet as manifests: one folder per cluster ({@code DIR/<cluster>/fleet.json}, a {@code
 * List} of every Namespace, Node, Pod and NetworkPolicy), which {@code fenceline compile
 * --manifests DIR/<cluster>} and {@code fenceline ingest --manifests} read as that cluster's whole
 * state.
 */
public final class ManifestWriter {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ManifestWriter() {}

  /** Returns the folders written, one per cluster. */
  public static List<Path> write(Fleet fleet, Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (SimCluster c : fleet.clusters()) {
      Path folder = Files.createDirectories(dir.resolve(c.name()));
      ObjectNode list = JSON.createObjectNode();
      list.put("apiVersion", "v1");
      list.put("kind", "List");
      ArrayNode items = list.putArray("items");
      for (Change change : c.snapshot()) {
        items.add(change.object());
      }
      try (OutputStream o = Files.newOutputStream(folder.resolve("fleet.json"))) {
        JSON.writeValue(o, list);
      }
      out.add(folder);
    }
    return out;
  }
}
