package io.fenceline.ingest;

import io.fabric8.kubernetes.client.KubernetesClient;
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

    Ingest(IngestMetrics metrics) {
      publisher = EventPublisher.start(id, ItEnvironment.get().bootstrap(), metrics, Map.of());
      ingest = ClusterIngest.start(id, client, publisher, metrics, Clock.systemUTC());
    }

    @Override
    public void close() {
      ingest.close(Duration.ofSeconds(10));
      client.close();
    }
  }

  Ingest ingest(IngestMetrics metrics) {
    return new Ingest(metrics);
  }

  @Override
  public void close() {
    admin.close();
    server.destroy();
  }
}
