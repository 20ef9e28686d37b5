package io.fenceline.applier.kernel;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.render.PayloadDelta;
import java.util.Map;

/**
 * The applier's port to the kernel. Implementations: {@link ProcessNetfilter} (the real tools, on
 * the host or in a network namespace) and {@link DryRunNetfilter} (files only).
 */
public interface Netfilter {
  /** Names of the chains (per family) and sets fenceline owns right now. */
  PayloadDelta.Inventory inventory();

  /** Whether FORWARD holds fenceline's jump (in the family's table). */
  boolean hasForwardJump(int family);

  void ipsetRestore(String input);

  void filterRestore(int family, String input);

  /** Deletes conntrack entries to or from this address (none to delete is fine). */
  void conntrackDelete(IpAddress ip);

  /**
   * Deletes conntrack entries to or from each of these addresses; an implementation may do them at
   * the same time. By default one after the other.
   */
  default void conntrackDelete(java.util.Collection<IpAddress> ips) {
    ips.forEach(this::conntrackDelete);
  }

  /** Owned chain → number of rules, as the kernel has them (for drift detection). */
  Map<String, Integer> ruleCounts(int family);

  /**
   * Owned chain → its rules (full {@code -A} lines, in order), as the kernel has them: what an
   * apply rolls back to when it cannot complete.
   */
  Map<String, java.util.List<String>> ownedRules(int family);

  /** Owned set → number of members, as the kernel has them. */
  Map<String, Integer> setSizes();

  /** Removes everything fenceline owns: the jump, its chains, its sets. */
  void removeAll();
}
