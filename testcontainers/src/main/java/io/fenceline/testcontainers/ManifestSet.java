package io.fenceline.testcontainers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The manifests a container reads, gathered from files, folders, classpath resources and fabric8
 * objects into one flat set of documents (copied to one folder in the container). Files are read at
 * once, so later edits on the host do not change what a started container enforces.
 */
final class ManifestSet {
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  /** File name in the container → content; names are numbered in the order things were added. */
  private final Map<String, byte[]> files = new LinkedHashMap<>();

  void addPath(Path path) {
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path p : walk.filter(ManifestSet::isManifest).sorted().toList()) {
          add(p.getFileName().toString(), read(p));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read manifests under " + path, e);
      }
    } else if (Files.isRegularFile(path)) {
      add(path.getFileName().toString(), read(path));
    } else {
      throw new IllegalArgumentException("no manifest file or folder at " + path);
    }
  }

  /** A resource file or folder on the classpath (in a folder or a jar). */
  void addClasspathResource(String resource) {
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    URL url = (loader != null ? loader : ManifestSet.class.getClassLoader()).getResource(name);
    if (url == null) {
      throw new IllegalArgumentException("no classpath resource " + resource);
    }
    try {
      URI uri = url.toURI();
      if (!uri.getScheme().equals("jar")) {
        addPath(Path.of(uri));
        return;
      }
      FileSystem opened = null;
      try {
        FileSystems.getFileSystem(uri);
      } catch (FileSystemNotFoundException e) {
        opened = FileSystems.newFileSystem(uri, Map.of());
      }
      try {
        addPath(Path.of(uri));
      } finally {
        if (opened != null) {
          opened.close();
        }
      }
    } catch (URISyntaxException | IOException e) {
      throw new IllegalArgumentException("cannot read classpath resource " + resource, e);
    }
  }

  void addObjects(List<? extends HasMetadata> objects) {
    StringBuilder yaml = new StringBuilder();
    for (HasMetadata o : objects) {
      yaml.append(Serialization.asYaml(o));
      if (yaml.charAt(yaml.length() - 1) != '\n') {
        yaml.append('\n');
      }
    }
    add("objects.yaml", yaml.toString().getBytes(StandardCharsets.UTF_8));
  }

  boolean isEmpty() {
    return files.isEmpty();
  }

  Map<String, byte[]> files() {
    return Map.copyOf(files);
  }

  /**
   * Every port number the manifests name (containerPort, a policy's port): the pods' agents serve
   * these, so a connection attempt to them meets a listener when the rules let it through.
   */
  TreeSet<Integer> ports() {
    TreeSet<Integer> ports = new TreeSet<>();
    for (byte[] content : files.values()) {
      try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(content)) {
        while (docs.hasNext()) {
          collectPorts(docs.next(), ports);
        }
      } catch (RuntimeException e) {
        // not YAML we can read: fenceline itself reports it when the container starts
      }
    }
    return ports;
  }

  private static void collectPorts(JsonNode n, TreeSet<Integer> ports) {
    if (n == null) {
      return;
    }
    if (n.isObject()) {
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        String k = e.getKey();
        JsonNode v = e.getValue();
        if ((k.equals("containerPort") || k.equals("port")) && v.isInt()) {
          int p = v.intValue();
          if (p > 0 && p < 65536) {
            ports.add(p);
          }
        } else {
          collectPorts(v, ports);
        }
      }
    } else if (n.isArray()) {
      n.values().forEach(v -> collectPorts(v, ports));
    }
  }

  private void add(String fileName, byte[] content) {
    String base = fileName.replaceAll("[^A-Za-z0-9_.-]", "_");
    if (!isManifestName(base)) {
      base = base + ".yaml";
    }
    files.put(String.format("%03d-%s", files.size(), base), content);
  }

  private static boolean isManifest(Path p) {
    return Files.isRegularFile(p) && isManifestName(p.getFileName().toString());
  }

  private static boolean isManifestName(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }
}
