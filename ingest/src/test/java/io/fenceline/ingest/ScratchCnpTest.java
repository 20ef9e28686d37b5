package io.fenceline.ingest;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScratchCnpTest {
  static final ResourceDefinitionContext CTX =
      new ResourceDefinitionContext.Builder()
          .withGroup("policy.networking.k8s.io")
          .withVersion("v1alpha2")
          .withPlural("clusternetworkpolicies")
          .withKind("ClusterNetworkPolicy")
          .withNamespaced(false)
          .build();

  @Test
  void explore() throws Exception {
    try (MockCluster c = new MockCluster("scratch")) {
      try {
        var l =
            c.admin
                .genericKubernetesResources(CTX)
                .list(new ListOptionsBuilder().withLimit(1L).build());
        System.err.println("LIST unregistered: " + l.getItems().size());
      } catch (KubernetesClientException e) {
        System.err.println("LIST unregistered ex code " + e.getCode() + " " + e.getMessage());
      }
      System.err.println("GROUP " + c.admin.getApiGroup("policy.networking.k8s.io"));
      c.server
          .expect()
          .get()
          .withPath("/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies?limit=1")
          .andReturn(404, "404 page not found")
          .once();
      try {
        c.admin
            .genericKubernetesResources(CTX)
            .list(new ListOptionsBuilder().withLimit(1L).build());
        System.err.println("LIST expected 404 but OK");
      } catch (KubernetesClientException e) {
        System.err.println("LIST 404 ex code " + e.getCode() + " " + e.getMessage());
      }
      c.server.expectCustomResource(
          new CustomResourceDefinitionContext.Builder()
              .withGroup("policy.networking.k8s.io")
              .withVersion("v1alpha2")
              .withPlural("clusternetworkpolicies")
              .withKind("ClusterNetworkPolicy")
              .withScope("Cluster")
              .build());
      System.err.println("RES " + c.admin.getApiResources("policy.networking.k8s.io/v1alpha2"));
      var inf = c.admin.genericKubernetesResources(CTX).runnableInformer(0);
      inf.addEventHandler(
          new ResourceEventHandler<GenericKubernetesResource>() {
            public void onAdd(GenericKubernetesResource o) {
              System.err.println(
                  "ADD "
                      + o.getKind()
                      + " "
                      + o.getApiVersion()
                      + " "
                      + o.getMetadata().getName()
                      + " "
                      + o.getAdditionalProperties());
            }

            public void onUpdate(GenericKubernetesResource a, GenericKubernetesResource o) {
              System.err.println("UPD " + o.getAdditionalProperties());
            }

            public void onDelete(GenericKubernetesResource o, boolean u) {
              System.err.println("DEL " + o.getMetadata().getName());
            }

            public void onList(String rv, boolean e) {
              System.err.println("LISTED " + rv);
            }
          });
      inf.start().toCompletableFuture().get();
      GenericKubernetesResource g =
          new GenericKubernetesResourceBuilder()
              .withApiVersion("policy.networking.k8s.io/v1alpha2")
              .withKind("ClusterNetworkPolicy")
              .withNewMetadata()
              .withName("deny-x")
              .endMetadata()
              .withAdditionalProperties(Map.of("spec", Map.of("tier", "Admin", "priority", 10)))
              .build();
      c.admin.genericKubernetesResources(CTX).resource(g).create();
      Thread.sleep(1000);
      c.admin
          .genericKubernetesResources(CTX)
          .withName("deny-x")
          .edit(
              x -> {
                x.setAdditionalProperty("spec", Map.of("tier", "Baseline", "priority", 3));
                return x;
              });
      Thread.sleep(1000);
      c.admin.genericKubernetesResources(CTX).withName("deny-x").delete();
      Thread.sleep(1000);
      inf.stop();
    }
  }
}
