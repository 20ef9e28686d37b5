package io.fenceline.ingest;

import io.fenceline.core.events.ChangeEvent;

/** Where change events of one cluster go. Must not block: the callers are informer threads. */
public interface EventSink {
  void publish(ChangeEvent event);
}
