package io.fenceline.core.hostile;

import java.util.List;
import java.util.Random;

/**
 * Strings an attacker (or a broken client) puts where a name, label, IP or port belongs: quotes,
 * newlines, shell and iptables metacharacters, control characters, unicode (combining marks,
 * right-to-left override, emoji, a lone surrogate), huge values, and the valid values next to them.
 */
public final class HostileStrings {
  /** Texts that try to end a quoted comment, start a new restore line or run a command. */
  public static final List<String> INJECTIONS =
      List.of(
          "a\" -j ACCEPT -m comment --comment \"",
          "x\n-A FORWARD -j ACCEPT",
          "x\r\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT",
          "$(reboot)",
          "`id`",
          "a;rm -rf /;b",
          "a|b&c>d<e",
          "'single' \"double\" \\back\\",
          "-j ACCEPT",
          "--comment",
          "#",
          "%s%n%x",
          "\u0000nul",
          "\u001b[31mred",
          "tab\there",
          "\u202eevil\u202c",
          "na\u0308ive-\u00fcn\u00efc\u00f6de",
          "\u6f22\u5b57",
          "\ud83d\udd25",
          "\ud800",
          "create FNL-P4-X hash:ip\nflush",
          "../../../../tmp/fenceline-escape",
          "/etc/passwd",
          " leading-and-trailing ",
          "");

  /** Valid Kubernetes names and label values, so that hostile records sit among working ones. */
  public static final List<String> VALID =
      List.of("a", "web", "db-0", "team.a", "x1", "api-server");

  private HostileStrings() {}

  /** A string for a name or label position: mostly hostile, sometimes valid, sometimes huge. */
  public static String any(Random r) {
    return switch (r.nextInt(10)) {
      case 0, 1, 2 -> VALID.get(r.nextInt(VALID.size()));
      case 3 -> huge(r);
      case 4 -> INJECTIONS.get(r.nextInt(INJECTIONS.size())) + VALID.get(r.nextInt(VALID.size()));
      default -> INJECTIONS.get(r.nextInt(INJECTIONS.size()));
    };
  }

  /**
   * Like {@link #any} but never huge: for the 10,000 labels of one object (10,000 huge values would
   * be gigabytes).
   */
  public static String notHuge(Random r) {
    return r.nextBoolean()
        ? VALID.get(r.nextInt(VALID.size()))
        : INJECTIONS.get(r.nextInt(INJECTIONS.size()));
  }

  /** A value from 64 characters (one over the label limit) up to a megabyte. */
  public static String huge(Random r) {
    int n =
        switch (r.nextInt(3)) {
          case 0 -> 64;
          case 1 -> 300 + r.nextInt(5000);
          default -> 200_000 + r.nextInt(800_000);
        };
    return "v".repeat(n);
  }

  /** CIDRs: the valid extremes, ordinary blocks, and malformed ones. */
  public static final List<String> CIDRS =
      List.of(
          "0.0.0.0/0",
          "::/0",
          "10.0.0.0/8",
          "10.1.2.3/32",
          "fd00::/8",
          "2001:db8::1/128",
          "0.0.0.0/32",
          "128.0.0.0/1",
          "10.0.0.0/33",
          "::/129",
          "10.0.0.0",
          "10.0.0.0/-1",
          "10.0.0.0/08",
          "10.0.0.256/24",
          "1.2.3/24",
          "fe80::1%eth0/64",
          "10.0.0.0/8\n-A INPUT -j ACCEPT",
          "10.0.0.0/8 nomatch",
          "::ffff:10.0.0.0/104",
          "1:2:3:4:5:6:7:8:9/64",
          "garbage",
          "",
          "0x0a000000/8",
          "10.0.0.0/ 8",
          "10.0.0.0/8/8");

  /** Pod IPs: ordinary, dual-stack, the unspecified addresses, and malformed ones. */
  public static final List<String> IPS =
      List.of(
          "10.244.1.11",
          "10.244.1.12",
          "10.244.2.21",
          "fd00::11",
          "2001:db8::2",
          "0.0.0.0",
          "::",
          "255.255.255.255",
          "127.0.0.1",
          "::1",
          "::ffff:10.244.1.13",
          "10.244.1.300",
          "10.244.1",
          "10.244.1.11; id",
          "fe80::1%eth0",
          "",
          "1.2.3.4/32",
          "01.2.3.4",
          "x");

  /** Port values of every JSON type, in and out of range. */
  public static Object port(Random r) {
    return switch (r.nextInt(12)) {
      case 0 -> 0;
      case 1 -> 65536;
      case 2 -> -1;
      case 3 -> 80;
      case 4 -> 65535;
      case 5 -> 1;
      case 6 -> "http";
      case 7 -> any(r);
      case 8 -> 80.5;
      case 9 -> "80";
      case 10 -> Long.MAX_VALUE;
      default -> true;
    };
  }
}
