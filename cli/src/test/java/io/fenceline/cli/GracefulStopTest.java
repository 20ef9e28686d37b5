package io.fenceline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GracefulStopTest {
  @Test
  void stopsWhatWasRegisteredNewestFirstSoClientsCloseBeforeTheirBroker() throws Exception {
    List<String> closed = new ArrayList<>();
    try (GracefulStop stop = new GracefulStop("test-stop", Duration.ofSeconds(1))) {
      stop.register(() -> closed.add("broker"));
      stop.register(null);
      stop.register(() -> closed.add("client"));
    }
    assertThat(closed).containsExactly("client", "broker");
  }

  @Test
  void aRequestEndsTheWait() throws Exception {
    try (GracefulStop stop = new GracefulStop("test-stop", Duration.ofSeconds(1))) {
      assertThat(stop.requested()).isFalse();
      new Thread(stop::request).start();
      stop.await();
      assertThat(stop.requested()).isTrue();
    }
  }

  @Test
  void stopsEverythingEvenWhenOneFailsAndReportsTheFirstFailure() {
    List<String> closed = new ArrayList<>();
    GracefulStop stop = new GracefulStop("test-stop", Duration.ofSeconds(1));
    stop.register(() -> closed.add("broker"));
    stop.register(
        () -> {
          throw new IllegalStateException("engine would not close");
        });
    stop.register(() -> closed.add("health"));
    assertThatThrownBy(stop::close).hasMessage("engine would not close");
    assertThat(closed).containsExactly("health", "broker");
  }

  @Test
  void aCommandThatEndsOnItsOwnLeavesNoHookBehind() throws Exception {
    GracefulStop stop = new GracefulStop("test-stop", Duration.ofSeconds(1));
    stop.listen();
    stop.close();
    assertThat(Runtime.getRuntime().removeShutdownHook(stop.hook()))
        .as("the hook was still registered")
        .isFalse();
  }
}
