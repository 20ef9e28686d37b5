package io.fenceline.ingest;

import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.ManifestSyntaxException;
import io.fenceline.core.manifest.RawObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the manifests of a file or a folder (recursively: *.yaml, *.yml, *.json, in path order)
 * with the core {@link ManifestParser}. Anything unreadable or unparseable is a {@link
 * ManifestReadException} naming {@code file:line}.
 */
public final class ManifestReader {
  private ManifestReader() {}

  /** The manifest files under {@code path} (or {@code path} itself), sorted. */
  public static List<Path> files(Path path) throws ManifestReadException {
    if (!Files.exists(path)) {
      throw new ManifestReadException(path + ": no such file or directory");
    }
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.walk(path)) {
        s.filter(Files::isRegularFile)
            .filter(ManifestReader::isManifest)
            .sorted()
            .forEach(files::add);
      } catch (IOException | RuntimeException e) {
        throw new ManifestReadException(path + ": cannot list: " + e.getMessage());
      }
    } else {
      files.add(path);
    }
    return files;
  }

  public static List<RawObject> read(Path path) throws ManifestReadException {
    List<RawObject> out = new ArrayList<>();
    for (Path f : files(path)) {
      String text;
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .decode(ByteBuffer.wrap(Files.readAllBytes(f)))
                .toString();
      } catch (CharacterCodingException e) {
        throw new ManifestReadException(f + ":1: not UTF-8 text");
      } catch (IOException e) {
        throw new ManifestReadException(f + ":1: cannot read: " + e.getMessage());
      }
      try {
        out.addAll(ManifestParser.parse(f.toString(), text));
      } catch (ManifestSyntaxException e) {
        throw new ManifestReadException(e.getMessage());
      }
    }
    return out;
  }

  /**
   * What the files under {@code path} hold now (path → digest of the content): two equal stamps
   * mean nothing to republish. Contents, not modification times: an edit within the file system's
   * time granularity that keeps the size would otherwise go unnoticed. Manifests are small.
   */
  static Map<Path, String> stamps(Path path) {
    Map<Path, String> out = new TreeMap<>();
    try {
      for (Path f : files(path)) {
        try {
          out.put(
              f,
              java.util.HexFormat.of()
                  .formatHex(
                      java.security.MessageDigest.getInstance("SHA-256")
                          .digest(Files.readAllBytes(f))));
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        } catch (IOException e) {
          out.put(f, "unreadable");
        }
      }
    } catch (ManifestReadException e) {
      out.put(path, "missing");
    }
    return out;
  }

  private static boolean isManifest(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }
}
