package io.fenceline.core.render;

import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One kernel set a node's rules reference, before its members: the set of facts it shows ({@code
 * ref}), in one family, with its kernel names and {@code create} options. {@link #withMembers}
 * gives the {@link KernelSet} with the entries of that family.
 */
public record SetSlot(SetRef ref, int family, String name, String tempName, String createOptions) {

  static SetSlot of(SetRef ref, int family) {
    String options =
        ref.kind().ipsetType()
            + " family "
            + (family == 4 ? "inet" : "inet6")
            + " hashsize 1024 maxelem "
            + NodeRenderer.MAX_ELEMENTS;
    return new SetSlot(
        ref, family, KernelNames.set(ref, family), KernelNames.tempSet(ref, family), options);
  }

  /** Whether {@code entry} belongs in this family's set. */
  public boolean holds(SetEntry entry) {
    return entry.family() == family;
  }

  /** The kernel set with the entries of this family among {@code entries} (in their order). */
  public KernelSet withMembers(Collection<SetEntry> entries) {
    List<String> members = new ArrayList<>();
    for (SetEntry e : entries) {
      if (holds(e)) {
        members.add(e.ipsetText());
      }
    }
    return new KernelSet(name, tempName, createOptions, family, members);
  }
}
