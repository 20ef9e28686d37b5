package io.fenceline.testcontainers;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** The extension behind {@link Fenceline}: one started container per test class. */
public final class FencelineExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(FencelineExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Fenceline config =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Fenceline.class)
            .orElseThrow(() -> new IllegalStateException("@Fenceline missing"));
    FencelineContainer c = new FencelineContainer().withProbePorts(config.probePorts());
    ClassLoader loader = context.getRequiredTestClass().getClassLoader();
    for (String m : config.manifests()) {
      String resource = m.startsWith("/") ? m.substring(1) : m;
      if (loader.getResource(resource) != null) {
        c.withManifestsFromClasspath(resource);
      } else if (Files.exists(Path.of(m))) {
        c.withManifests(Path.of(m));
      } else {
        throw new IllegalArgumentException(
            "@Fenceline manifests: " + m + " is neither a classpath resource nor a path");
      }
    }
    // stored first, so it is stopped even when start() fails half-way
    context.getStore(NS).put(FencelineContainer.class, new Stopper(c));
    c.start();
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
    return p.getParameter().getType() == FencelineContainer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext context) {
    Stopper s = context.getStore(NS).get(FencelineContainer.class, Stopper.class);
    if (s == null) {
      throw new IllegalStateException("no fenceline container: is the class annotated @Fenceline?");
    }
    return s.container();
  }

  /** Stops the container when the class's store closes. */
  private record Stopper(FencelineContainer container) implements AutoCloseable {
    @Override
    public void close() {
      container.stop();
    }
  }
}
