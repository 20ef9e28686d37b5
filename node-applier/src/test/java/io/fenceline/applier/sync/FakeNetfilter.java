package io.fenceline.applier.sync;

import io.fenceline.applier.kernel.CommandFailedException;
import io.fenceline.applier.kernel.DryRunNetfilter;
import io.fenceline.applier.kernel.Netfilter;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.render.PayloadDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A kernel in memory (what the restores would leave, tracked by {@link DryRunNetfilter#inMemory()})
 * that records every call and can be told to refuse the next restore of one kind, as the real tools
 * refuse: nothing of the refused input takes effect.
 */
final class FakeNetfilter implements Netfilter {
  final DryRunNetfilter kernel = DryRunNetfilter.inMemory();
  final List<String> calls = new ArrayList<>();
  private String refuse; // "ipset", "filter4", "filter6"

  /**
   * The next restore of this kind ({@code ipset}, {@code filter4}, {@code filter6}) with a
   * non-empty input is refused.
   */
  void refuseNext(String kind) {
    refuse = kind;
  }

  List<String> restores() {
    return calls.stream().filter(c -> c.startsWith("ipset ") || c.startsWith("filter")).toList();
  }

  private void maybeRefuse(String kind, String input, List<String> command) {
    if (kind.equals(refuse) && !input.isEmpty()) {
      refuse = null;
      calls.add(kind + " REFUSED");
      throw new CommandFailedException(
          command, 1, "told to refuse: Error in line 1: no such thing", input);
    }
  }

  @Override
  public PayloadDelta.Inventory inventory() {
    calls.add("inventory");
    return kernel.inventory();
  }

  @Override
  public boolean hasForwardJump(int family) {
    return kernel.hasForwardJump(family);
  }

  @Override
  public void ipsetRestore(String input) {
    maybeRefuse("ipset", input, List.of("ipset", "restore"));
    calls.add("ipset " + input.lines().count());
    kernel.ipsetRestore(input);
  }

  @Override
  public void filterRestore(int family, String input) {
    maybeRefuse(
        "filter" + family,
        input,
        List.of(family == 4 ? "iptables-restore" : "ip6tables-restore", "--noflush"));
    calls.add("filter" + family + " " + input.lines().count());
    kernel.filterRestore(family, input);
  }

  @Override
  public void conntrackDelete(IpAddress ip) {
    calls.add("conntrack " + ip);
  }

  @Override
  public Map<String, Integer> ruleCounts(int family) {
    return kernel.ruleCounts(family);
  }

  @Override
  public Map<String, List<String>> ownedRules(int family) {
    return kernel.ownedRules(family);
  }

  @Override
  public Map<String, Integer> setSizes() {
    return kernel.setSizes();
  }

  @Override
  public void removeAll() {
    kernel.removeAll();
  }
}
