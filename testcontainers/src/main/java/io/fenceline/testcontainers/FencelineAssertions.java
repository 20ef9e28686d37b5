package io.fenceline.testcontainers;

/** Entry point of the assertions: {@code assertThat(fenceline).pod("shop/frontend")...}. */
public final class FencelineAssertions {
  private FencelineAssertions() {}

  public static FencelineAssert assertThat(FencelineContainer fenceline) {
    return new FencelineAssert(fenceline);
  }
}
