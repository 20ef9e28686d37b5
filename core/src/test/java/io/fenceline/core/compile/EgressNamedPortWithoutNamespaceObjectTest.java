package io.fenceline.core.compile;

import static io.fenceline.core.model.Protocol.TCP;
import static io.fenceline.core.testing.ClusterFixtures.ipBlock;
import static io.fenceline.core.testing.ClusterFixtures.labels;
import static io.fenceline.core.testing.ClusterFixtures.namespace;
import static io.fenceline.core.testing.ClusterFixtures.pod;
import static io.fenceline.core.testing.ClusterFixtures.policy;
import static io.fenceline.core.testing.ClusterFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.reference.Flow;
import io.fenceline.core.reference.NodeModelInterpreter;
import io.fenceline.core.reference.ReferenceModel;
import io.fenceline.core.testing.ClusterFixtures;
import io.fenceline.core.testing.FactFold;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An egress rule with a named port and no peer (or only an ipBlock) allows that port on ANY
 * destination pod. The compiler puts those pods in a set selected with {@code namespaceSelector:
 * {}}, which only covers pods whose Namespace object it has seen: a pod whose namespace has not
 * arrived (informers of different kinds deliver in any order) or is absent from a manifest (a
 * {@code compile} of pods and policies only, as most demo files are) is left out, and the allowed
 * traffic is rejected. Without a named port the same rules allow that traffic.
 */
class EgressNamedPortWithoutNamespaceObjectTest {
  private final Pod client =
      pod("x", "client").label("app", "client").ip("10.244.1.10").on("node-1").build();
  private final Pod server =
      pod("y", "server").ip("10.244.1.20").on("node-2").port("http", 8080, TCP).build();

  private static NetworkPolicy egressNamedHttp(boolean onlyInBlock) {
    return policy("x", "egress-http")
        .select(labels("app", "client"))
        .types(Direction.EGRESS)
        .egress(
            onlyInBlock
                ? rule().to(ipBlock("10.244.0.0/16")).port(PolicyPort.named(TCP, "http"))
                : rule().port(PolicyPort.named(TCP, "http")))
        .build();
  }

  private void assertAgrees(List<ClusterObject> objects) {
    FactFold fold = FactFold.compile(ClusterFixtures.upserts(objects));
    Flow flow =
        new Flow(
            Flow.Endpoint.pod(client.key(), client.ips().get(0)),
            Flow.Endpoint.pod(server.key(), server.ips().get(0)),
            TCP,
            8080);
    boolean expected = new ReferenceModel(objects).allows(flow);
    assertThat(expected).isTrue();
    assertThat(new NodeModelInterpreter(fold.table(), objects).allows(flow))
        .as("%s with facts\n%s", flow, fold.describe())
        .isEqualTo(expected);
  }

  @Test
  void anyPeerNamedPortWithTheNamespaceObjectKnown() {
    assertAgrees(
        List.of(
            namespace("x").build(),
            namespace("y").build(),
            client,
            server,
            egressNamedHttp(false)));
  }

  @Test
  void anyPeerNamedPortReachesAPodWhoseNamespaceObjectIsUnknown() {
    assertAgrees(List.of(client, server, egressNamedHttp(false)));
  }

  @Test
  void ipBlockNamedPortReachesAPodWhoseNamespaceObjectIsUnknown() {
    assertAgrees(List.of(client, server, egressNamedHttp(true)));
  }

  @Test
  void aNamespaceThatArrivesLastStillEndsInTheSameFacts() {
    List<ClusterObject> objects = new ArrayList<>(List.of(client, server, egressNamedHttp(false)));
    objects.add(namespace("y").build());
    assertAgrees(objects);
  }
}
