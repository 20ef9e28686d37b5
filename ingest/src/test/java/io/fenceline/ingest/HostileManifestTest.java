package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.hostile.HostileObjects;
import io.fenceline.core.hostile.PayloadGrammar;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.RawObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The file ingest and {@code fenceline compile}'s reading path under hostile manifests: files of
 * hostile objects, the same files truncated or corrupted at random, and the classic parser attacks.
 * Each read either succeeds — then every object becomes an event that round-trips and the cluster
 * compiles into payloads with user strings only in comments — or fails with a {@link
 * ManifestReadException} naming {@code file:line}. Nothing else escapes.
 */
class HostileManifestTest {
  static final AtomicLong FILES = new AtomicLong();
  static final AtomicLong REJECTED = new AtomicLong();
  private static final YAMLMapper YAML = new YAMLMapper();

  @Property(tries = 200, shrinking = ShrinkingMode.OFF)
  void hostileManifestFilesAreReadOrRejectedWithFileAndLine(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    Path dir = Files.createTempDirectory("fnl-hostile-manifests");
    try {
      List<ObjectNode> objects = new HostileObjects(seed).cluster(12);
      if (r.nextBoolean()) {
        // Half the files hold only objects ingest can name, so that most of them are read, not
        // refused.
        objects =
            objects.stream()
                .filter(
                    o ->
                        o.path("kind").isTextual()
                            && !o.path("kind").asText().isEmpty()
                            && o.path("metadata").path("name").isTextual()
                            && !o.path("metadata").path("name").asText().isEmpty())
                .toList();
      }
      boolean json = r.nextBoolean();
      String text =
          json
              ? "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":"
                  + HostileObjects.JSON.writeValueAsString(objects)
                  + "}"
              : String.join("---\n", objects.stream().map(HostileManifestTest::yaml).toList());
      byte[] bytes = corrupt(r, text.getBytes(StandardCharsets.UTF_8));
      Path file = dir.resolve(json ? "cluster.json" : "cluster.yaml");
      Files.write(file, bytes);
      FILES.incrementAndGet();
      readOrReject(file);
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "deep nesting",
        "alias bomb",
        "not UTF-8",
        "huge number",
        "duplicate key",
        "tab indentation",
        "byte order mark",
        "a list at the top",
        "a scalar document",
        "kindless object",
        "unknown tag",
        "a NUL byte",
        "empty file"
      })
  void classicParserAttacksAreRejectedOrReadNeverThrownThrough(String attack, @TempDir Path dir)
      throws Exception {
    byte[] text =
        switch (attack) {
          case "deep nesting" ->
              ("apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: "
                      + "[".repeat(100_000)
                      + "]".repeat(100_000)
                      + "}\n")
                  .getBytes(StandardCharsets.UTF_8);
          case "alias bomb" -> aliasBomb().getBytes(StandardCharsets.UTF_8);
          case "not UTF-8" ->
              new byte[] {'k', 'i', 'n', 'd', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'};
          case "huge number" ->
              ("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{ports: [{containerPort: "
                      + "9".repeat(100_000)
                      + "}]}]}\n")
                  .getBytes(StandardCharsets.UTF_8);
          case "duplicate key" ->
              "apiVersion: v1\nkind: Namespace\nkind: Pod\nmetadata: {name: a}\n"
                  .getBytes(StandardCharsets.UTF_8);
          case "tab indentation" ->
              "apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: a\n"
                  .getBytes(StandardCharsets.UTF_8);
          case "byte order mark" ->
              "\ufeffapiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"
                  .getBytes(StandardCharsets.UTF_8);
          case "a list at the top" -> "- a\n- b\n".getBytes(StandardCharsets.UTF_8);
          case "a scalar document" -> "just text\n".getBytes(StandardCharsets.UTF_8);
          case "kindless object" ->
              "apiVersion: v1\nmetadata: {name: a}\n".getBytes(StandardCharsets.UTF_8);
          case "unknown tag" ->
              "apiVersion: v1\nkind: !!python/object:os.system Namespace\nmetadata: {name: !ruby/x a}\n"
                  .getBytes(StandardCharsets.UTF_8);
          case "a NUL byte" ->
              "apiVersion: v1\nkind: Namespace\nmetadata: {name: \"a\u0000b\"}\n"
                  .getBytes(StandardCharsets.UTF_8);
          default -> new byte[0];
        };
    Path file = dir.resolve("attack.yaml");
    Files.write(file, text);
    FILES.incrementAndGet();
    readOrReject(file);
  }

  @Test
  void aTruncatedManifestPublishesNothingAndNamesTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cut.yaml");
    Files.writeString(
        file,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: \"we");
    assertThatThrownBy(() -> ManifestSnapshot.read(file))
        .isInstanceOf(ManifestReadException.class)
        .hasMessageStartingWith(file + ":7");
  }

  /**
   * The contract both readers share: a snapshot that publishes and compiles cleanly, or a located
   * rejection.
   */
  private static void readOrReject(Path file) throws Exception {
    ManifestSnapshot snapshot;
    try {
      snapshot = ManifestSnapshot.read(file);
    } catch (ManifestReadException e) {
      REJECTED.incrementAndGet();
      assertThat(e.getMessage()).as("a rejection names the file and line").startsWith(file + ":");
      // compile reads per object what ingest refuses per file (an object without kind or name is
      // one
      // problem line there): it must reject the file as well or compile what it holds.
      try {
        compileCleanly(file, ManifestReader.read(file));
      } catch (ManifestReadException compileRejects) {
        assertThat(compileRejects.getMessage()).startsWith(file + ":");
      }
      return;
    }
    assertThat(snapshot.notes()).allSatisfy(n -> assertThat(n).doesNotContain("\n", "\r"));
    for (SlimObject o : snapshot.objects()) {
      ChangeEvent e = o.upsert("default", Instant.parse("2026-11-26T10:00:00Z"), 1);
      byte[] encoded = EventCodec.encode(e);
      assertThat(EventCodec.encode(EventCodec.decode(encoded)))
          .as("the event round-trips")
          .isEqualTo(encoded);
    }
    // fenceline compile's path: the same files, decoded, compiled and rendered.
    List<RawObject> raws;
    try {
      raws = ManifestReader.read(file);
    } catch (ManifestReadException e) {
      throw new AssertionError("compile rejects what ingest accepted: " + e.getMessage(), e);
    }
    compileCleanly(file, raws);
  }

  private static void compileCleanly(Path file, List<RawObject> raws) {
    DecodedObjects decoded = Manifests.decode(raws);
    assertThat(decoded.problems())
        .allSatisfy(p -> assertThat(p.toString()).doesNotContain("\n", "\r"));
    CompiledCluster compiled = CompiledCluster.fromScratch(Manifests.asUpserts(decoded));
    for (String node : compiled.nodes()) {
      assertThat(PayloadGrammar.violations(compiled.payload(node)))
          .as("payload of %s from %s", node, file)
          .isEmpty();
    }
  }

  private static String yaml(ObjectNode o) {
    try {
      return YAML.writeValueAsString(o);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Leaves the text whole, cuts it, flips bytes, or splices in a line of hostile text. */
  private static byte[] corrupt(Random r, byte[] b) {
    switch (r.nextInt(5)) {
      case 0 -> {
        return java.util.Arrays.copyOf(b, r.nextInt(Math.max(1, b.length)));
      }
      case 1 -> {
        byte[] c = b.clone();
        for (int i = 0; i < 1 + r.nextInt(5) && c.length > 0; i++) {
          c[r.nextInt(c.length)] = (byte) r.nextInt(256);
        }
        return c;
      }
      case 2 -> {
        String s = new String(b, StandardCharsets.UTF_8);
        int at = r.nextInt(s.length() + 1);
        String splice =
            List.of(
                    "\n: :\n",
                    "\n---\n",
                    "\n- [\n",
                    "\"",
                    "\n*alias\n",
                    "\n&a x\n",
                    "{{",
                    "}}",
                    "\t")
                .get(r.nextInt(9));
        return (s.substring(0, at) + splice + s.substring(at)).getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        return b;
      }
    }
  }

  /** Nine levels of nine aliases each: a billion entries if a parser expanded them eagerly. */
  private static String aliasBomb() {
    StringBuilder sb =
        new StringBuilder(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n");
    sb.append(
        "    a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (int i = 1; i < 9; i++) {
      sb.append("    a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        sb.append(j == 0 ? "" : ",").append("*a").append(i - 1);
      }
      sb.append("]\n");
    }
    return sb.toString();
  }

  @AfterContainer
  static void report() {
    System.out.printf(
        "hostile input (manifests): %d files, %d rejected with file:line%n",
        FILES.get(), REJECTED.get());
  }
}
