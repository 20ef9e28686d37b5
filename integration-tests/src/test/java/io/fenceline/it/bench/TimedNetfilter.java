package io.fenceline.it.bench;

import io.fenceline.applier.kernel.Netfilter;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.render.PayloadDelta;
import java.util.List;
import java.util.Map;

/**
 * A {@link Netfilter} that passes every call on and adds up the time spent in the kernel tools per
 * kind (restores, conntrack deletes, checks), so a benchmark can split an apply step into the
 * applier's own Java work and the processes it waits for.
 */
final class TimedNetfilter implements Netfilter {
  private final Netfilter delegate;
  long restoreNanos;
  long conntrackNanos;
  long checkNanos;
  int restores;
  int conntracks;
  int checks;

  TimedNetfilter(Netfilter delegate) {
    this.delegate = delegate;
  }

  void reset() {
    restoreNanos = conntrackNanos = checkNanos = 0;
    restores = conntracks = checks = 0;
  }

  @Override
  public PayloadDelta.Inventory inventory() {
    long t = System.nanoTime();
    try {
      return delegate.inventory();
    } finally {
      checkNanos += System.nanoTime() - t;
      checks++;
    }
  }

  @Override
  public boolean hasForwardJump(int family) {
    long t = System.nanoTime();
    try {
      return delegate.hasForwardJump(family);
    } finally {
      checkNanos += System.nanoTime() - t;
      checks++;
    }
  }

  @Override
  public void ipsetRestore(String input) {
    long t = System.nanoTime();
    delegate.ipsetRestore(input);
    if (!input.isEmpty()) {
      restoreNanos += System.nanoTime() - t;
      restores++;
    }
  }

  @Override
  public void filterRestore(int family, String input) {
    long t = System.nanoTime();
    delegate.filterRestore(family, input);
    if (!input.isEmpty()) {
      restoreNanos += System.nanoTime() - t;
      restores++;
    }
  }

  @Override
  public void conntrackDelete(java.util.Collection<IpAddress> ips) {
    long t = System.nanoTime();
    delegate.conntrackDelete(ips);
    conntrackNanos += System.nanoTime() - t;
    conntracks += ips.size();
  }

  @Override
  public void conntrackDelete(IpAddress ip) {
    long t = System.nanoTime();
    delegate.conntrackDelete(ip);
    conntrackNanos += System.nanoTime() - t;
    conntracks++;
  }

  @Override
  public Map<String, Integer> ruleCounts(int family) {
    return delegate.ruleCounts(family);
  }

  @Override
  public Map<String, List<String>> ownedRules(int family) {
    return delegate.ownedRules(family);
  }

  @Override
  public Map<String, Integer> setSizes() {
    return delegate.setSizes();
  }

  @Override
  public void removeAll() {
    delegate.removeAll();
  }
}
