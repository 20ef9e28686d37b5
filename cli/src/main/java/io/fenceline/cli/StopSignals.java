package io.fenceline.cli;

import java.lang.reflect.Proxy;

/**
 * Turns SIGTERM and SIGINT into an orderly stop that returns from the command (so the process exits
 * 0), instead of the JVM's default of running shutdown hooks and exiting 143/130. A second signal
 * runs the caller's second action (exit at once). Used through {@link GracefulStop#trapSignals}.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported, present in every JDK 17+) is used
 * reflectively to keep the build free of internal-API warnings. Where it is missing, nothing is
 * installed and shutdown hooks still stop the broker cleanly.
 */
final class StopSignals {
  private StopSignals() {}

  /**
   * Installs handlers for TERM and INT that call {@code onFirst}; returns false when signals are
   * unavailable.
   */
  static boolean install(Runnable onFirst, Runnable onSecond) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      boolean[] seen = {false};
      Object handler =
          Proxy.newProxyInstance(
              StopSignals.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  boolean second;
                  synchronized (seen) {
                    second = seen[0];
                    seen[0] = true;
                  }
                  (second ? onSecond : onFirst).run();
                  return null;
                }
                return switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "fenceline stop handler";
                  default -> null;
                };
              });
      for (String name : new String[] {"TERM", "INT"}) {
        Object signal = signalClass.getConstructor(String.class).newInstance(name);
        signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
