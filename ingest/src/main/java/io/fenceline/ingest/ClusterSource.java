package io.fenceline.ingest;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which API server to watch and under which cluster id: a kubeconfig context ({@code a} → cluster
 * id {@code a}; {@code a=prod-eu} → cluster id {@code prod-eu}), the kubeconfig's current context,
 * or the in-cluster service account.
 */
public record ClusterSource(String clusterId, String description, Config config) {
  public ClusterSource {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(config, "config");
    if (clusterId.isBlank() || clusterId.contains("/")) {
      throw new IllegalArgumentException(
          "cluster id '" + clusterId + "' must be non-empty and contain no '/'");
    }
  }

  /** Thrown when a source cannot be configured (unknown context, no kubeconfig, not in a pod). */
  public static final class SourceException extends RuntimeException {
    public SourceException(String message) {
      super(message);
    }
  }

  /**
   * {@code spec} is {@code CONTEXT} or {@code CONTEXT=CLUSTER_ID}; {@code kubeconfig} null means
   * the default ({@code $KUBECONFIG} or {@code ~/.kube/config}).
   */
  public static ClusterSource context(String spec, Path kubeconfig) {
    int eq = spec.indexOf('=');
    String context = eq < 0 ? spec : spec.substring(0, eq);
    String clusterId = eq < 0 ? context : spec.substring(eq + 1);
    if (context.isBlank() || clusterId.isBlank()) {
      throw new SourceException("--context takes NAME or NAME=CLUSTER_ID, got '" + spec + "'");
    }
    Config config = load(context, kubeconfig);
    NamedContext current = config.getCurrentContext();
    if (current == null || !context.equals(current.getName())) {
      // fabric8 falls back to the current context when the named one is missing: never watch the
      // wrong cluster
      throw new SourceException(
          "context '"
              + context
              + "' is not in "
              + where(kubeconfig)
              + " (contexts: "
              + contexts(config)
              + ")");
    }
    return new ClusterSource(clusterId, "context " + context, config);
  }

  /**
   * The kubeconfig's current context; the cluster id is {@code clusterIdOrNull} or the context's
   * name.
   */
  public static ClusterSource currentContext(Path kubeconfig, String clusterIdOrNull) {
    Config config = load(null, kubeconfig);
    NamedContext current = config.getCurrentContext();
    if (current == null) {
      throw new SourceException(
          where(kubeconfig) + " has no current context: name one with --context");
    }
    return new ClusterSource(
        clusterIdOrNull != null ? clusterIdOrNull : current.getName(),
        "context " + current.getName(),
        config);
  }

  /** The service account of the pod this runs in. */
  public static ClusterSource inCluster(String clusterId) {
    if (System.getenv("KUBERNETES_SERVICE_HOST") == null
        && System.getProperty("kubernetes.service.host") == null) {
      throw new SourceException(
          "--in-cluster: not running in a pod (KUBERNETES_SERVICE_HOST is not set)");
    }
    // the service account only: a kubeconfig that happens to be around must not win
    System.setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
    Config config = Config.autoConfigure(null);
    return new ClusterSource(clusterId, "in-cluster service account", config);
  }

  private static Config load(String context, Path kubeconfig) {
    if (kubeconfig != null) {
      if (!Files.isRegularFile(kubeconfig)) {
        throw new SourceException(kubeconfig + ": no such kubeconfig file");
      }
      try {
        return Config.fromKubeconfig(context, new File(kubeconfig.toString()));
      } catch (RuntimeException e) {
        throw new SourceException(kubeconfig + ": not a readable kubeconfig: " + e.getMessage());
      }
    }
    List<String> files = List.copyOf(Config.getKubeconfigFilenames());
    if (files.stream().noneMatch(f -> Files.isRegularFile(Path.of(f)))) {
      throw new SourceException(
          "no kubeconfig found ("
              + String.join(", ", files)
              + "): use --kubeconfig or --in-cluster");
    }
    return Config.autoConfigure(context);
  }

  private static String where(Path kubeconfig) {
    return kubeconfig != null
        ? kubeconfig.toString()
        : "the kubeconfig (" + String.join(", ", Config.getKubeconfigFilenames()) + ")";
  }

  private static String contexts(Config config) {
    if (config.getContexts() == null || config.getContexts().isEmpty()) {
      return "none";
    }
    return config.getContexts().stream()
        .map(NamedContext::getName)
        .sorted()
        .collect(Collectors.joining(", "));
  }
}
