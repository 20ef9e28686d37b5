package io.fenceline.ingest;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode (real lists and watches) on loopback, with a client to
 * change it (as a user would) and a way to run a real ingest of it.
 */
final class MockCluster implements AutoCloseable {
  final String id;
  final KubernetesMockServer server;
  final KubernetesClient admin;

  MockCluster(String id) {
    this.id = id;
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    admin = server.createClient();
  }

  /** A running ingest of this cluster: its own client, publisher and informers. */
  final class Ingest implements AutoCloseable {
    final KubernetesClient client = server.createClient();
    final EventPublisher publisher;
    final ClusterIngest ingest;

    Ingest(IngestMetrics metrics, Duration crdRecheck) {
      publisher = EventPublisher.start(id, ItEnvironment.get().bootstrap(), metrics, Map.of());
      ingest = ClusterIngest.start(id, client, publisher, metrics, Clock.systemUTC(), crdRecheck);
    }

    @Override
    public void close() {
      ingest.close(Duration.ofSeconds(10));
      client.close();
    }
  }

  Ingest ingest(IngestMetrics metrics) {
    return new Ingest(metrics, Duration.ofMinutes(1));
  }

  /** An ingest that asks for ClusterNetworkPolicies again every {@code crdRecheck} while absent. */
  Ingest ingest(IngestMetrics metrics, Duration crdRecheck) {
    return new Ingest(metrics, crdRecheck);
  }

  /**
   * Serves ClusterNetworkPolicies as a cluster with the CRD installed does (CRUD mode lists any
   * resource, empty; this makes creates and watches of them work).
   */
  void serveClusterNetworkPolicies() {
    server.expectCustomResource(
        new CustomResourceDefinitionContext.Builder()
            .withGroup(CrdKindWatch.CLUSTER_NETWORK_POLICIES.getGroup())
            .withVersion(CrdKindWatch.CLUSTER_NETWORK_POLICIES.getVersion())
            .withPlural(CrdKindWatch.CLUSTER_NETWORK_POLICIES.getPlural())
            .withKind(CrdKindWatch.CLUSTER_NETWORK_POLICIES.getKind())
            .withScope("Cluster")
            .build());
  }

  /**
   * Answers ClusterNetworkPolicy lists with 404, as the API server of a cluster without the CRD
   * does: the first {@code times} lists ingest makes, or all of them ({@code times} 0). Discovery
   * of the group answers 404 too.
   */
  void withoutClusterNetworkPolicies(int times) {
    var notFound =
        server
            .expect()
            .get()
            .withPath("/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies?limit=1")
            .andReturn(404, "404 page not found");
    if (times == 0) {
      notFound.always();
    } else {
      notFound.times(times);
    }
    server
        .expect()
        .get()
        .withPath("/apis/policy.networking.k8s.io")
        .andReturn(404, "404 page not found")
        .always();
  }

  /** ClusterNetworkPolicies of this cluster, for changing them as a user would. */
  MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      clusterPolicies() {
    return admin.genericKubernetesResources(CrdKindWatch.CLUSTER_NETWORK_POLICIES);
  }

  @Override
  public void close() {
    admin.close();
    server.destroy();
  }
}
