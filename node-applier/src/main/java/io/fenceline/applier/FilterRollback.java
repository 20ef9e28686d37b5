package io.fenceline.applier;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code iptables-restore --noflush} input that puts one family's owned chains back as they
 * were before an apply, used when the other family's restore is refused after this one succeeded.
 * Pure.
 */
public final class FilterRollback {
  private FilterRollback() {}

  /**
   * @param before the owned chains and their rules (full {@code -A} lines) before the apply
   * @param jumpBefore whether FORWARD held the jump before the apply
   * @param now the owned chains the kernel holds after the apply
   * @param forwardJump the jump as the payload inserts it ({@code -I FORWARD 1 ...})
   */
  public static String text(
      Map<String, List<String>> before, boolean jumpBefore, Set<String> now, String forwardJump) {
    Set<String> declare = new TreeSet<>(before.keySet());
    declare.addAll(now);
    StringBuilder sb =
        new StringBuilder("# fenceline: rollback to the rules before the refused apply\n*filter\n");
    declare.forEach(
        c -> sb.append(':').append(c).append(" - [0:0]\n")); // declaring a chain flushes it
    before.values().forEach(rules -> rules.forEach(r -> sb.append(r).append('\n')));
    if (!jumpBefore) {
      sb.append(forwardJump.replaceFirst("^-I FORWARD 1 ", "-D FORWARD ")).append('\n');
    }
    for (String c : new TreeSet<>(now)) {
      if (!before.containsKey(c)) {
        sb.append("-X ").append(c).append('\n');
      }
    }
    return sb.append("COMMIT\n").toString();
  }
}
