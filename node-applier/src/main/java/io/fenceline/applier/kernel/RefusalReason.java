package io.fenceline.applier.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a kernel tool refused its input, as one bounded line an operator can act on: which command,
 * its exit code, what the tool said (version banners and usage hints dropped) and, when the tool
 * named a line of its input, that line. Pure.
 */
public final class RefusalReason {
  /** Longest reason produced; receipts and logs carry it as is. */
  public static final int MAX_LENGTH = 400;

  private static final int MAX_INPUT_LINE = 160;

  /** "Error in line 3:" (ipset), "Error occurred at line: 3" and "line 3:" (iptables-restore). */
  private static final Pattern LINE =
      Pattern.compile(
          "(?:Error in line (\\d+)|Error occurred at line: (\\d+)|(?:^|\\s)line (\\d+):)");

  /** "ipset v7.17: ", "iptables-restore v1.8.9 (nf_tables): ". */
  private static final Pattern BANNER =
      Pattern.compile("^[\\w.-]+ v\\d[\\w.]*(?: \\([\\w_-]+\\))?:\\s*");

  private RefusalReason() {}

  /**
   * One line: {@code ipset restore exited 1: Error in line 3: Set cannot be created: ... [input
   * line 3: create FNL-... hash:net ...]}. {@code command} may start with {@code ip netns exec NS},
   * which is shown as a suffix ({@code (netns NS)}); {@code input} may be null.
   */
  public static String of(List<String> command, int exitCode, String output, String input) {
    List<String> cmd = new ArrayList<>(command);
    String where = "";
    if (cmd.size() > 4
        && cmd.get(0).equals("ip")
        && cmd.get(1).equals("netns")
        && cmd.get(2).equals("exec")) {
      where = " (netns " + cmd.get(3) + ")";
      cmd = cmd.subList(4, cmd.size());
    }
    StringBuilder sb =
        new StringBuilder(String.join(" ", cmd))
            .append(where)
            .append(" exited ")
            .append(exitCode)
            .append(": ")
            .append(message(output));
    OptionalInt line = failedLine(output);
    if (line.isPresent() && input != null) {
      String[] lines = input.split("\n", -1);
      int n = line.getAsInt();
      if (n >= 1 && n <= lines.length) {
        sb.append(" [input line ")
            .append(n)
            .append(": ")
            .append(truncate(oneLine(lines[n - 1]), MAX_INPUT_LINE))
            .append(']');
      }
    }
    return bound(sb.toString());
  }

  /**
   * What the tool said, one line: banners, usage hints and blank lines dropped, the rest joined by
   * "; ".
   */
  static String message(String output) {
    List<String> parts = new ArrayList<>();
    for (String raw : (output == null ? "" : output).split("\n")) {
      String l = BANNER.matcher(raw.strip()).replaceFirst("").strip();
      if (l.isEmpty() || l.startsWith("Try `") || l.startsWith("Try '")) {
        continue;
      }
      parts.add(oneLine(l));
    }
    return parts.isEmpty() ? "(no message)" : String.join("; ", parts);
  }

  /** The 1-based line of its input the tool says it stopped at, if it said. */
  public static OptionalInt failedLine(String output) {
    Matcher m = LINE.matcher(output == null ? "" : output);
    if (!m.find()) {
      return OptionalInt.empty();
    }
    for (int g = 1; g <= m.groupCount(); g++) {
      if (m.group(g) != null) {
        return OptionalInt.of(Integer.parseInt(m.group(g)));
      }
    }
    return OptionalInt.empty();
  }

  /** At most {@link #MAX_LENGTH} characters, one line. */
  public static String bound(String s) {
    return truncate(oneLine(s), MAX_LENGTH);
  }

  private static String oneLine(String s) {
    return s.replaceAll("[\\p{Cntrl}&&[^\t]]+", " ").replace('\t', ' ').strip();
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
