package io.fenceline.applier;

/**
 * The kernel refused one step of an apply. The message is the receipt's {@code error}: one line of
 * at most {@link #MAX_LENGTH} characters naming the step, the command and what the tool said, and
 * what the kernel holds now (the previous rules, or why taking the partial change back failed too).
 */
public final class ApplyRefusedException extends RuntimeException {
  public static final int MAX_LENGTH = 600;

  public ApplyRefusedException(String message, Throwable cause) {
    super(bound(message), cause);
  }

  static String bound(String s) {
    String one = s.replaceAll("[\\p{Cntrl}]+", " ").strip();
    return one.length() <= MAX_LENGTH ? one : one.substring(0, MAX_LENGTH - 1) + "…";
  }
}
