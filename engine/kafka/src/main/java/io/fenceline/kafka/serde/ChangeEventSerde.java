package io.fenceline.kafka.serde;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventFormatException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Serde of {@code fenceline.events} values. Null in, null out; bad bytes → SerializationException. */
public final class ChangeEventSerde implements Serde<ChangeEvent> {
  @Override
  public Serializer<ChangeEvent> serializer() {
    return (topic, e) -> e == null ? null : EventCodec.encode(e);
  }

  @Override
  public Deserializer<ChangeEvent> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return EventCodec.decode(bytes);
      } catch (EventFormatException e) {
        throw new SerializationException("invalid event in " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
