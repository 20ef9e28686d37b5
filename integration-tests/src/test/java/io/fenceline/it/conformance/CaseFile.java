package io.fenceline.it.conformance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One conformance case file (format: {@code src/test/resources/cases/README.md}). */
@JsonIgnoreProperties(ignoreUnknown = false)
public record CaseFile(
    String name,
    String upstream,
    String model,
    Map<String, Map<String, String>> namespaces,
    List<PodDecl> pods,
    List<External> externals,
    List<Step> steps) {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static CaseFile read(Path file) {
    try {
      return YAML.readValue(file.toFile(), CaseFile.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not a valid case file: " + e.getMessage(), e);
    }
  }

  public record PodDecl(
      String name,
      String node,
      Map<String, String> labels,
      List<PortDecl> ports,
      Boolean hostNetwork,
      Boolean ipv6) {}

  public record PortDecl(String name, int containerPort, String protocol) {}

  public record External(String name, String ip) {}

  public record Step(
      String name,
      List<LabelChange> setLabels,
      List<String> delete,
      String apply,
      List<String> deletePods,
      List<PodDecl> createPods,
      List<Expectation> expect) {}

  public record LabelChange(String pod, String namespace, Map<String, String> labels) {}

  public record Expectation(
      int port,
      String protocol,
      @com.fasterxml.jackson.annotation.JsonProperty("default") Boolean defaultAllowed,
      List<Rule> rules) {
    public boolean allowedByDefault() {
      return defaultAllowed == null || defaultAllowed;
    }
  }

  public record Rule(String from, String to, boolean allowed) {}
}
