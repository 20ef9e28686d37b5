package io.fenceline.forensics;

/** Where a replay is, for whoever shows it. */
public interface Progress {
  Progress NONE = new Progress() {};

  default void total(long records) {}

  default void update(long done) {}

  default void done(long done) {}
}
