package io.fenceline.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, per object key, a fingerprint of the slim form last published (without {@code
 * metadata.resourceVersion}, which every status write bumps) and the generation it was published
 * in. An update whose slim form is unchanged is suppressed: pods churn status (conditions,
 * container states, restarts) far more often than anything policy reads.
 *
 * <p>Memory: a 128-bit digest and a long per object, not the object.
 */
public final class ChangeDetector {
  private record Seen(long hi, long lo, long generation) {
    boolean sameContent(Seen o) {
      return o != null && hi == o.hi && lo == o.lo;
    }
  }

  private final ConcurrentHashMap<String, Seen> seen = new ConcurrentHashMap<>();

  /**
   * True when {@code s} differs from what was last published under its key (or nothing was); the
   * new fingerprint is then remembered with {@code generation}. False means: suppress.
   */
  public boolean changed(SlimObject s, long generation) {
    Seen next = fingerprint(s, generation);
    boolean[] changed = {false};
    seen.compute(
        s.key(),
        (k, prev) -> {
          if (next.sameContent(prev)) {
            return prev;
          }
          changed[0] = true;
          return next;
        });
    return changed[0];
  }

  /**
   * True when {@code s} must be republished for {@code generation}: it was not yet published in
   * that generation with this content. Remembers it as published in {@code generation}.
   */
  public boolean needsRepublish(SlimObject s, long generation) {
    Seen next = fingerprint(s, generation);
    boolean[] needed = {false};
    seen.compute(
        s.key(),
        (k, prev) -> {
          if (next.sameContent(prev) && prev.generation() >= generation) {
            return prev;
          }
          needed[0] = true;
          return next;
        });
    return needed[0];
  }

  public void forget(String key) {
    seen.remove(key);
  }

  public int size() {
    return seen.size();
  }

  private static Seen fingerprint(SlimObject s, long generation) {
    ObjectNode copy = s.object().deepCopy();
    JsonNode meta = copy.get("metadata");
    if (meta instanceof ObjectNode m) {
      m.remove("resourceVersion");
    }
    byte[] digest;
    try {
      digest = sha256().digest(SlimObjects.JSON.writeValueAsBytes(copy));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer b = ByteBuffer.wrap(digest);
    return new Seen(b.getLong(), b.getLong(), generation);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
