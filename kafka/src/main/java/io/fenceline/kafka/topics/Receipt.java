package io.fenceline.kafka.topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;

/**
 * What an applier reports after each apply, to {@code fenceline.node-status} (key {@code
 * cluster/node}): how far into its partition of {@code fenceline.node-facts} ({@code factsOffset})
 * and its cluster's partition of {@code fenceline.set-members} ({@code setsOffset}) the kernel now
 * reflects (each the next offset to read), the newest source event behind those facts, the result
 * and how long it took. Version 1 receipts (before set members had a topic of their own) decode
 * with {@code setsPartition} and {@code setsOffset} -1: unknown.
 */
public record Receipt(
    int version,
    String cluster,
    String node,
    int partition,
    long factsOffset,
    long sourceOffset,
    Instant sourceObservedAt,
    String result,
    String error,
    long durationMillis,
    Instant appliedAt,
    int rules,
    int setMembers,
    int setsPartition,
    long setsOffset) {

  public static final int CURRENT_VERSION = 2;

  /** A receipt that says nothing about the set-members topic (version 1, and tests of it). */
  public Receipt(
      int version,
      String cluster,
      String node,
      int partition,
      long factsOffset,
      long sourceOffset,
      Instant sourceObservedAt,
      String result,
      String error,
      long durationMillis,
      Instant appliedAt,
      int rules,
      int setMembers) {
    this(
        version,
        cluster,
        node,
        partition,
        factsOffset,
        sourceOffset,
        sourceObservedAt,
        result,
        error,
        durationMillis,
        appliedAt,
        rules,
        setMembers,
        -1,
        -1);
  }

  /**
   * Whether the kernel reflects both partitions up to the given ends (the next offsets to read).
   */
  public boolean reflects(long factsEnd, long setsEnd) {
    return factsOffset >= factsEnd && setsOffset >= setsEnd;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public String key() {
    return cluster + "/" + node;
  }

  public byte[] encode() {
    ObjectNode n =
        JSON.createObjectNode()
            .put("v", version)
            .put("cluster", cluster)
            .put("node", node)
            .put("partition", partition)
            .put("factsOffset", factsOffset)
            .put("sourceOffset", sourceOffset)
            .put("sourceObservedAt", sourceObservedAt == null ? null : sourceObservedAt.toString())
            .put("result", result)
            .put("error", error)
            .put("durationMillis", durationMillis)
            .put("appliedAt", appliedAt.toString())
            .put("rules", rules)
            .put("setMembers", setMembers)
            .put("setsPartition", setsPartition)
            .put("setsOffset", setsOffset);
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Receipt decode(byte[] bytes) throws IOException {
    JsonNode n = JSON.readTree(bytes);
    if (n == null || n.path("v").asInt(-1) < 1 || n.path("v").asInt() > CURRENT_VERSION) {
      throw new IOException("not a receipt of a known version");
    }
    return new Receipt(
        n.get("v").asInt(),
        n.get("cluster").asText(),
        n.get("node").asText(),
        n.get("partition").asInt(),
        n.get("factsOffset").asLong(),
        n.get("sourceOffset").asLong(),
        n.hasNonNull("sourceObservedAt") ? Instant.parse(n.get("sourceObservedAt").asText()) : null,
        n.get("result").asText(),
        n.hasNonNull("error") ? n.get("error").asText() : null,
        n.get("durationMillis").asLong(),
        Instant.parse(n.get("appliedAt").asText()),
        n.get("rules").asInt(),
        n.get("setMembers").asInt(),
        n.path("setsPartition").asInt(-1),
        n.path("setsOffset").asLong(-1));
  }
}
