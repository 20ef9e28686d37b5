package io.fenceline.core.render;

/**
 * Makes text safe for an iptables {@code --comment}: printable ASCII only, no quote, backslash or
 * control character (each replaced by '_'), at most 255 bytes (nf_tables keeps no more).
 */
public final class Comments {
  public static final int MAX_BYTES = 255;

  private Comments() {}

  public static String sanitize(String text) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_BYTES));
    for (int i = 0; i < text.length() && sb.length() < MAX_BYTES; i++) {
      char c = text.charAt(i);
      boolean ok =
          c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '\'' && c != '`' && c != '$';
      sb.append(ok ? c : '_');
    }
    return sb.toString();
  }

  /** {@code -m comment --comment "<sanitized>"} */
  public static String option(String text) {
    return "-m comment --comment \"" + sanitize(text) + "\"";
  }
}
