package io.fenceline.cli.io;

import io.fenceline.cli.BadInputException;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.ManifestSyntaxException;
import io.fenceline.core.manifest.RawObject;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads manifests from a file or a folder (recursively: *.yaml, *.yml, *.json, sorted by path). */
public final class ManifestFiles {
  private ManifestFiles() {}

  public static List<RawObject> read(Path path) {
    if (!Files.exists(path)) {
      throw new BadInputException(path + ": no such file or directory");
    }
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.walk(path)) {
        s.filter(Files::isRegularFile).filter(ManifestFiles::isManifest).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new BadInputException(path + ": cannot list: " + e.getMessage());
      }
    } else {
      files.add(path);
    }
    List<RawObject> out = new ArrayList<>();
    for (Path f : files) {
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(f))).toString();
      } catch (CharacterCodingException e) {
        throw new BadInputException(f + ":1: not UTF-8 text");
      } catch (IOException e) {
        throw new BadInputException(f + ":1: cannot read: " + e.getMessage());
      }
      try {
        out.addAll(ManifestParser.parse(f.toString(), text));
      } catch (ManifestSyntaxException e) {
        throw new BadInputException(e.getMessage());
      }
    }
    return out;
  }

  private static boolean isManifest(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }
}
