package io.fenceline.core.manifest;

import java.util.regex.Pattern;

/** The Kubernetes syntax rules for names, label keys and values, and port names. */
final class NameRules {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_NAME =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

  private NameRules() {}

  /** Null when valid, else the reason. */
  static String dnsLabel(String s) {
    if (s.isEmpty() || s.length() > 63 || !DNS_LABEL.matcher(s).matches()) {
      return "must be a DNS-1123 label (lower-case alphanumerics and '-', at most 63 characters)";
    }
    return null;
  }

  static String dnsSubdomain(String s) {
    if (s.isEmpty() || s.length() > 253 || !DNS_SUBDOMAIN.matcher(s).matches()) {
      return "must be a DNS-1123 subdomain (lower-case alphanumerics, '-' and '.', at most 253 characters)";
    }
    return null;
  }

  static String labelKey(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (dnsSubdomain(prefix) != null) {
        return "label key prefix must be a DNS-1123 subdomain";
      }
    }
    if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      return "label key name must be at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
    }
    return null;
  }

  static String labelValue(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > 63 || !LABEL_NAME.matcher(value).matches()) {
      return "label value must be empty or at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
    }
    return null;
  }

  /** IANA service name, as a named port must be. */
  static String portName(String s) {
    if (s.isEmpty()
        || s.length() > 15
        || !PORT_NAME.matcher(s).matches()
        || s.contains("--")
        || s.chars().noneMatch(c -> c >= 'a' && c <= 'z')) {
      return "a named port must be at most 15 lower-case alphanumerics or '-', with at least one letter and no '--'";
    }
    return null;
  }
}
