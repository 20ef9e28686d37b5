package io.fenceline.applier.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs kernel tools, optionally inside a network namespace ({@code ip netns exec NS ...}), feeding
 * stdin and collecting both outputs. The one place the applier starts processes.
 */
public final class CommandRunner {
  /** The result of a command that ran to completion. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private final String netns;
  private final long timeoutSeconds;

  public CommandRunner(String netns, long timeoutSeconds) {
    this.netns = netns;
    this.timeoutSeconds = timeoutSeconds;
  }

  public Result run(List<String> command, String stdin) {
    List<String> full = new ArrayList<>();
    if (netns != null) {
      full.addAll(List.of("ip", "netns", "exec", netns));
    }
    full.addAll(command);
    Process p;
    try {
      p = new ProcessBuilder(full).start();
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

  /** Runs and requires exit 0. */
  public String check(List<String> command, String stdin) {
    Result r = run(command, stdin);
    if (r.exitCode() != 0) {
      throw new CommandFailedException(prefixed(command), r.exitCode(), r.stderr().isBlank() ? r.stdout() : r.stderr(), stdin);
    }
    return r.stdout();
  }

  private List<String> prefixed(List<String> command) {
    List<String> full = new ArrayList<>();
    if (netns != null) {
      full.addAll(List.of("ip", "netns", "exec", netns));
    }
    full.addAll(command);
    return full;
  }

  private static String read(InputStream s) {
    try (s) {
      return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
