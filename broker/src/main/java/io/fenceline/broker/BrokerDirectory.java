package io.fenceline.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How commands find the embedded broker of a data dir: a running broker publishes {@code
 * <dataDir>/broker.json} ({@code {"bootstrapServers": "127.0.0.1:PORT", "pid": N, "startedAt":
 * "..."}}) and removes it when it closes cleanly; it holds an exclusive lock on {@code
 * <dataDir>/broker.lock} for its whole life, so two processes never run brokers on the same data
 * dir.
 */
public final class BrokerDirectory {
  public static final String FILE_NAME = "broker.json";
  public static final String LOCK_NAME = "broker.lock";

  private static final Pattern BOOTSTRAP =
      Pattern.compile("\"bootstrapServers\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");
  private static final Pattern STARTED = Pattern.compile("\"startedAt\"\\s*:\\s*\"([^\"]*)\"");
  private static final int CONNECT_TIMEOUT_MS = 500;

  private BrokerDirectory() {}

  /** The contents of a {@code broker.json}; it may be stale (see {@link #isLive()}). */
  public record Entry(String bootstrapServers, long pid, Instant startedAt) {
    /** True when the process that wrote it is alive and the broker's port accepts connections. */
    public boolean isLive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          && answers(bootstrapServers);
    }

    String toJson() {
      return "{\"bootstrapServers\": \""
          + bootstrapServers
          + "\", \"pid\": "
          + pid
          + ", \"startedAt\": \""
          + startedAt
          + "\"}\n";
    }
  }

  /** {@code <dataDir>/broker.json}. */
  public static Path file(Path dataDir) {
    return dataDir.resolve(FILE_NAME);
  }

  /**
   * The bootstrap address of the broker running for {@code dataDir}, if one is: its {@code
   * broker.json} exists, the process that wrote it is alive and its port answers. A stale file is
   * ignored.
   */
  public static Optional<String> lookup(Path dataDir) {
    return read(dataDir).filter(Entry::isLive).map(Entry::bootstrapServers);
  }

  /**
   * The raw {@code broker.json} of {@code dataDir}, live or stale; empty when missing or
   * unreadable.
   */
  public static Optional<Entry> read(Path dataDir) {
    String json;
    try {
      json = Files.readString(file(dataDir), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
    Matcher b = BOOTSTRAP.matcher(json);
    Matcher p = PID.matcher(json);
    if (!b.find() || !p.find() || b.group(1).isBlank()) {
      return Optional.empty();
    }
    Instant started = Instant.EPOCH;
    Matcher s = STARTED.matcher(json);
    if (s.find()) {
      try {
        started = Instant.parse(s.group(1));
      } catch (DateTimeParseException ignored) {
        // keep EPOCH: the time is informational
      }
    }
    try {
      return Optional.of(new Entry(b.group(1), Long.parseLong(p.group(1)), started));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits up to {@code timeout} for a broker of {@code dataDir} to become reachable (for example
   * one that another process is starting right now).
   */
  public static Optional<String> awaitRunning(Path dataDir, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<String> found = lookup(dataDir);
      if (found.isPresent() || System.nanoTime() - deadline >= 0) {
        return found;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  /** True while some broker (in this or another process) holds the data dir's lock. */
  public static boolean isLocked(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      return false;
    }
    Optional<Lock> lock = tryLock(dataDir);
    lock.ifPresent(Lock::close);
    return lock.isEmpty();
  }

  static void publish(Path dataDir, String bootstrapServers) {
    Entry entry = new Entry(bootstrapServers, ProcessHandle.current().pid(), Instant.now());
    Path target = file(dataDir);
    Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
    try {
      Files.writeString(tmp, entry.toJson(), StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException atomicNotSupported) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  static void withdraw(Path dataDir) {
    try {
      Files.deleteIfExists(file(dataDir));
    } catch (IOException e) {
      // a stale file is harmless: lookups check the pid and the port
    }
  }

  /** Tries once to take the data dir's exclusive lock. */
  static Optional<Lock> tryLock(Path dataDir) {
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel =
          FileChannel.open(
              dataDir.resolve(LOCK_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        return Optional.empty();
      }
      return Optional.of(new Lock(channel, lock));
    } catch (OverlappingFileLockException heldInThisJvm) {
      closeQuietly(channel);
      return Optional.empty();
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + dataDir.resolve(LOCK_NAME), e);
    }
  }

  /**
   * Takes the lock, retrying for {@code patience} (a concurrent {@link #isLocked} probe holds it
   * briefly).
   */
  static Optional<Lock> tryLock(Path dataDir, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      Optional<Lock> lock = tryLock(dataDir);
      if (lock.isPresent() || System.nanoTime() - deadline >= 0) {
        return lock;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  static boolean answers(String bootstrapServers) {
    String first = bootstrapServers.split(",")[0].trim();
    int colon = first.lastIndexOf(':');
    if (colon <= 0) {
      return false;
    }
    String host = first.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(first.substring(colon + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  /** The held lock of a data dir; closing releases it. */
  static final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
      closeQuietly(channel);
    }
  }
}
