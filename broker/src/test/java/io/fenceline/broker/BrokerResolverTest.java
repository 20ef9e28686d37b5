package io.fenceline.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BrokerResolverTest {
  @TempDir Path dataDir;

  @Test
  void readOnlyUseFailsClearlyWhenNothingRuns() {
    assertThatThrownBy(() -> BrokerResolver.resolve(null, dataDir, false))
        .isInstanceOf(NoBrokerRunningException.class)
        .hasMessage(
            "no broker running for data dir "
                + dataDir.toAbsolutePath().normalize()
                + "; start one with `fenceline kafka` or pass --bootstrap-servers");
    // ... and creates no broker, no files.
    assertThat(Files.exists(dataDir.resolve("kafka"))).isFalse();
  }

  @Test
  void anExplicitAddressWins() {
    try (BrokerResolver.Resolved r = BrokerResolver.resolve(" kafka:9092 ", dataDir, false)) {
      assertThat(r.bootstrapServers()).isEqualTo("kafka:9092");
      assertThat(r.started()).isEmpty();
    }
  }

  @Test
  @Timeout(60)
  void startsABrokerOnlyWhenAllowedAndReusesARunningOne() {
    String address;
    try (BrokerResolver.Resolved started = BrokerResolver.resolve(null, dataDir, true)) {
      assertThat(started.started()).isPresent();
      address = started.bootstrapServers();
      try (BrokerResolver.Resolved reused = BrokerResolver.resolve(null, dataDir, false)) {
        assertThat(reused.bootstrapServers()).isEqualTo(address);
        assertThat(reused.started()).isEmpty();
      }
      try (BrokerResolver.Resolved reused = BrokerResolver.resolve("", dataDir, true)) {
        assertThat(reused.bootstrapServers()).isEqualTo(address);
        assertThat(reused.started()).isEmpty();
      }
      assertThat(started.startedBroker().isRunning()).isTrue();
    }
    assertThat(BrokerDirectory.lookup(dataDir)).isEmpty();
    assertThatThrownBy(() -> BrokerResolver.resolve(null, dataDir, false))
        .isInstanceOf(NoBrokerRunningException.class);
  }
}
