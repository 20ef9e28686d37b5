package io.fenceline.applier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.applier.sync.NodeSync.Applied;
import io.fenceline.applier.sync.NodeSync.Current;
import io.fenceline.applier.sync.NodeSync.DriftFound;
import io.fenceline.applier.sync.NodeSync.Failed;
import io.fenceline.applier.sync.NodeSync.Heartbeat;
import io.fenceline.applier.sync.NodeSync.Idle;
import io.fenceline.applier.sync.NodeSync.Step;
import io.fenceline.core.facts.Clause;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetKind;
import io.fenceline.core.facts.SetMemberFact;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node's sync without a broker or a kernel: a fake Netfilter and a clock moved by hand. */
class NodeSyncTest {
  private static final String CLUSTER = "c1";
  private static final String NODE = "n1";
  private static final Duration DRIFT = Duration.ofMinutes(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);
  private static final Duration HEARTBEAT = Duration.ofSeconds(30);
  private static final SetRef PEERS = new SetRef("PEERSET000000001", SetKind.POD_IPS, 4, "app=web");

  private final FakeNetfilter kernel = new FakeNetfilter();
  private final NodeSync sync =
      NodeSync.of(new NodeSync.Settings(CLUSTER, NODE, DRIFT, MAX_BACKOFF, HEARTBEAT), kernel);
  private Instant now = Instant.parse("2026-01-01T10:00:00Z");
  private long offset;

  // ---- fixtures -------------------------------------------------------------------------------

  private static FactCodec.Decoded binding(String node, String pod, String ip) {
    PodBindingFact b =
        new PodBindingFact(
            node,
            ObjectKey.of("prod", pod),
            List.of(IpAddress.parse(ip)),
            true,
            false,
            List.of("CHAINDB000000001"),
            List.of());
    return new FactCodec.Decoded(CLUSTER, b.key(), b);
  }

  private static FactCodec.Decoded chain() {
    PolicyChainFact c =
        new PolicyChainFact(
            "CHAINDB000000001",
            ObjectKey.of("prod", "allow-web"),
            Direction.INGRESS,
            List.of(new Clause(PEERS, null, null, null, null, "prod/allow-web")));
    return new FactCodec.Decoded(CLUSTER, c.key(), c);
  }

  private static FactCodec.Decoded member(String ip) {
    SetMemberFact m = new SetMemberFact(PEERS.id(), SetEntry.ip(IpAddress.parse(ip)));
    return new FactCodec.Decoded(CLUSTER, m.key(), m);
  }

  /**
   * Offers one poll's records, each from the next source event, and where the poll left the
   * position.
   */
  private void poll(FactCodec.Decoded... records) {
    for (FactCodec.Decoded d : records) {
      offset++;
      sync.offer(d, new NodeSync.Source(1000 + offset, now));
    }
    sync.readTo(offset, records.length);
  }

  /** Steps until idle, as the shell does, and returns every step (the idle one last). */
  private List<Step> stepAll() {
    List<Step> steps = new ArrayList<>();
    Step s;
    do {
      s = sync.step(now);
      steps.add(s);
    } while (!(s instanceof Idle) && steps.size() < 10);
    return steps;
  }

  private void advance(Duration d) {
    now = now.plus(d);
  }

  private void startApplied() {
    poll(member("10.0.1.1"), member("10.0.1.2"), chain(), binding(NODE, "db", "10.0.0.1"));
    assertThat(stepAll()).first().isInstanceOf(Applied.class);
    kernel.calls.clear();
  }

  // ---- (a) a refusal, then recovery -----------------------------------------------------------

  @Test
  void shouldReportTheRefusalAndRetryFromTheFullStateOnlyAfterTheBackoff() {
    poll(member("10.0.1.1"), chain(), binding(NODE, "db", "10.0.0.1"));
    kernel.refuseNext("filter4");

    Step first = sync.step(now);

    assertThat(first).isInstanceOf(Failed.class);
    Failed f = (Failed) first;
    assertThat(f.reason())
        .contains("iptables-restore of the IPv4 rules refused")
        .contains("told to refuse")
        .contains("the previous rules and set members stay");
    assertThat(f.retryAt()).isEqualTo(now.plusMillis(500));
    assertThat(f.receipt().result()).isEqualTo("failed");
    assertThat(f.receipt().error()).isEqualTo(f.reason());
    assertThat(sync.healthy()).isFalse();
    assertThat(sync.lastError()).isEqualTo(f.reason());
    // the set additions were taken back: the kernel holds what it held before (nothing)
    assertThat(kernel.setSizes()).isEmpty();
    assertThat(kernel.ruleCounts(4)).isEmpty();

    advance(Duration.ofMillis(499));
    List<Step> early = stepAll();
    assertThat(early).noneMatch(s -> s instanceof Applied || s instanceof Current);
    assertThat(early).last().isEqualTo(new Idle(f.retryAt()));

    advance(Duration.ofMillis(1));
    Step retry = sync.step(now);

    assertThat(retry).isInstanceOf(Applied.class);
    Applied a = (Applied) retry;
    assertThat(a.full()).isTrue();
    assertThat(a.position()).isEqualTo(3);
    assertThat(a.receipt().result()).isEqualTo("ok");
    assertThat(a.receipt().sourceOffset()).isEqualTo(1003);
    assertThat(kernel.ruleCounts(4)).isNotEmpty();
    assertThat(kernel.setSizes()).containsEntry(sync.applied().sets().get(0).name(), 1);
    assertThat(sync.healthy()).isTrue();
    assertThat(sync.lastError()).isNull();
  }

  @Test
  void shouldDoubleTheBackoffUpToTheMaximumAndResetItAfterSuccess() {
    poll(member("10.0.1.1"), chain(), binding(NODE, "db", "10.0.0.1"));
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      kernel.refuseNext("ipset");
      Failed f = (Failed) sync.step(now);
      waits.add(Duration.between(now, f.retryAt()).toMillis());
      now = f.retryAt();
    }
    assertThat(waits).containsExactly(500L, 1000L, 2000L, 4000L, 4000L);
    assertThat(sync.step(now)).isInstanceOf(Applied.class);

    poll(member("10.0.1.9"));
    kernel.refuseNext("ipset");
    Failed again = (Failed) sync.step(now);
    assertThat(again.retryAt()).isEqualTo(now.plusMillis(500));
  }

  @Test
  void shouldTakeBackTheIpv4RulesWhenIpv6IsRefused() {
    startApplied();
    // a dual-stack pod: the apply writes both families
    poll(
        binding(NODE, "db", "10.0.0.1"),
        new FactCodec.Decoded(
            CLUSTER,
            binding(NODE, "web", "fd00::5").key(),
            new PodBindingFact(
                NODE,
                ObjectKey.of("prod", "web"),
                List.of(IpAddress.parse("10.0.0.5"), IpAddress.parse("fd00::5")),
                true,
                false,
                List.of("CHAINDB000000001"),
                List.of())));
    var before4 = kernel.ruleCounts(4);
    kernel.refuseNext("filter6");

    Step s = sync.step(now);

    assertThat(s).isInstanceOf(Failed.class);
    assertThat(((Failed) s).reason()).contains("iptables-restore of the IPv6 rules refused");
    // the kernel calls in order: prepare (nothing to add), IPv4, IPv6 refused, IPv4 put back, set
    // additions taken back
    assertThat(kernel.restores())
        .containsExactly("ipset 0", "filter4 15", "filter6 REFUSED", "filter4 18", "ipset 0");
    assertThat(kernel.ruleCounts(4)).isEqualTo(before4);
  }

  // ---- (b) drift ------------------------------------------------------------------------------

  @Test
  void shouldFindDriftAtTheIntervalAndRepairItWithAFullApply() {
    startApplied();
    String set = sync.applied().sets().get(0).name();
    kernel.kernel.ipsetRestore("del " + set + " 10.0.1.2\n"); // someone else removed a member
    assertThat(kernel.setSizes()).containsEntry(set, 1);

    advance(DRIFT.minusSeconds(1));
    assertThat(stepAll()).noneMatch(s -> s instanceof DriftFound || s instanceof Applied);

    advance(Duration.ofSeconds(1));
    List<Step> steps = stepAll();

    assertThat(steps.get(0)).isInstanceOf(DriftFound.class);
    assertThat(steps.get(1)).isInstanceOf(Applied.class);
    assertThat(((Applied) steps.get(1)).full()).isTrue();
    assertThat(kernel.calls).contains("inventory");
    assertThat(kernel.setSizes()).containsEntry(set, 2);

    advance(DRIFT);
    assertThat(stepAll()).noneMatch(s -> s instanceof DriftFound);
  }

  @Test
  void shouldFindALostChainRuleAsDrift() {
    startApplied();
    String chain = sync.applied().chains4().keySet().iterator().next();
    kernel.kernel.filterRestore(
        4, "*filter\n:" + chain + " - [0:0]\nCOMMIT\n"); // flushed by someone else

    advance(DRIFT);

    assertThat(stepAll()).first().isInstanceOf(DriftFound.class);
    assertThat(kernel.ruleCounts(4).get(chain))
        .isEqualTo(sync.applied().chains4().get(chain).size());
  }

  // ---- (c) a full resync after a gap ----------------------------------------------------------

  @Test
  void shouldApplyFactsArrivingAfterARefusalAsAFullState() {
    startApplied();
    poll(member("10.0.1.3"));
    kernel.refuseNext("ipset");
    Failed f = (Failed) sync.step(now);
    assertThat(f.position()).isEqualTo(5);
    poll(member("10.0.1.4"));
    kernel.calls.clear();

    now = f.retryAt();
    Applied a = (Applied) sync.step(now);

    assertThat(a.full()).isTrue();
    assertThat(a.position()).isEqualTo(6);
    assertThat(kernel.calls).first().isEqualTo("inventory");
    assertThat(kernel.setSizes()).containsEntry(sync.applied().sets().get(0).name(), 4);

    poll(member("10.0.1.5"));
    Applied next = (Applied) sync.step(now);
    assertThat(next.full()).isFalse();
  }

  @Test
  void shouldApplyOnlyTheDeltaWhenNothingWasRefused() {
    startApplied();
    poll(member("10.0.1.3"));

    Applied a = (Applied) sync.step(now);

    assertThat(a.full()).isFalse();
    assertThat(a.changed()).isTrue();
    assertThat(kernel.calls).doesNotContain("inventory");
    assertThat(kernel.restores()).containsExactly("ipset 1", "filter4 0", "filter6 0", "ipset 0");
  }

  // ---- (d) records for other nodes only -------------------------------------------------------

  @Test
  void shouldBeCurrentWithoutApplyingWhenRecordsConcernOtherNodesOnly() {
    startApplied();
    poll(
        binding("n2", "cache", "10.0.2.1"),
        new FactCodec.Decoded(
            "other-cluster",
            binding(NODE, "x", "10.9.0.1").key(),
            binding(NODE, "x", "10.9.0.1").value()));

    List<Step> steps = stepAll();

    assertThat(steps.get(0))
        .isEqualTo(new Current(6, steps.get(0) instanceof Current c ? c.receipt() : null));
    assertThat(((Current) steps.get(0)).receipt().result()).isEqualTo("ok");
    assertThat(((Current) steps.get(0)).receipt().factsOffset()).isEqualTo(6);
    assertThat(steps).hasSize(2).last().isInstanceOf(Idle.class);
    assertThat(kernel.calls).isEmpty();
  }

  @Test
  void shouldNotReportCurrentForAPollWithoutRecords() {
    startApplied();
    sync.readTo(offset, 0);
    assertThat(stepAll()).singleElement().isInstanceOf(Idle.class);
  }

  // ---- (e) heartbeats -------------------------------------------------------------------------

  @Test
  void shouldSendAHeartbeatWhenNothingWasPublishedForAnInterval() {
    startApplied();
    advance(HEARTBEAT.minusMillis(1));
    assertThat(stepAll()).singleElement().isEqualTo(new Idle(now.plusMillis(1)));

    advance(Duration.ofMillis(1));
    List<Step> steps = stepAll();

    assertThat(steps.get(0)).isInstanceOf(Heartbeat.class);
    Heartbeat h = (Heartbeat) steps.get(0);
    assertThat(h.receipt().result()).isEqualTo("ok");
    assertThat(h.receipt().factsOffset()).isEqualTo(4);
    assertThat(h.receipt().rules()).isPositive();
    assertThat(steps).hasSize(2);
    assertThat(kernel.calls).isEmpty();
  }

  @Test
  void shouldRepeatTheFailureBeingRetriedAsTheHeartbeat() {
    poll(member("10.0.1.1"), chain(), binding(NODE, "db", "10.0.0.1"));
    NodeSync slow =
        NodeSync.of(
            new NodeSync.Settings(
                CLUSTER, NODE, DRIFT, Duration.ofMinutes(5), Duration.ofSeconds(1)),
            kernel);
    slow.offer(chain(), null);
    for (int i = 0; i < 4; i++) { // backoff 500, 1000, 2000, 4000 ms
      kernel.refuseNext("filter4");
      Failed f = (Failed) slow.step(now);
      now = f.retryAt();
    }
    kernel.refuseNext("filter4");
    Failed last = (Failed) slow.step(now); // retry in 8 s
    advance(Duration.ofSeconds(1));

    Step s = slow.step(now);

    assertThat(s).isInstanceOf(Heartbeat.class);
    assertThat(((Heartbeat) s).receipt().result()).isEqualTo("failed");
    assertThat(((Heartbeat) s).receipt().error()).isEqualTo(last.reason());
  }
}
