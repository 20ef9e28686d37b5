package io.fenceline.cli.io;

import io.fenceline.core.render.NodePayload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes node payloads as {@code DIR/<node>/{ipset,iptables,ip6tables}.restore}. Each file is
 * replaced atomically (write, then rename); node folders from an earlier run that are no longer
 * nodes are removed (only folders that hold fenceline payload files, nothing else in DIR).
 */
public final class PayloadWriter {
  public static final List<String> FILES =
      List.of("ipset.restore", "iptables.restore", "ip6tables.restore");

  private PayloadWriter() {}

  public static void write(Path dir, Collection<NodePayload> payloads) {
    Set<String> nodes = new HashSet<>();
    for (NodePayload p : payloads) {
      nodes.add(p.node());
      writeNode(dir, p);
    }
    removeOtherNodes(dir, nodes);
  }

  /**
   * Removes node folders of an earlier run that are not among {@code nodes} (only folders that hold
   * fenceline payload files; nothing else in {@code dir} is touched).
   */
  public static void removeOtherNodes(Path dir, Collection<String> nodes) {
    Set<String> keep = new HashSet<>(nodes);
    try {
      Files.createDirectories(dir);
      try (Stream<Path> s = Files.list(dir)) {
        for (Path child : s.toList()) {
          if (Files.isDirectory(child)
              && !keep.contains(child.getFileName().toString())
              && isPayloadDir(child)) {
            deleteTree(child);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot write payloads: " + e.getMessage(), e);
    }
  }

  /**
   * Writes one node's payload (each file replaced atomically), leaving other nodes' folders alone.
   */
  public static void writeNode(Path dir, NodePayload p) {
    try {
      Path nodeDir = dir.resolve(p.node());
      Files.createDirectories(nodeDir);
      replace(nodeDir.resolve("ipset.restore"), p.ipsetRestore());
      replace(nodeDir.resolve("iptables.restore"), p.iptablesRestore());
      replace(nodeDir.resolve("ip6tables.restore"), p.ip6tablesRestore());
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot write payloads: " + e.getMessage(), e);
    }
  }

  private static boolean isPayloadDir(Path d) {
    return FILES.stream().anyMatch(f -> Files.isRegularFile(d.resolve(f)));
  }

  private static void replace(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteTree(Path d) throws IOException {
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
