package io.fenceline.testcontainers;

import org.assertj.core.api.AbstractAssert;

/** Assertions on a started {@link FencelineContainer}. */
public final class FencelineAssert extends AbstractAssert<FencelineAssert, FencelineContainer> {

  FencelineAssert(FencelineContainer actual) {
    super(actual, FencelineAssert.class);
  }

  /** Assertions about connections from this pod (namespace/name). */
  public PodAssert pod(String pod) {
    isNotNull();
    return new PodAssert(actual, pod);
  }
}
