package io.fenceline.applier.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs kernel tools (ip, iptables, ipset, conntrack), optionally inside a network namespace ({@code
 * ip netns exec NS ...}), feeding stdin and collecting both outputs. The one place the applier
 * starts processes, and the one the sandbox builds its network namespaces with.
 */
public final class CommandRunner {
  /** How long a tool may run unless a runner is given another bound. */
  public static final long DEFAULT_TIMEOUT_SECONDS = 60;

  /** The result of a command that ran to completion. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private final String netns;
  private final long timeoutSeconds;

  public CommandRunner(String netns, long timeoutSeconds) {
    this.netns = netns;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** Runs on this host, with the default timeout. */
  public static CommandRunner onHost() {
    return new CommandRunner(null, DEFAULT_TIMEOUT_SECONDS);
  }

  /** Runs inside network namespace {@code netns}, with the default timeout. */
  public static CommandRunner inNetns(String netns) {
    return new CommandRunner(netns, DEFAULT_TIMEOUT_SECONDS);
  }

  /**
   * Runs to completion whatever the exit code; throws {@link CommandFailedException} only when the
   * tool cannot start (exit 127), times out or the wait is interrupted (exit -1).
   */
  public Result run(List<String> command, String stdin) {
    return execute(commandLine(command), stdin, null);
  }

  /**
   * Runs the commands (no input) at the same time, at most {@link #MAX_PARALLEL} at once, and
   * returns their results in order, as {@link #run} would; the first that cannot start or times out
   * is thrown after all have ended.
   */
  public List<Result> runAll(List<List<String>> commands) {
    List<Result> out = new ArrayList<>();
    for (int from = 0; from < commands.size(); from += MAX_PARALLEL) {
      List<CompletableFuture<Result>> running = new ArrayList<>();
      for (List<String> c :
          commands.subList(from, Math.min(commands.size(), from + MAX_PARALLEL))) {
        running.add(CompletableFuture.supplyAsync(() -> run(c, null), WAITERS));
      }
      CommandFailedException failed = null;
      for (CompletableFuture<Result> f : running) {
        try {
          out.add(f.join());
        } catch (java.util.concurrent.CompletionException e) {
          if (e.getCause() instanceof CommandFailedException c && failed == null) {
            failed = c;
          } else if (!(e.getCause() instanceof CommandFailedException)) {
            throw e;
          }
        }
      }
      if (failed != null) {
        throw failed;
      }
    }
    return out;
  }

  /** How many processes {@link #runAll} runs at once. */
  public static final int MAX_PARALLEL = 16;

  private static final java.util.concurrent.ExecutorService WAITERS =
      java.util.concurrent.Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fenceline-command");
            t.setDaemon(true);
            return t;
          });

  /**
   * Runs and returns whatever happened, never throwing: a tool that cannot start exits 127, a
   * timeout -1.
   */
  public Result attempt(List<String> command, String stdin) {
    try {
      return run(command, stdin);
    } catch (CommandFailedException e) {
      return new Result(e.exitCode(), "", e.stderr());
    }
  }

  /** Runs and requires exit 0. */
  public String check(List<String> command, String stdin) {
    Result r = run(command, stdin);
    if (r.exitCode() != 0) {
      throw new CommandFailedException(
          commandLine(command),
          r.exitCode(),
          r.stderr().isBlank() ? r.stdout() : r.stderr(),
          stdin);
    }
    return r.stdout();
  }

  /** Runs with no input and requires exit 0. */
  public String check(String... command) {
    return check(List.of(command), null);
  }

  /** Runs with stdin read from {@code file} (shown as {@code < file}) and requires exit 0. */
  public String checkWithInputFile(List<String> command, Path file) {
    List<String> shown = new ArrayList<>(commandLine(command));
    shown.addAll(List.of("<", file.toString()));
    Result r = execute(commandLine(command), null, file);
    if (r.exitCode() != 0) {
      throw new CommandFailedException(
          shown, r.exitCode(), r.stderr().isBlank() ? r.stdout() : r.stderr());
    }
    return r.stdout();
  }

  /**
   * The full command line: {@code command}, prefixed with {@code ip netns exec NS} for a namespace.
   */
  public List<String> commandLine(List<String> command) {
    List<String> full = new ArrayList<>();
    if (netns != null) {
      full.addAll(List.of("ip", "netns", "exec", netns));
    }
    full.addAll(command);
    return full;
  }

  private Result execute(List<String> full, String stdin, Path stdinFile) {
    ProcessBuilder builder = new ProcessBuilder(full);
    if (stdinFile != null) {
      builder.redirectInput(stdinFile.toFile());
    }
    Process p;
    try {
      p = builder.start();
    } catch (IOException e) {
      throw new CommandFailedException(full, 127, "cannot start: " + e.getMessage());
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The tool closed its input early; its exit code and stderr say why.
    }
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new CommandFailedException(full, -1, "timed out after " + timeoutSeconds + " s");
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandFailedException(full, -1, "interrupted");
    }
  }

  private static String read(InputStream s) {
    try (s) {
      return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
