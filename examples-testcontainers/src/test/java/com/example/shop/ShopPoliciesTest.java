package com.example.shop;

import static io.fenceline.testcontainers.FencelineAssertions.assertThat;

import io.fenceline.testcontainers.Fenceline;
import io.fenceline.testcontainers.FencelineContainer;
import org.junit.jupiter.api.Test;

/** The shop's policies as they are on the main branch (policies/). */
@Fenceline(manifests = "policies/")
class ShopPoliciesTest {

  @Test
  void frontendReachesBackend(FencelineContainer fenceline) {
    assertThat(fenceline).pod("shop/frontend").canReach("shop/backend", 8080);
  }

  @Test
  void frontendCannotReachDatabase(FencelineContainer fenceline) {
    assertThat(fenceline).pod("shop/frontend").cannotReach("shop/db", 5432);
  }
}
