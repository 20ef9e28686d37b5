package io.fenceline.kafka.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates fenceline's topics idempotently and checks existing ones: a topic that exists with a
 * different partition count or cleanup policy is an error naming the difference, never ignored (a
 * wrong partition count would silently break the node → partition mapping).
 */
public final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
  private static final List<String> CHECKED_CONFIGS = List.of("cleanup.policy");

  private TopicAdmin() {}

  /** Thrown when an existing topic does not match its spec. */
  public static final class TopicMismatchException extends RuntimeException {
    public TopicMismatchException(String message) {
      super(message);
    }
  }

  public static void ensure(Admin admin, Collection<TopicSpec> specs) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> toCreate = new ArrayList<>();
      for (TopicSpec s : specs) {
        if (!existing.contains(s.name())) {
          toCreate.add(new NewTopic(s.name(), s.partitions(), (short) 1).configs(s.configs()));
        }
      }
      if (!toCreate.isEmpty()) {
        for (var e : admin.createTopics(toCreate).values().entrySet()) {
          try {
            e.getValue().get();
            LOG.info("created topic {}", e.getKey());
          } catch (ExecutionException ex) {
            if (!(ex.getCause() instanceof TopicExistsException)) {
              throw ex;
            }
          }
        }
      }
      verifyWhenVisible(admin, specs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** A topic just created is briefly unknown to the metadata cache: retry for a while. */
  private static void verifyWhenVisible(Admin admin, Collection<TopicSpec> specs)
      throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try {
        verify(admin, specs);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause()
                instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static void verify(Admin admin, Collection<TopicSpec> specs)
      throws ExecutionException, InterruptedException {
    List<String> names = specs.stream().map(TopicSpec::name).toList();
    Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
    List<ConfigResource> resources =
        names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
    List<String> problems = new ArrayList<>();
    for (TopicSpec s : specs) {
      int partitions = described.get(s.name()).partitions().size();
      if (partitions != s.partitions()) {
        problems.add(s.name() + " has " + partitions + " partitions, expected " + s.partitions());
      }
      Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, s.name()));
      for (String key : CHECKED_CONFIGS) {
        String want = s.configs().get(key);
        ConfigEntry have = c.get(key);
        if (want != null && (have == null || !want.equals(have.value()))) {
          problems.add(
              s.name()
                  + " has "
                  + key
                  + "="
                  + (have == null ? "(unset)" : have.value())
                  + ", expected "
                  + want);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new TopicMismatchException(
          "existing topics do not match fenceline's layout: "
              + problems.stream().collect(Collectors.joining("; ")));
    }
  }
}
