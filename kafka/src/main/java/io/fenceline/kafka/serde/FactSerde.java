package io.fenceline.kafka.serde;

import io.fenceline.core.facts.Fact;
import io.fenceline.core.facts.FactCodec;
import org.apache.kafka.common.serialization.Serializer;

/** Serializer of node-fact values; a null fact is a tombstone (null bytes). */
public final class FactSerde {
  private FactSerde() {}

  public static Serializer<Fact> serializer() {
    return (topic, fact) -> fact == null ? null : FactCodec.encode(fact);
  }
}
