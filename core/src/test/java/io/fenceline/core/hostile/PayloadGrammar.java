package io.fenceline.core.hostile;

import io.fenceline.core.render.NodePayload;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a payload may contain, line by line, so that no user string can reach the kernel except
 * inside a sanitised {@code --comment}: every rule is made of fenceline's own tokens (chain and set
 * names, addresses, numbers, option names), comments are printable ASCII without quotes,
 * backslashes, {@code $} or backticks and at most 255 bytes, and fenceline never ACCEPTs. Returns
 * the violations (empty when the payload is clean).
 */
public final class PayloadGrammar {
  private static final Pattern COMMENT = Pattern.compile(" -m comment --comment \"([^\"]*)\"");
  private static final Pattern COMMENT_TEXT = Pattern.compile("[\\x20-\\x7e&&[^\"\\\\'`$]]{0,255}");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9./:,_-]+");
  private static final Pattern CHAIN = Pattern.compile("FNL-[A-Z0-9-]{1,24}");
  private static final Pattern SET = Pattern.compile("FNL-[A-Z][46]-[A-Z0-9]{16}(-T)?");
  private static final Pattern MEMBER =
      Pattern.compile("[0-9a-f.:/]+(,(tcp|udp|sctp):[0-9]{1,5})?( nomatch)?");
  private static final Pattern HEADER =
      Pattern.compile(
          "# fenceline payload for node [\\x20-\\x7e&&[^\"\\\\'`$]]{0,255} \\(IPv[46]\\); apply with ip6?tables-restore --noflush");
  private static final Pattern CREATE =
      Pattern.compile(
          "create (\\S+) hash:(ip|net|ip,port) family inet6? hashsize 1024 maxelem 1048576 -exist");

  private PayloadGrammar() {}

  public static List<String> violations(NodePayload p) {
    List<String> out = new ArrayList<>();
    filter(p.iptablesRestore(), "iptables.restore", out);
    filter(p.ip6tablesRestore(), "ip6tables.restore", out);
    ipset(p.ipsetRestore(), out);
    return out;
  }

  private static void filter(String text, String file, List<String> out) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String where = file + ":" + (i + 1) + ": ";
      if (line.isEmpty() && i == lines.length - 1) {
        continue;
      }
      if (line.equals("*filter") || line.equals("COMMIT")) {
        continue;
      }
      if (line.startsWith("#")) {
        if (!HEADER.matcher(line).matches()) {
          out.add(where + "unexpected comment line: " + line);
        }
        continue;
      }
      if (line.startsWith(":")) {
        String[] parts = line.substring(1).split(" ", -1);
        if (parts.length != 3
            || !CHAIN.matcher(parts[0]).matches()
            || !parts[1].equals("-")
            || !parts[2].equals("[0:0]")) {
          out.add(where + "bad chain declaration: " + line);
        }
        continue;
      }
      if (!line.startsWith("-A FNL-") && !line.startsWith("-I FORWARD 1 ")) {
        out.add(where + "a rule that does not belong to fenceline: " + line);
        continue;
      }
      Matcher m = COMMENT.matcher(line);
      StringBuilder rest = new StringBuilder();
      int last = 0;
      while (m.find()) {
        if (!COMMENT_TEXT.matcher(m.group(1)).matches()) {
          out.add(where + "unsanitised comment: " + m.group(1));
        }
        rest.append(line, last, m.start());
        last = m.end();
      }
      rest.append(line.substring(last));
      for (String token : rest.toString().split(" ", -1)) {
        if (!TOKEN.matcher(token).matches()) {
          out.add(
              where
                  + "token outside a comment that fenceline does not write: '"
                  + token
                  + "' in "
                  + line);
        } else if (token.equals("ACCEPT")) {
          out.add(where + "fenceline never ACCEPTs: " + line);
        }
      }
    }
  }

  private static void ipset(String text, List<String> out) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String where = "ipset.restore:" + (i + 1) + ": ";
      if (line.isEmpty() && i == lines.length - 1) {
        continue;
      }
      String[] w = line.split(" ", 3);
      boolean ok =
          switch (w[0]) {
            case "create" -> {
              Matcher m = CREATE.matcher(line);
              yield m.matches() && SET.matcher(m.group(1)).matches();
            }
            case "flush", "destroy" -> w.length == 2 && SET.matcher(w[1]).matches();
            case "swap" ->
                w.length == 3 && SET.matcher(w[1]).matches() && SET.matcher(w[2]).matches();
            case "add" ->
                w.length == 3 && SET.matcher(w[1]).matches() && MEMBER.matcher(w[2]).matches();
            default -> false;
          };
      if (!ok) {
        out.add(where + "a line fenceline does not write: " + line);
      }
    }
  }
}
