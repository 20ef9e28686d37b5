package io.fenceline.sandbox;

import io.fenceline.applier.kernel.CommandFailedException;
import io.fenceline.applier.kernel.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds and removes what earlier runs left behind.
 *
 * <p>Scheme: before a lab creates anything it writes an owner marker {@code
 * /run/fenceline-netns-lab/<prefix>.owner} holding its JVM's pid and start time; every namespace it
 * creates is named {@code fl-<prefix>-...}. At every start, all namespaces matching {@code
 * fl-<p>-...} whose marker is missing, or names a process that is no longer running (pid plus start
 * time, so a reused pid does not count), are deleted together with any process still inside them
 * (agents of a killed JVM exit on their own when their stdin closes; this is the backstop). Labs of
 * other live JVMs are left alone. {@code close()} deletes the namespaces first and the marker last,
 * so a crash at any point leaves either nothing or namespaces with a dead (or missing) owner. /run
 * is a tmpfs: a reboot clears both.
 */
public final class LabJanitor {

  public static final Path MARKER_DIR = Path.of("/run/fenceline-netns-lab");

  private LabJanitor() {}

  /**
   * Removes orphans of any prefix, then claims {@code prefix} for this JVM (fails if a live JVM
   * owns it).
   */
  public static void sweepAndClaim(String prefix) {
    TreeMap<String, List<String>> byPrefix = labNamespacesByPrefix();
    for (var e : byPrefix.entrySet()) {
      String p = e.getKey();
      if (!p.equals(prefix) && !ownerAlive(p)) {
        removeNamespaces(e.getValue());
        deleteMarker(p);
      }
    }
    Optional<String> owner = readMarker(prefix);
    if (owner.isPresent() && ownerAlive(prefix) && !owner.get().equals(selfToken())) {
      throw new IllegalStateException(
          "lab prefix '"
              + prefix
              + "' is in use by a running process ("
              + owner.get()
              + "); choose another prefix");
    }
    writeMarker(prefix);
    removeNamespaces(byPrefix.getOrDefault(prefix, List.of()));
  }

  /** Deletes every namespace of {@code prefix}, then its marker. */
  public static void release(String prefix) {
    removeNamespaces(labNamespacesByPrefix().getOrDefault(prefix, List.of()));
    deleteMarker(prefix);
  }

  public static List<String> namespacesOf(String prefix) {
    return labNamespacesByPrefix().getOrDefault(prefix, List.of());
  }

  public static List<String> allNamespaces() {
    List<String> names = new ArrayList<>();
    for (String line : CommandRunner.onHost().check("ip", "netns", "list").split("\n")) {
      String name = line.strip().split("\\s+")[0];
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  private static TreeMap<String, List<String>> labNamespacesByPrefix() {
    TreeMap<String, List<String>> byPrefix = new TreeMap<>();
    for (String ns : new TreeSet<>(allNamespaces())) {
      LabNames.prefixOf(ns)
          .ifPresent(p -> byPrefix.computeIfAbsent(p, k -> new ArrayList<>()).add(ns));
    }
    return byPrefix;
  }

  private static void removeNamespaces(List<String> namespaces) {
    for (String ns : namespaces) {
      CommandRunner.Result pids =
          CommandRunner.onHost().attempt(List.of("ip", "netns", "pids", ns), null);
      for (String pid : pids.stdout().split("\\s+")) {
        if (pid.matches("\\d+")) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      CommandRunner.Result r =
          CommandRunner.onHost().attempt(List.of("ip", "netns", "del", ns), null);
      if (r.exitCode() != 0 && allNamespaces().contains(ns)) {
        throw new CommandFailedException(
            List.of("ip", "netns", "del", ns), r.exitCode(), r.stderr());
      }
    }
  }

  private static boolean ownerAlive(String prefix) {
    Optional<String> token = readMarker(prefix);
    if (token.isEmpty()) {
      return false;
    }
    String[] parts = token.get().split(" ", 2);
    try {
      return ProcessHandle.of(Long.parseLong(parts[0]))
          .map(LabJanitor::token)
          .filter(t -> t.equals(token.get()))
          .isPresent();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String selfToken() {
    return token(ProcessHandle.current());
  }

  private static String token(ProcessHandle ph) {
    return ph.pid() + " " + ph.info().startInstant().map(Object::toString).orElse("?");
  }

  private static Path marker(String prefix) {
    return MARKER_DIR.resolve(prefix + ".owner");
  }

  private static Optional<String> readMarker(String prefix) {
    try {
      return Optional.of(Files.readString(marker(prefix), StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeMarker(String prefix) {
    try {
      Files.createDirectories(MARKER_DIR);
      Files.writeString(marker(prefix), selfToken() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteMarker(String prefix) {
    try {
      Files.deleteIfExists(marker(prefix));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
