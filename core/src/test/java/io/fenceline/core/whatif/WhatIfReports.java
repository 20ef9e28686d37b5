package io.fenceline.core.whatif;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Protocol;
import java.math.BigInteger;
import java.util.List;

/** Reading a {@link WhatIf.Change}'s texts back, for tests that compare it with brute force. */
public final class WhatIfReports {
  private WhatIfReports() {}

  /** Whether {@code ports} ({@code tcp/any}, {@code tcp/80,8000-8080}, ...) hold {@code port}. */
  public static boolean covers(List<String> ports, Protocol proto, int port) {
    for (String p : ports) {
      String[] pp = p.split("/");
      if (!pp[0].equals(proto.kernelName())) {
        continue;
      }
      for (String part : pp[1].split(",")) {
        if (part.equals("any")) {
          return true;
        }
        String[] range = part.split("-");
        int from = Integer.parseInt(range[0]);
        int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
        if (from <= port && port <= to) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the ranges {@code text} ({@code a-b, c, ...}) hold {@code ip}. */
  public static boolean inRange(String text, IpAddress ip) {
    for (String part : text.split(", ")) {
      int dash = part.indexOf('-');
      IpAddress from = IpAddress.parse(dash < 0 ? part : part.substring(0, dash));
      IpAddress to = IpAddress.parse(dash < 0 ? part : part.substring(dash + 1));
      if (from.family() != ip.family()) {
        continue;
      }
      BigInteger v = new BigInteger(1, ip.bytes());
      if (new BigInteger(1, from.bytes()).compareTo(v) <= 0
          && v.compareTo(new BigInteger(1, to.bytes())) <= 0) {
        return true;
      }
    }
    return false;
  }
}
