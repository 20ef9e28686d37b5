package io.fenceline.testcontainers;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts one {@link FencelineContainer} for the test class (before its first test, stopped after
 * the last) with these manifests, and passes it to test methods and lifecycle methods that take a
 * {@code FencelineContainer} parameter.
 *
 * <pre>{@code
 * @Fenceline(manifests = "policies/")
 * class PolicyTest {
 *   @Test
 *   void frontendReachesBackend(FencelineContainer fenceline) {
 *     assertThat(fenceline).pod("shop/frontend").canReach("shop/backend", 8080);
 *   }
 * }
 * }</pre>
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(FencelineExtension.class)
public @interface Fenceline {
  /**
   * Manifest files or folders: classpath resources, or (when no such resource exists) paths
   * relative to the working directory.
   */
  String[] manifests();

  /**
   * Ports to serve besides those the manifests name ({@link FencelineContainer#withProbePorts}).
   */
  int[] probePorts() default {};
}
