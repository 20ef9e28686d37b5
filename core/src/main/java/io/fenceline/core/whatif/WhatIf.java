package io.fenceline.core.whatif;

import io.fenceline.core.explain.FlowExplainer;
import io.fenceline.core.explain.SideWords;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.Protocol;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connections whose verdict a change of cluster state alters, without enumerating pod pairs:
 * the pods are split into groups every policy of either state treats alike ({@link PodGroups}),
 * addresses outside the pods into ranges ({@link AddressRanges}) and ports into ranges ({@link
 * PortRanges}); the compiler's own changes ({@link CompilerDiff}) say which groups may be affected,
 * and only flows from or to those are evaluated, once per group pair, port range and address
 * family, in both states. Pure.
 */
public final class WhatIf {
  private WhatIf() {}

  /**
   * One side of a changed flow: a group of pods (its label, size and first pods) or a range of
   * addresses outside the pods.
   */
  public record Side(String label, int pods, List<String> examples, boolean range) {}

  /**
   * Flows from {@code source} to {@code destination} on {@code ports} (address family {@code
   * family}) that were {@code before} and would be {@code after}, for {@code pairs} endpoint pairs
   * (pod pairs; a range counts once); {@code beforeWhy} / {@code afterWhy} name the policy and rule
   * that decided each side in each state.
   */
  public record Change(
      Side source,
      Side destination,
      int family,
      List<String> ports,
      long pairs,
      List<String> examples,
      boolean before,
      boolean after,
      String beforeWhy,
      String afterWhy) {}

  /**
   * The changes; {@code groups} pod groups, {@code podsNotCompared} pods that exist (with an
   * address, running) in one state only, {@code evaluations} flows explained (in each state).
   */
  public record Report(List<Change> changes, int groups, int podsNotCompared, long evaluations) {}

  public static Report compare(
      List<? extends ClusterObject> before, List<? extends ClusterObject> after, int maxExamples) {
    return new Run(List.copyOf(before), List.copyOf(after), maxExamples).report();
  }

  /** Changed flows of one endpoint pair with one explanation in each state, over ports. */
  private static final class Flows {
    final PodGroups.Group srcGroup;
    final AddressRanges.Range srcRange;
    final PodGroups.Group dstGroup;
    final AddressRanges.Range dstRange;
    final int family;
    final boolean before;
    final boolean after;
    final String beforeWhy;
    final String afterWhy;
    final List<PortRanges.Range> ports = new ArrayList<>();

    Flows(
        PodGroups.Group srcGroup,
        AddressRanges.Range srcRange,
        PodGroups.Group dstGroup,
        AddressRanges.Range dstRange,
        int family,
        boolean before,
        boolean after,
        String beforeWhy,
        String afterWhy) {
      this.srcGroup = srcGroup;
      this.srcRange = srcRange;
      this.dstGroup = dstGroup;
      this.dstRange = dstRange;
      this.family = family;
      this.before = before;
      this.after = after;
      this.beforeWhy = beforeWhy;
      this.afterWhy = afterWhy;
    }
  }

  /** One comparison. */
  private static final class Run {
    private final StateObjects before;
    private final StateObjects after;
    private final SelectorVocabulary vocabulary;
    private final PodGroups groups;
    private final FlowExplainer explainBefore;
    private final FlowExplainer explainAfter;
    private final Map<Integer, List<AddressRanges.Range>> ranges = new LinkedHashMap<>();
    private final int maxExamples;
    private final Map<String, Flows> flows = new LinkedHashMap<>();
    private final Set<String> evaluated = new HashSet<>();
    private long evaluations;

    Run(List<ClusterObject> before, List<ClusterObject> after, int maxExamples) {
      this.before = new StateObjects(before);
      this.after = new StateObjects(after);
      this.vocabulary = SelectorVocabulary.of(List.of(before, after));
      this.groups = new PodGroups(this.before, this.after, vocabulary);
      this.explainBefore = new FlowExplainer(before);
      this.explainAfter = new FlowExplainer(after);
      this.maxExamples = maxExamples;
      Set<IpAddress> nodeAddresses = new HashSet<>(this.before.nodesByAddress.keySet());
      nodeAddresses.addAll(this.after.nodesByAddress.keySet());
      Set<IpAddress> podAddresses = new HashSet<>(this.before.podsByAddress.keySet());
      podAddresses.addAll(this.after.podsByAddress.keySet());
      for (int family : new int[] {4, 6}) {
        ranges.put(
            family, AddressRanges.of(vocabulary.prefixes, nodeAddresses, podAddresses, family));
      }
    }

    Report report() {
      CompilerDiff diff = new CompilerDiff(before.objects, after.objects);
      Set<Integer> wholeRows = new java.util.TreeSet<>();
      for (ObjectKey pod : diff.rebound) {
        PodGroups.Group g = groups.of(pod);
        if (g != null) {
          wholeRows.add(g.id());
        }
      }
      for (PodGroups.Group g : groups.all()) {
        // an unscheduled pod has no binding in the facts: its policies still apply to it
        if (g.pods().stream().anyMatch(p -> p.nodeName() == null || p.nodeName().isEmpty())) {
          wholeRows.add(g.id());
        }
      }
      for (int id : wholeRows) {
        PodGroups.Group g = groups.all().get(id);
        for (PodGroups.Group h : groups.all()) {
          pair(g, null, h, null);
          pair(h, null, g, null);
        }
        for (List<AddressRanges.Range> ofFamily : ranges.values()) {
          for (AddressRanges.Range r : ofFamily) {
            pair(g, null, null, r);
            pair(null, r, g, null);
          }
        }
      }
      for (CompilerDiff.PeerChange pc : diff.peerChanges) {
        PodGroups.Group subject = groups.of(pc.subject());
        if (subject == null) {
          continue;
        }
        List<PodGroups.Group> holders = holders(pc.peerIp());
        AddressRanges.Range range = holders.isEmpty() ? rangeOf(pc.peerIp()) : null;
        for (PodGroups.Group h : holders) {
          if (pc.direction() == Direction.EGRESS) {
            pair(subject, null, h, null);
          } else {
            pair(h, null, subject, null);
          }
        }
        if (range != null) {
          if (pc.direction() == Direction.EGRESS) {
            pair(subject, null, null, range);
          } else {
            pair(null, range, subject, null);
          }
        }
      }
      return new Report(changes(), groups.all().size(), groups.notCompared(), evaluations);
    }

    private List<PodGroups.Group> holders(IpAddress ip) {
      List<PodGroups.Group> out = new ArrayList<>();
      for (StateObjects s : List.of(before, after)) {
        for (ObjectKey k : s.podsByAddress.getOrDefault(ip, List.of())) {
          PodGroups.Group g = groups.of(k);
          if (g != null && !out.contains(g)) {
            out.add(g);
          }
        }
      }
      return out;
    }

    private AddressRanges.Range rangeOf(IpAddress ip) {
      BigInteger v = AddressRanges.value(ip);
      for (AddressRanges.Range r : ranges.get(ip.family())) {
        if (r.first().compareTo(v) <= 0 && v.compareTo(r.last()) <= 0) {
          return r;
        }
      }
      return null;
    }

    /** Evaluates every port range and family of one (group or range) pair, once. */
    private void pair(
        PodGroups.Group srcGroup,
        AddressRanges.Range srcRange,
        PodGroups.Group dstGroup,
        AddressRanges.Range dstRange) {
      if (srcGroup == null && dstGroup == null) {
        return;
      }
      String key =
          (srcGroup != null ? "g" + srcGroup.id() : "r" + srcRange.text())
              + ">"
              + (dstGroup != null ? "g" + dstGroup.id() : "r" + dstRange.text());
      if (!evaluated.add(key)) {
        return;
      }
      Pod src = srcGroup == null ? null : srcGroup.first();
      Pod dst = dstGroup == null ? null : dstGroup.first();
      if (srcGroup != null && srcGroup == dstGroup) {
        if (srcGroup.pods().size() < 2) {
          return;
        }
        dst = srcGroup.pods().get(1);
      }
      for (int family : new int[] {4, 6}) {
        IpAddress srcIp = src != null ? address(src, family) : addressOf(srcRange, family);
        IpAddress dstIp = dst != null ? address(dst, family) : addressOf(dstRange, family);
        if (srcIp == null || dstIp == null) {
          continue;
        }
        FlowExplainer.Endpoint s =
            new FlowExplainer.Endpoint(srcIp, src == null ? null : src.key());
        FlowExplainer.Endpoint d =
            new FlowExplainer.Endpoint(dstIp, dst == null ? null : dst.key());
        for (Protocol proto : Protocol.values()) {
          for (PortRanges.Range ports : PortRanges.of(vocabulary, proto, dst)) {
            evaluations++;
            FlowExplainer.Explanation was = explainBefore.explain(s, d, proto, ports.first());
            FlowExplainer.Explanation will = explainAfter.explain(s, d, proto, ports.first());
            if (was.allowed() == will.allowed()) {
              continue;
            }
            record(srcGroup, srcRange, dstGroup, dstRange, family, ports, was, will);
          }
        }
      }
    }

    private void record(
        PodGroups.Group srcGroup,
        AddressRanges.Range srcRange,
        PodGroups.Group dstGroup,
        AddressRanges.Range dstRange,
        int family,
        PortRanges.Range ports,
        FlowExplainer.Explanation was,
        FlowExplainer.Explanation will) {
      String beforeWhy = why(was);
      String afterWhy = why(will);
      String key =
          (srcGroup != null ? "g" + srcGroup.id() : "r" + srcRange.text())
              + ">"
              + (dstGroup != null ? "g" + dstGroup.id() : "r" + dstRange.text())
              + "|"
              + family
              + "|"
              + beforeWhy
              + "|"
              + afterWhy;
      flows
          .computeIfAbsent(
              key,
              k ->
                  new Flows(
                      srcGroup,
                      srcRange,
                      dstGroup,
                      dstRange,
                      family,
                      was.allowed(),
                      will.allowed(),
                      beforeWhy,
                      afterWhy))
          .ports
          .add(ports);
    }

    /**
     * The changes: flows of one endpoint pair merged over ports, then pairs that differ only in the
     * range of outside addresses merged over ranges.
     */
    private List<Change> changes() {
      Map<String, List<Flows>> byShape = new LinkedHashMap<>();
      for (Flows f : flows.values()) {
        String shape =
            (f.srcGroup != null ? "g" + f.srcGroup.id() : "range")
                + ">"
                + (f.dstGroup != null ? "g" + f.dstGroup.id() : "range")
                + "|"
                + f.family
                + "|"
                + PortRanges.text(f.ports)
                + "|"
                + f.beforeWhy
                + "|"
                + f.afterWhy;
        byShape.computeIfAbsent(shape, k -> new ArrayList<>()).add(f);
      }
      List<Change> out = new ArrayList<>();
      for (List<Flows> same : byShape.values()) {
        Flows f = same.get(0);
        List<AddressRanges.Range> outside = new ArrayList<>();
        for (Flows x : same) {
          if (x.srcGroup == null || x.dstGroup == null) {
            outside.add(x.srcGroup == null ? x.srcRange : x.dstRange);
          }
        }
        out.add(change(f, outside.isEmpty() ? null : AddressRanges.text(outside)));
      }
      return out;
    }

    private Change change(Flows f, String rangeText) {
      long pairs;
      List<String> examples = new ArrayList<>();
      if (f.srcGroup != null && f.dstGroup != null) {
        boolean same = f.srcGroup == f.dstGroup;
        pairs =
            (long) f.srcGroup.pods().size() * f.dstGroup.pods().size()
                - (same ? f.srcGroup.pods().size() : 0);
        outer:
        for (Pod a : f.srcGroup.pods()) {
          for (Pod b : f.dstGroup.pods()) {
            if (examples.size() >= maxExamples) {
              break outer;
            }
            if (a != b) {
              examples.add(a.key() + " -> " + b.key());
            }
          }
        }
      } else {
        PodGroups.Group g = f.srcGroup != null ? f.srcGroup : f.dstGroup;
        pairs = g.pods().size();
        for (Pod p : g.pods().subList(0, Math.min(maxExamples, g.pods().size()))) {
          examples.add(f.srcGroup != null ? p.key() + " -> outside" : "outside -> " + p.key());
        }
      }
      return new Change(
          side(f.srcGroup, rangeText),
          side(f.dstGroup, rangeText),
          f.family,
          PortRanges.text(f.ports),
          pairs,
          List.copyOf(examples),
          f.before,
          f.after,
          f.beforeWhy,
          f.afterWhy);
    }

    private Side side(PodGroups.Group g, String rangeText) {
      if (g == null) {
        return new Side(rangeText, 0, List.of(), true);
      }
      List<String> ex =
          g.pods().stream().limit(Math.max(1, maxExamples)).map(p -> p.key().toString()).toList();
      return new Side(g.label(), g.pods().size(), ex, false);
    }

    private static String why(FlowExplainer.Explanation e) {
      return SideWords.of("egress", e.egress(), e.src().pod())
          + "; "
          + SideWords.of("ingress", e.ingress(), e.dst().pod());
    }

    private static IpAddress address(Pod p, int family) {
      return p.ips().stream().filter(ip -> ip.family() == family).findFirst().orElse(null);
    }

    private static IpAddress addressOf(AddressRanges.Range r, int family) {
      return r != null && r.family() == family ? r.representative() : null;
    }
  }
}
