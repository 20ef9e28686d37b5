package io.fenceline.sandbox;

import io.fenceline.applier.kernel.CommandRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lab's handle on one {@link ProbeAgent}: starts it in a namespace, sends probes, matches
 * answers.
 */
final class AgentProcess implements AutoCloseable {

  /** One answer line: ok = the agent got a reply (which may still be the wrong identity). */
  record Answer(boolean ok, long millis, String text) {}

  private final String hostId;
  private final Process process;
  private final OutputStream stdin;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final Map<Long, CompletableFuture<Answer>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private volatile IllegalStateException gone;

  private AgentProcess(String hostId, Process process) {
    this.hostId = hostId;
    this.process = process;
    this.stdin = process.getOutputStream();
    thread("agent-out-" + hostId, this::readStdout);
    thread("agent-err-" + hostId, this::readStderr);
  }

  static AgentProcess start(String netns, String hostId, String classpath) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        CommandRunner.inNetns(netns)
            .commandLine(
                List.of(
                    java,
                    "-Xmx24m",
                    "-Xss256k",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-XX:-UsePerfData",
                    "-D"
                        + ProbeAgent.PORTS_PROPERTY
                        + "="
                        + System.getProperty(ProbeAgent.PORTS_PROPERTY, "80,81"),
                    "-cp",
                    classpath,
                    ProbeAgent.class.getName(),
                    hostId));
    try {
      return new AgentProcess(hostId, new ProcessBuilder(cmd).start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start agent " + hostId + ": " + e, e);
    }
  }

  void awaitReady(long timeoutMs) {
    try {
      ready.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "agent "
              + hostId
              + " not ready after "
              + timeoutMs
              + " ms: "
              + e
              + "; stderr: "
              + stderrTail(),
          e);
    }
  }

  long pid() {
    return process.pid();
  }

  CompletableFuture<Answer> send(String protocol, String address, int port) {
    long id = ids.incrementAndGet();
    CompletableFuture<Answer> f = new CompletableFuture<>();
    pending.put(id, f);
    if (gone != null) {
      pending.remove(id);
      f.completeExceptionally(gone);
      return f;
    }
    try {
      synchronized (stdin) {
        stdin.write(
            (id + " " + protocol + " " + address + " " + port + "\n")
                .getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      }
    } catch (IOException e) {
      pending.remove(id);
      f.completeExceptionally(
          new IllegalStateException(
              "agent " + hostId + " gone: " + e + "; stderr: " + stderrTail(), e));
    }
    return f;
  }

  /** Closes stdin (the agent exits by itself), then kills the pid if it lingers. */
  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // already gone
    }
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(2, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void readStdout() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.equals("ready")) {
          ready.complete(null);
          continue;
        }
        String[] t = line.split(" ", 4);
        CompletableFuture<Answer> f =
            t.length >= 3 && t[0].matches("\\d+") ? pending.remove(Long.parseLong(t[0])) : null;
        if (f != null) {
          f.complete(new Answer("OK".equals(t[1]), Long.parseLong(t[2]), t.length > 3 ? t[3] : ""));
        } else {
          synchronized (stderrTail) {
            remember("stdout: " + line);
          }
        }
      }
    } catch (IOException ignored) {
      // process ended
    }
    gone = new IllegalStateException("agent " + hostId + " exited; stderr: " + stderrTail());
    ready.completeExceptionally(gone);
    for (Long id : List.copyOf(pending.keySet())) {
      CompletableFuture<Answer> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(gone);
      }
    }
  }

  private void readStderr() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (stderrTail) {
          remember(line);
        }
      }
    } catch (IOException ignored) {
      // process ended
    }
  }

  private void remember(String line) {
    stderrTail.addLast(line);
    while (stderrTail.size() > 20) {
      stderrTail.removeFirst();
    }
  }

  private String stderrTail() {
    synchronized (stderrTail) {
      return String.join(" | ", stderrTail);
    }
  }

  private static void thread(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }
}
