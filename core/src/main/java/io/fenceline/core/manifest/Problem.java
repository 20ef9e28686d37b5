package io.fenceline.core.manifest;

/**
 * Something wrong with one object: {@code file:line Kind ns/name field: reason}. The object is
 * either skipped or, for a policy whose podSelector parsed, kept failing closed.
 *
 * <p>Field and reason may quote what the object said (a label key, a port name). The printed line
 * escapes control characters and shortens very long quotes, so a crafted object cannot forge
 * further problem or log lines, nor flood them.
 */
public record Problem(
    SourceLocation location, String kind, String name, String field, String reason) {
  /** Longest stretch of one part printed; the rest is counted, not shown. */
  static final int MAX_PART = 200;

  /**
   * A warning: the object is enforced as written, but something about it deserves attention (its
   * reason starts with {@code "warning: "}).
   */
  public boolean warning() {
    return reason.startsWith("warning: ");
  }

  @Override
  public String toString() {
    return printable(location.toString())
        + " "
        + printable(kind)
        + " "
        + printable(name)
        + " "
        + printable(field)
        + ": "
        + printable(reason);
  }

  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_PART + 32));
    int shown = 0;
    for (int i = 0; i < s.length(); i++) {
      if (shown == MAX_PART) {
        sb.append("...(").append(s.length() - i).append(" more characters)");
        break;
      }
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20
              || c == 0x7f
              || (c >= 0x80 && c < 0xa0)
              || c == 0x2028
              || c == 0x2029
              || (c >= 0x202a && c <= 0x202e)
              || (c >= 0x2066 && c <= 0x2069)
              || Character.isSurrogate(c)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
      shown++;
    }
    return sb.toString();
  }
}
