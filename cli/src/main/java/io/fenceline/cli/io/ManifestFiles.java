package io.fenceline.cli.io;

import io.fenceline.cli.BadInputException;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.ingest.ManifestReadException;
import io.fenceline.ingest.ManifestReader;
import java.nio.file.Path;
import java.util.List;

/** Manifests of a file or folder for a command; unreadable or unparseable input exits 2. */
public final class ManifestFiles {
  private ManifestFiles() {}

  public static List<RawObject> read(Path path) {
    try {
      return ManifestReader.read(path);
    } catch (ManifestReadException e) {
      throw new BadInputException(e.getMessage());
    }
  }
}
