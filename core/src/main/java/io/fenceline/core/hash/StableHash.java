package io.fenceline.core.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Short, stable identifiers: the first 80 bits of SHA-256 in RFC 4648 base32 (16 characters of A-Z,
 * 2-7). Kernel object names are built from these, so this function must never change: a change
 * would rename every chain and set on every node at upgrade.
 */
public final class StableHash {
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private StableHash() {}

  public static String of(String text) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
    StringBuilder sb = new StringBuilder(16);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < 10; i++) {
      buffer = (buffer << 8) | (digest[i] & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    return sb.toString();
  }
}
