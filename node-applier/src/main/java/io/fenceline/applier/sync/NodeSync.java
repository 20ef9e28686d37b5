package io.fenceline.applier.sync;

import io.fenceline.applier.ApplyRefusedException;
import io.fenceline.applier.FilterRollback;
import io.fenceline.applier.SetPlan;
import io.fenceline.applier.kernel.CommandFailedException;
import io.fenceline.applier.kernel.Netfilter;
import io.fenceline.applier.state.NodeFacts;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.render.NodeRenderer;
import io.fenceline.core.render.PayloadDelta;
import io.fenceline.core.render.RenderedNode;
import io.fenceline.core.render.RuleCache;
import io.fenceline.kafka.topics.Receipt;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync of one node, decided without Kafka: the shell around it reads records, feeds them here
 * ({@link #offer}, {@link #readTo}), calls {@link #step(Instant)} with its clock and does what the
 * returned {@link Step} names (commit an offset, publish a receipt, count a metric). The kernel is
 * programmed through the {@link Netfilter} port only, inside {@link #step}.
 *
 * <p>It owns the node's facts ({@link NodeFacts}), what was applied (the rendered node and its
 * model), whether an apply is due and whether it must be full, the backoff after a refusal, and the
 * times of the next drift check and heartbeat. Rules:
 *
 * <ul>
 *   <li>the first apply is full (against the kernel's inventory: leftovers of an earlier run go);
 *       later applies carry only what changed, unless a refusal or drift made a full one due. A
 *       delta re-renders the node's rules only when a binding or chain fact changed, and patches
 *       its sets from the member facts read since the last apply ({@link KernelSets}): its cost
 *       grows with what changed, never with the members the node holds;
 *   <li>{@link Applied} only after the kernel accepted every step; a refusal leaves the previous
 *       rules (see {@link #program}) and gives {@link Failed} with the reason, and the retry, from
 *       the full desired state, waits an exponential backoff (500 ms doubling up to {@code
 *       maxBackoff});
 *   <li>records that concern no rule of this node give {@link Current} (the node is current there);
 *   <li>every {@code driftCheckInterval} while nothing is due: chains, rule counts, set sizes and
 *       the FORWARD jump are compared with what was applied; a difference gives {@link DriftFound}
 *       and a full apply;
 *   <li>when no receipt-worthy step happened for {@code heartbeatInterval}: {@link Heartbeat}.
 * </ul>
 *
 * Not thread-safe, except {@link #healthy()} and {@link #lastError()}, which other threads may
 * read.
 */
public final class NodeSync {
  private static final Logger LOG = LoggerFactory.getLogger(NodeSync.class);
  private static final long FIRST_BACKOFF_MILLIS = 500;

  /** The node and the timings of its sync. */
  public record Settings(
      String cluster,
      String node,
      Duration driftCheckInterval,
      Duration maxBackoff,
      Duration heartbeatInterval) {}

  /**
   * The source event behind a fact (its headers): its offset in {@code fenceline.events} and when
   * it was observed.
   */
  public record Source(long offset, Instant observedAt) {}

  /** What one {@link #step} decided. */
  public sealed interface Step permits Reported, DriftFound, Idle {}

  /** A step whose outcome the shell publishes as a receipt. */
  public sealed interface Reported extends Step permits Applied, Failed, Current, Heartbeat {
    ReceiptFields receipt();
  }

  /**
   * The kernel accepted an apply: commit {@code position}, publish the receipt.
   *
   * @param full whether it was a full apply (first, after a refusal, or a drift repair) or a delta
   * @param changed whether any restore input was non-empty (an apply with nothing to change touches
   *     nothing)
   * @param changedChains chains written or deleted; {@code addedMembers}, {@code removedMembers}:
   *     set entries
   * @param bindings the pods of this node the rules isolate
   * @see NodeSync#applied() for what the kernel now holds
   */
  public record Applied(
      long position,
      boolean full,
      boolean changed,
      Duration took,
      int changedChains,
      int addedMembers,
      int removedMembers,
      int bindings,
      ReceiptFields receipt)
      implements Reported {}

  /**
   * The kernel refused an apply (it keeps the previous rules): publish the failed receipt, commit
   * nothing.
   */
  public record Failed(long position, String reason, Instant retryAt, ReceiptFields receipt)
      implements Reported {}

  /**
   * Records were read that change nothing on this node: commit {@code position}, publish an ok
   * receipt.
   */
  public record Current(long position, ReceiptFields receipt) implements Reported {}

  /**
   * Nothing was published for a heartbeat interval: publish the current state again (ok, or the
   * failure retried).
   */
  public record Heartbeat(ReceiptFields receipt) implements Reported {}

  /** The kernel no longer holds what was applied: a full apply is due (the next step runs it). */
  public record DriftFound() implements Step {}

  /** Nothing to do before {@code nextWakeup} unless records arrive. */
  public record Idle(Instant nextWakeup) implements Step {}

  /** A receipt's content except what the shell knows (the partition, the time it publishes). */
  public record ReceiptFields(
      String cluster,
      String node,
      long factsOffset,
      long setsOffset,
      long sourceOffset,
      Instant sourceObservedAt,
      String result,
      String error,
      int rules,
      int setMembers) {
    /**
     * The receipt, for node-facts partition {@code partition} and set-members partition {@code
     * setsPartition}.
     */
    public Receipt toReceipt(int partition, int setsPartition, long durationMillis, Instant at) {
      return new Receipt(
          Receipt.CURRENT_VERSION,
          cluster,
          node,
          partition,
          factsOffset,
          sourceOffset,
          sourceObservedAt,
          result,
          error,
          durationMillis,
          at,
          rules,
          setMembers,
          setsPartition,
          setsOffset);
    }
  }

  private final Settings settings;
  private final Netfilter netfilter;
  private final NodeFacts facts;
  private final DesiredNode desired;
  private final String prefix;
  private final KernelSets kernelSets = new KernelSets();

  /** The node's chains as last rendered: a render rebuilds only those whose facts changed. */
  private final RuleCache ruleCache = new RuleCache();

  /**
   * The rules applied (a rendered node without sets) and the sets they reference; null before the
   * first apply.
   */
  private NodeRenderer.Structure applied;

  /**
   * The bindings and chains behind {@link #applied}, for the conntrack targets of the next change.
   */
  private NodeModel appliedStructure;

  /**
   * Since the last apply: whether a binding or chain changed, and the entries touched per set id.
   */
  private boolean rulesTouched = true;

  private Map<String, Set<SetEntry>> touchedEntries = new HashMap<>();
  private long sourceOffset = -1;
  private Instant sourceObservedAt;
  private long position;
  private long setsPosition;
  private boolean dirty = true;
  private boolean full = true;
  private boolean current;
  private long backoffMillis;
  private Instant retryAt = Instant.MIN;
  private Instant driftAt;
  private Instant lastPublished = Instant.MIN;
  private volatile boolean healthy;
  private volatile String lastError;

  private NodeSync(Settings settings, Netfilter netfilter, NodeFacts facts, DesiredNode desired) {
    this.settings = settings;
    this.netfilter = netfilter;
    this.facts = facts;
    this.desired = desired;
    this.prefix = "[" + settings.cluster() + "/" + settings.node() + "] ";
  }

  /** A node's sync that folds the facts offered to it into its own {@link NodeFacts}. */
  public static NodeSync of(Settings settings, Netfilter netfilter) {
    NodeFacts facts = new NodeFacts(settings.cluster(), settings.node());
    return new NodeSync(settings, netfilter, facts, facts);
  }

  /**
   * A node's sync whose desired state is folded elsewhere (the simulator keeps one fact table for
   * all the nodes of a partition): the host calls {@link #changed} and {@link #touched} instead of
   * {@link #offer}.
   */
  public static NodeSync over(Settings settings, Netfilter netfilter, DesiredNode desired) {
    return new NodeSync(settings, netfilter, null, desired);
  }

  // ---- inputs ---------------------------------------------------------------------------------

  /**
   * Folds one decoded record of the partition; returns whether it concerns this node (then an apply
   * is due, and {@code source}, may be null, is the newest event behind it if it is newer).
   */
  public boolean offer(FactCodec.Decoded fact, Source source) {
    if (facts == null) {
      throw new IllegalStateException("this sync's facts are folded by its host: call touched()");
    }
    if (!facts.apply(fact)) {
      return false;
    }
    changed(fact.key());
    touched(source);
    return true;
  }

  /** The host folded a change of {@code key} into this node's desired state (see {@link #over}). */
  public void changed(FactKey key) {
    dirty = true;
    if (key instanceof FactKey.Member m) {
      touchedEntries.computeIfAbsent(m.setId(), k -> new HashSet<>()).add(m.entry());
    } else {
      rulesTouched = true;
    }
  }

  /** The desired state changed (facts folded by the host); {@code source} may be null. */
  public void touched(Source source) {
    dirty = true;
    if (source != null && source.offset() > sourceOffset) {
      sourceOffset = source.offset();
      sourceObservedAt = source.observedAt();
    }
  }

  /**
   * The shell has read the partition up to {@code position} (the next offset to read), {@code
   * records} of them since the last call. Records that made nothing due make the node current
   * there.
   */
  public void readTo(long position, int records) {
    this.position = position;
    if (records > 0 && !dirty) {
      current = true;
    }
  }

  // ---- the decision ---------------------------------------------------------------------------

  /**
   * Does what is due at {@code now}: at most one apply, drift check or receipt; call until {@link
   * Idle}.
   */
  public Step step(Instant now) {
    if (driftAt == null) {
      driftAt = now.plus(settings.driftCheckInterval());
    }
    if (dirty && !now.isBefore(retryAt)) {
      return apply(now);
    }
    if (current) {
      current = false;
      lastPublished = now;
      return new Current(position, fields("ok", null));
    }
    if (!dirty && !now.isBefore(driftAt)) {
      driftAt = now.plus(settings.driftCheckInterval());
      if (drifted()) {
        dirty = true;
        full = true;
        return new DriftFound();
      }
    }
    if (!now.isBefore(lastPublished.plus(settings.heartbeatInterval()))) {
      if (!dirty) {
        lastPublished = now;
        return new Heartbeat(fields("ok", null));
      }
      if (!healthy && lastError != null) {
        lastPublished = now;
        return new Heartbeat(fields("failed", lastError));
      }
      // dirty without a failure: the apply runs in the next step
    }
    Instant next = lastPublished.plus(settings.heartbeatInterval());
    Instant due = dirty ? retryAt : driftAt;
    return new Idle(due.isBefore(next) ? due : next);
  }

  private Step apply(Instant now) {
    long at = position;
    try {
      Applied a = applyNow(at, full);
      dirty = false;
      full = false;
      current = false;
      backoffMillis = 0;
      lastPublished = now;
      return a;
    } catch (CommandFailedException | ApplyRefusedException e) {
      // One bounded line for the receipt: the step, the command, what the kernel or tool said.
      String reason = e instanceof CommandFailedException c ? c.reason() : e.getMessage();
      lastError = reason;
      healthy = false;
      backoffMillis =
          backoffMillis == 0
              ? FIRST_BACKOFF_MILLIS
              : Math.min(backoffMillis * 2, settings.maxBackoff().toMillis());
      retryAt = now.plusMillis(backoffMillis);
      LOG.error(
          "{}apply failed, retrying from the full desired state in {} ms: {}",
          prefix,
          backoffMillis,
          reason);
      full = true;
      lastPublished = now;
      return new Failed(at, reason, retryAt, fields("failed", reason));
    }
  }

  private Applied applyNow(long at, boolean full) {
    long started = System.nanoTime();
    return full || applied == null ? applyFull(at, started) : applyDelta(at, started);
  }

  /** Everything, against the kernel's inventory: the first apply, and after a refusal or drift. */
  private Applied applyFull(long at, long started) {
    NodeModel model = desired.model();
    NodeRenderer.Structure rules = NodeRenderer.rules(model, ruleCache);
    RenderedNode next = rules.filled(model);
    // The FORWARD jump is checked on full applies only (a lost jump is drift, repaired by a full
    // apply).
    boolean jump4 = !netfilter.hasForwardJump(4);
    boolean jump6 = !netfilter.hasForwardJump(6);
    PayloadDelta.Inventory inventory = netfilter.inventory();
    // The filter steps come from PayloadDelta; the set steps from SetPlan, which orders them so
    // that
    // a refusal leaves the previous rules with their members (see SetPlan and program()).
    PayloadDelta.Delta d = PayloadDelta.full(next, inventory, jump4, jump6);
    SetPlan sets = SetPlan.of(next.sets(), SetPlan.namesOnly(inventory.sets()));
    clearTouched();
    program(rules.chains(), d, sets, !jump4);
    if (appliedStructure != null) {
      Set<IpAddress> gone = new TreeSet<>(ConntrackTargets.between(appliedStructure, model));
      gone.addAll(kernelSets.goneHosts(rules.slots(), model));
      if (!gone.isEmpty()) {
        netfilter.conntrackDelete(gone);
      }
    }
    kernelSets.reset(rules.slots(), model);
    return done(at, true, rules, model, d, sets, started);
  }

  /** Only what the facts read since the last apply changed. */
  private Applied applyDelta(long at, long started) {
    NodeModel model = rulesTouched ? desired.structure() : appliedStructure;
    NodeRenderer.Structure rules = rulesTouched ? NodeRenderer.rules(model, ruleCache) : applied;
    PayloadDelta.Delta d =
        rulesTouched ? PayloadDelta.chainsBetween(applied.chains(), rules.chains()) : NOTHING;
    KernelSets.Patch patch = kernelSets.patch(rules.slots(), desired, touchedEntries);
    SetPlan sets = patch.plan();
    boolean bindingsChanged = rulesTouched;
    clearTouched();
    program(rules.chains(), d, sets, true);
    Set<IpAddress> gone = new TreeSet<>(patch.goneHosts());
    if (bindingsChanged) {
      gone.addAll(ConntrackTargets.between(appliedStructure, model));
    }
    if (!gone.isEmpty()) {
      netfilter.conntrackDelete(gone);
    }
    kernelSets.commit(patch, rules.slots());
    return done(at, false, rules, model, d, sets, started);
  }

  private static final PayloadDelta.Delta NOTHING = new PayloadDelta.Delta("", "", "", "", 0, 0, 0);

  /**
   * What the facts touched is being applied now; a refusal makes the retry full (see {@link
   * #apply}).
   */
  private void clearTouched() {
    rulesTouched = false;
    touchedEntries = new HashMap<>();
  }

  private Applied done(
      long at,
      boolean full,
      NodeRenderer.Structure rules,
      NodeModel model,
      PayloadDelta.Delta d,
      SetPlan sets,
      long started) {
    boolean changed =
        !d.filter4().isEmpty()
            || !d.filter6().isEmpty()
            || !sets.prepare().isEmpty()
            || !sets.cleanup().isEmpty();
    applied = rules;
    appliedStructure = model;
    healthy = true;
    lastError = null;
    long micros = (System.nanoTime() - started) / 1000;
    return new Applied(
        at,
        full,
        changed,
        Duration.ofNanos(micros * 1000),
        d.changedChains(),
        sets.added(),
        sets.removed(),
        model.bindings().size(),
        fields("ok", null));
  }

  /**
   * Runs the steps of one apply: {@code ipset restore} of what the new rules need (additions only),
   * {@code iptables-restore} IPv4 then IPv6 (each atomic), then {@code ipset restore} of the
   * removals. When the kernel refuses a step before the new rules are complete, what the earlier
   * steps did is taken back, so the kernel holds the previously applied chains and set members, and
   * the refusal is thrown with the reason and that outcome (for the receipt).
   *
   * @param jump4Before whether IPv4 FORWARD held the jump before this apply
   */
  private void program(RenderedNode next, PayloadDelta.Delta d, SetPlan sets, boolean jump4Before) {
    String prepare = sets.prepare();
    try {
      netfilter.ipsetRestore(prepare);
    } catch (CommandFailedException e) {
      // ipset restore is not atomic: the lines before the refused one took effect.
      int executed =
          e.failedLine().isPresent() ? e.failedLine().getAsInt() - 1 : sets.prepareLines().size();
      throw refused(
          "ipset restore of the new sets and members", e, takeBack(sets.undo(executed), null));
    }
    boolean twoFamilies = !d.filter4().isEmpty() && !d.filter6().isEmpty();
    Map<String, List<String>> before4 =
        !twoFamilies
            ? null
            : applied != null ? applied.chains().chains4() : netfilter.ownedRules(4);
    try {
      netfilter.filterRestore(4, d.filter4());
    } catch (CommandFailedException e) {
      throw refused("iptables-restore of the IPv4 rules", e, takeBack(sets.undoAll(), null));
    }
    try {
      netfilter.filterRestore(6, d.filter6());
    } catch (CommandFailedException e) {
      String rollback4 =
          twoFamilies
              ? FilterRollback.text(
                  before4, jump4Before, next.chains4().keySet(), next.forwardJump())
              : null;
      throw refused("iptables-restore of the IPv6 rules", e, takeBack(sets.undoAll(), rollback4));
    }
    try {
      netfilter.ipsetRestore(sets.cleanup());
    } catch (CommandFailedException e) {
      throw new ApplyRefusedException(
          "ipset restore of the removals (after the new rules were applied) refused: "
              + e.reason()
              + "; the new rules are in place, stale members or sets remain until the retry",
          e);
    }
  }

  /**
   * Puts back the IPv4 rules (if given), then takes back the set additions; says what the kernel
   * holds.
   */
  private String takeBack(String undoSets, String rollback4) {
    try {
      if (rollback4 != null) {
        netfilter.filterRestore(4, rollback4);
      }
      netfilter.ipsetRestore(undoSets);
      return "the previous rules and set members stay";
    } catch (CommandFailedException e) {
      LOG.error("{}taking back the partial apply failed: {}", prefix, e.reason());
      return "taking back the partial apply failed too (" + e.reason() + ")";
    }
  }

  private static ApplyRefusedException refused(
      String step, CommandFailedException e, String outcome) {
    return new ApplyRefusedException(step + " refused: " + e.reason() + "; " + outcome, e);
  }

  /**
   * Compares what the kernel holds with what was applied: chains, rule counts, set sizes, the jump.
   */
  private boolean drifted() {
    try {
      for (int family : new int[] {4, 6}) {
        Map<String, Integer> have = netfilter.ruleCounts(family);
        Map<String, List<String>> want = applied.chains().chains(family);
        boolean same =
            have.size() == want.size()
                && want.entrySet().stream()
                    .allMatch(
                        e -> Integer.valueOf(e.getValue().size()).equals(have.get(e.getKey())));
        if (!same || !netfilter.hasForwardJump(family)) {
          LOG.warn(
              "{}drift in the IPv{} filter table (chains or rules changed by someone else): repairing",
              prefix,
              family);
          return true;
        }
      }
      Map<String, Integer> sizes = netfilter.setSizes();
      for (Map.Entry<String, Integer> s : kernelSets.sizes().entrySet()) {
        if (!s.getValue().equals(sizes.get(s.getKey()))) {
          LOG.warn(
              "{}drift in set {} ({} members, expected {}): repairing",
              prefix,
              s.getKey(),
              sizes.get(s.getKey()),
              s.getValue());
          return true;
        }
      }
      return false;
    } catch (CommandFailedException e) {
      LOG.warn("{}drift check failed: {}", prefix, e.getMessage());
      return false;
    }
  }

  private ReceiptFields fields(String result, String error) {
    return new ReceiptFields(
        settings.cluster(),
        settings.node(),
        position,
        setsPosition,
        sourceOffset,
        sourceObservedAt,
        result,
        error,
        applied == null ? 0 : applied.chains().ruleCount(4) + applied.chains().ruleCount(6),
        applied == null ? 0 : (int) kernelSets.members());
  }

  // ---- what the shell may read ----------------------------------------------------------------

  /** The node's rules are applied and the last apply succeeded. */
  public boolean healthy() {
    return healthy;
  }

  /** The reason of the last refusal being retried, or null. */
  public String lastError() {
    return lastError;
  }

  /** Whether an apply is due (now or after the backoff). */
  public boolean dirty() {
    return dirty;
  }

  /**
   * The shell has read its cluster's set-members partition up to {@code position} (the next offset
   * to read), everything before it offered; the receipts of later steps say so.
   */
  public void readSetsTo(long position) {
    this.setsPosition = position;
  }

  /** The next offset to read, as last given to {@link #readTo}. */
  public long position() {
    return position;
  }

  /**
   * What the kernel was last programmed with, or null before the first apply. Built on each call
   * (it copies every set member): for reports and dry-run payloads, not for every step.
   */
  public RenderedNode applied() {
    if (applied == null) {
      return null;
    }
    RenderedNode rules = applied.chains();
    return new RenderedNode(
        rules.node(), kernelSets.sets(), rules.chains4(), rules.chains6(), rules.forwardJump());
  }
}
