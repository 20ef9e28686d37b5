package io.fenceline.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;

/**
 * SCRAM credentials of the embedded broker's users. KRaft keeps them in the cluster metadata, so
 * they are created through the broker's own (loopback PLAINTEXT, super user) listener once it runs,
 * as {@code kafka-configs.sh --alter --add-config SCRAM-SHA-512=[password=...]} would, and awaited
 * until the broker serves them.
 */
final class ScramUsers {
  private static final int ITERATIONS = 4096;

  private ScramUsers() {}

  static void upsert(
      String bootstrap, String mechanism, Map<String, String> users, Duration timeout) {
    ScramMechanism m = ScramMechanism.fromMechanismName(mechanism);
    if (m == ScramMechanism.UNKNOWN) {
      throw new BrokerException("unknown SCRAM mechanism " + mechanism);
    }
    long deadline = System.nanoTime() + Math.max(timeout.toNanos(), TimeUnit.SECONDS.toNanos(1));
    List<UserScramCredentialAlteration> upserts = new ArrayList<>();
    users.forEach(
        (user, password) ->
            upserts.add(
                new UserScramCredentialUpsertion(
                    user, new ScramCredentialInfo(m, ITERATIONS), password)));
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "fenceline-embedded-kafka-scram"))) {
      admin.alterUserScramCredentials(upserts).all().get(left(deadline), TimeUnit.MILLISECONDS);
      while (true) {
        Map<String, UserScramCredentialsDescription> described =
            admin.describeUserScramCredentials().all().get(left(deadline), TimeUnit.MILLISECONDS);
        if (described.keySet().containsAll(Set.copyOf(users.keySet()))) {
          return;
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new BrokerException(
              "the embedded broker at "
                  + bootstrap
                  + " did not serve the SCRAM credentials of "
                  + users.keySet()
                  + " in time (has "
                  + described.keySet()
                  + ")");
        }
        Thread.sleep(50);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new BrokerException(
          "creating the SCRAM users "
              + users.keySet()
              + " on the embedded broker at "
              + bootstrap
              + " failed: "
              + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException("interrupted while creating SCRAM users on the embedded broker", e);
    }
  }

  private static long left(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }
}
