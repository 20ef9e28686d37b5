package io.fenceline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerDirectoryTest {
  @TempDir Path dataDir;

  @Test
  void seesALiveBrokerAndIgnoresStaleFiles() throws Exception {
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      String address = "127.0.0.1:" + listener.getLocalPort();

      BrokerDirectory.publish(dataDir, address);
      assertThat(BrokerDirectory.read(dataDir))
          .get()
          .satisfies(e -> assertThat(e.pid()).isEqualTo(ProcessHandle.current().pid()));
      assertThat(BrokerDirectory.lookup(dataDir)).contains(address);

      // The writer died: stale, whatever answers on the port.
      long deadPid = deadPid();
      write(
          "{\"bootstrapServers\": \""
              + address
              + "\", \"pid\": "
              + deadPid
              + ", \"startedAt\": \"2026-01-01T00:00:00Z\"}");
      assertThat(BrokerDirectory.read(dataDir)).isPresent();
      assertThat(BrokerDirectory.lookup(dataDir)).isEmpty();
    }
    // The writer lives but nothing listens any more: stale.
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    BrokerDirectory.publish(dataDir, "127.0.0.1:" + closedPort);
    assertThat(BrokerDirectory.lookup(dataDir)).isEmpty();

    write("not json at all");
    assertThat(BrokerDirectory.lookup(dataDir)).isEmpty();

    BrokerDirectory.withdraw(dataDir);
    assertThat(Files.exists(BrokerDirectory.file(dataDir))).isFalse();
    assertThat(BrokerDirectory.lookup(dataDir)).isEmpty();
  }

  @Test
  void theLockIsExclusiveUntilReleased() {
    BrokerDirectory.Lock lock = BrokerDirectory.tryLock(dataDir).orElseThrow();
    try {
      assertThat(BrokerDirectory.tryLock(dataDir)).isEmpty();
      assertThat(BrokerDirectory.isLocked(dataDir)).isTrue();
    } finally {
      lock.close();
    }
    assertThat(BrokerDirectory.isLocked(dataDir)).isFalse();
  }

  @Test
  void defaultDataDirIsUnderTheRepositoryRoot() {
    String old = System.getProperty(DataDirs.ROOT_PROPERTY);
    try {
      System.setProperty(DataDirs.ROOT_PROPERTY, dataDir.toString());
      assertThat(DataDirs.defaultDataDir())
          .isEqualTo(dataDir.toAbsolutePath().resolve(".fenceline"));
      System.clearProperty(DataDirs.ROOT_PROPERTY);
      assertThat(DataDirs.defaultDataDir())
          .isEqualTo(
              Path.of(System.getProperty("user.dir"))
                  .toAbsolutePath()
                  .normalize()
                  .resolve(".fenceline"));
    } finally {
      if (old != null) {
        System.setProperty(DataDirs.ROOT_PROPERTY, old);
      }
    }
  }

  private void write(String json) throws Exception {
    Files.writeString(BrokerDirectory.file(dataDir), json);
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
