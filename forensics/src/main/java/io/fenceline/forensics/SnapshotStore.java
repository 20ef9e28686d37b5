package io.fenceline.forensics;

import io.fenceline.core.history.Snapshot;
import io.fenceline.core.history.SnapshotFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Snapshot files of clusters' input state, one folder per cluster: {@code
 * DIR/<cluster>/<nextOffset, 20 digits>.snapshot.gz}, gzip'd JSON lines (see {@link Snapshot}).
 * Written to a temporary file and moved into place, so a reader never sees half a snapshot. An
 * unreadable file is reported by name and left out, never silently used.
 */
public final class SnapshotStore {
  private static final String SUFFIX = ".snapshot.gz";

  private final Path dir;

  /** A snapshot file and its header. */
  public record Stored(Path file, Snapshot.Header header) {}

  public SnapshotStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Path write(Snapshot s) throws IOException {
    Path folder = dir.resolve(s.cluster());
    Files.createDirectories(folder);
    Path file = folder.resolve(String.format("%020d", s.nextOffset()) + SUFFIX);
    Path tmp = Files.createTempFile(folder, ".writing-", SUFFIX);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
      out.write(s.encode());
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /**
   * Every readable snapshot of {@code cluster}, oldest first; {@code problems} gets the unreadable
   * ones.
   */
  public List<Stored> list(String cluster, List<String> problems) {
    Path folder = dir.resolve(cluster);
    List<Stored> out = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return out;
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f :
          files
              .filter(
                  p ->
                      p.getFileName().toString().endsWith(SUFFIX)
                          && !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList()) {
        try {
          out.add(new Stored(f, Snapshot.header(firstLine(f))));
        } catch (IOException | SnapshotFormatException e) {
          problems.add(f + ": unreadable snapshot, not used: " + e.getMessage());
        }
      }
    } catch (IOException e) {
      problems.add(folder + ": cannot list snapshots: " + e.getMessage());
    }
    out.sort(Comparator.comparingLong(s -> s.header().nextOffset()));
    return out;
  }

  /** The newest snapshot whose last event was observed at or before {@code t}, or null. */
  public Stored nearest(String cluster, Instant t, List<String> problems) {
    Stored best = null;
    for (Stored s : list(cluster, problems)) {
      Instant at = s.header().observedAt();
      if (at != null && !at.isAfter(t)) {
        best = s;
      }
    }
    return best;
  }

  public Snapshot read(Stored s) throws IOException, SnapshotFormatException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(s.file()), 1 << 16)) {
      return Snapshot.decode(in.readAllBytes());
    } catch (SnapshotFormatException e) {
      throw new SnapshotFormatException(s.file() + ": " + e.getMessage());
    }
  }

  private static String firstLine(Path f) throws IOException {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8))) {
      String line = r.readLine();
      if (line == null) {
        throw new IOException("empty");
      }
      return line;
    }
  }
}
