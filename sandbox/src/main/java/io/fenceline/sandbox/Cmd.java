package io.fenceline.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs short external commands (ip, iptables, ipset, conntrack), optionally inside a namespace. */
public final class Cmd {

    private static final long TIMEOUT_SECONDS = 60;

    private Cmd() {
    }

    /** Output of a finished command. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    public static List<String> inNetns(String netns, String... argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        cmd.addAll(List.of(argv));
        return cmd;
    }

    /** Runs and throws {@link CommandFailedException} on a non-zero exit. */
    public static String run(List<String> command) {
        return check(command, exec(command, null, null));
    }

    public static String runWithInput(List<String> command, String stdin) {
        return check(command, exec(command, null, stdin));
    }

    public static String runWithInputFile(List<String> command, Path stdin) {
        List<String> shown = new ArrayList<>(command);
        shown.add("<");
        shown.add(stdin.toString());
        return check(shown, exec(command, stdin, null));
    }

    /** Runs and returns whatever happened; never throws for a non-zero exit. */
    public static Result exec(List<String> command, Path stdinFile, String stdinText) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (stdinFile != null) {
            pb.redirectInput(stdinFile.toFile());
        }
        try {
            Process p = pb.start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            if (stdinText != null) {
                p.getOutputStream().write(stdinText.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out = readAll(p.getInputStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out, "timed out after " + TIMEOUT_SECONDS + " s\n" + err.getNow(""));
            }
            return new Result(p.exitValue(), out, err.join());
        } catch (IOException e) {
            return new Result(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted");
        }
    }

    private static String check(List<String> command, Result r) {
        if (r.exitCode() != 0) {
            throw new CommandFailedException(command, r.exitCode(), r.stderr());
        }
        return r.stdout();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
