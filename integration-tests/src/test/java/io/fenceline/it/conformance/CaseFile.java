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
    List<Step> steps,
    List<Integer> probePorts) {

  /** The ports every host serves and the full probe matrix covers when a case names none. */
  public static final List<Integer> DEFAULT_PROBE_PORTS = List.of(80, 81);

  public CaseFile(
      String name,
      String upstream,
      String model,
      Map<String, Map<String, String>> namespaces,
      List<PodDecl> pods,
      List<External> externals,
      List<Step> steps) {
    this(name, upstream, model, namespaces, pods, externals, steps, null);
  }

  /**
   * The ports every host of this case serves (TCP and UDP) and the full probe matrix covers: {@code
   * probePorts}, or 80 and 81.
   */
  public List<Integer> ports() {
    return probePorts == null || probePorts.isEmpty() ? DEFAULT_PROBE_PORTS : probePorts;
  }

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
      List<Expectation> expect,
      String upstream,
      List<Check> checks) {
    public Step(
        String name,
        List<LabelChange> setLabels,
        List<String> delete,
        String apply,
        List<String> deletePods,
        List<PodDecl> createPods,
        List<Expectation> expect) {
      this(name, setLabels, delete, apply, deletePods, createPods, expect, null, null);
    }
  }

  /**
   * New labels for one pod, namespace or node (a node keeps the labels its kubelet sets: {@code
   * kubernetes.io/hostname}, {@code kubernetes.io/os}, {@code kubernetes.io/arch}).
   */
  public record LabelChange(
      String pod, String namespace, String node, Map<String, String> labels) {}

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

  /**
   * A sparse expectation: the connection from one pod (or external host) to another on one port and
   * protocol is {@code allowed} or not. {@code upstreamAllowed} only documents upstream's own
   * expectation where a case deliberately expects otherwise (a feature fenceline fails closed).
   */
  public record Check(
      String from,
      String to,
      Integer port,
      String protocol,
      Boolean allowed,
      Boolean upstreamAllowed) {
    @Override
    public String toString() {
      return from + " -> " + to + " " + protocol + "/" + port;
    }
  }
}
