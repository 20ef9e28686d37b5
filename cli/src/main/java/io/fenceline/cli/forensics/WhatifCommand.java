package io.fenceline.cli.forensics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.BadInputException;
import io.fenceline.cli.ExitCodes;
import io.fenceline.cli.io.ManifestFiles;
import io.fenceline.core.history.ClusterState;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.Problem;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.whatif.WhatIf;
import io.fenceline.forensics.ClusterHistory;
import io.fenceline.forensics.HistoryException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceline whatif}: the connections a proposed change would allow or deny, against a
 * cluster's recorded state.
 */
@Command(
    name = "whatif",
    mixinStandardHelpOptions = true,
    description = {
      "The connections whose verdict a proposed change would alter: the cluster's state at --at",
      "(rebuilt from the event log), with the objects of --manifests applied as upserts and the",
      "--delete objects removed. Reports each change per source group, destination group (pods",
      "every policy treats alike, or a range of outside addresses) and ports, with the pairs",
      "affected and the policy and rule deciding before and after.",
      "Exit 0 when nothing changes, 1 when something does, 2 for bad input, 4 when the moment is",
      "unknown."
    })
public final class WhatifCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HistorySource source;

  @Option(
      names = "--manifests",
      paramLabel = "PATH",
      description = "A file or folder of proposed objects (YAML or JSON), applied as upserts.")
  Path manifests;

  @Option(
      names = "--delete",
      paramLabel = "KIND/NS/NAME",
      description =
          "An object to remove (repeatable), its kind spelled as in manifests:"
              + " NetworkPolicy/shop/allow-web, Namespace/shop, ClusterNetworkPolicy/guard.")
  List<String> deletions = new ArrayList<>();

  @Option(
      names = "--at",
      defaultValue = "now",
      paramLabel = "T",
      description = "The state to change: RFC 3339 time, now, or relative (-2h) (default: now).")
  String at;

  @Option(
      names = "--max-examples",
      defaultValue = "3",
      paramLabel = "N",
      description = "Example pods and pod pairs per change (default: ${DEFAULT-VALUE}).")
  int maxExamples;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Override
  public Integer call() throws Exception {
    if (!output.equals("table") && !output.equals("json")) {
      throw new BadInputException("fenceline whatif: -o must be table or json");
    }
    if (manifests == null && deletions.isEmpty()) {
      throw new BadInputException(
          "fenceline whatif: nothing proposed: give --manifests or --delete");
    }
    if (maxExamples < 0) {
      throw new BadInputException("fenceline whatif: --max-examples must be at least 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<ClusterObject> proposed = manifests == null ? List.of() : proposed(err);
    Instant t = source.moment(at, "--at");
    try (BrokerResolver.Resolved broker = source.broker();
        ClusterHistory h = source.open(broker)) {
      ClusterHistory.At state = h.at(t);
      HistorySource.notes(h, err);
      int unknown = HistorySource.exitCode(err, state);
      if (unknown != ExitCodes.OK) {
        return unknown;
      }
      List<ClusterObject> before = objects(state.state());
      List<ClusterObject> after = apply(before, proposed);
      WhatIf.Report report = WhatIf.compare(before, after, maxExamples);
      if (output.equals("json")) {
        ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("cluster", source.cluster());
        root.put("at", state.at().toString());
        root.put("changed", !report.changes().isEmpty());
        root.put("groups", report.groups());
        root.put("podsNotCompared", report.podsNotCompared());
        root.put("changes", report.changes());
        out.println(json.writeValueAsString(root));
      } else {
        table(out, state.at(), report);
      }
      out.flush();
      return report.changes().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
    } catch (HistoryException e) {
      throw new BadInputException("fenceline whatif: " + e.getMessage());
    }
  }

  /** The proposed objects; any invalid one is bad input (its problem lines on stderr). */
  private List<ClusterObject> proposed(PrintWriter err) {
    DecodedObjects decoded =
        Manifests.decode(
            ManifestFiles.read(manifests), io.fenceline.ingest.ManifestObjects::publishedSize);
    boolean invalid = false;
    for (Problem p : decoded.problems()) {
      err.println(p);
      invalid |= !p.warning();
    }
    err.flush();
    if (invalid) {
      throw new BadInputException(
          "fenceline whatif: the proposal in " + manifests + " has invalid objects (above)");
    }
    return decoded.objects().stream().map(DecodedObjects.Located::object).toList();
  }

  private static List<ClusterObject> objects(ClusterState state) {
    List<ClusterObject> out = new ArrayList<>();
    for (ClusterState.Entry e : state.entries().values()) {
      out.add(e.object());
    }
    return out;
  }

  private List<ClusterObject> apply(List<ClusterObject> before, List<ClusterObject> proposed) {
    Map<String, ClusterObject> byId = new LinkedHashMap<>();
    for (ClusterObject o : before) {
      byId.put(id(o.kind(), o.key()), o);
    }
    for (String d : deletions) {
      String id = deletion(d);
      if (byId.remove(id) == null) {
        throw new BadInputException(
            "fenceline whatif: --delete "
                + d
                + ": no such object in cluster "
                + source.cluster()
                + " at --at "
                + at);
      }
    }
    for (ClusterObject o : proposed) {
      byId.put(id(o.kind(), o.key()), o);
    }
    return List.copyOf(byId.values());
  }

  private static String id(Kind kind, ObjectKey key) {
    return kind.apiName()
        + "/"
        + (key.namespace().isEmpty() ? "" : key.namespace() + "/")
        + key.name();
  }

  /** {@code KIND/NS/NAME} or {@code KIND/NAME} (cluster-scoped) as an id; bad input otherwise. */
  private static String deletion(String text) {
    String[] parts = text.split("/", -1);
    Kind kind = null;
    for (Kind k : Kind.values()) {
      if (k.apiName().equals(parts[0])) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new BadInputException(
          "fenceline whatif: --delete "
              + text
              + ": unknown kind '"
              + parts[0]
              + "' (one of Namespace, Pod, NetworkPolicy, Node, ClusterNetworkPolicy)");
    }
    int want = kind.namespaced() ? 3 : 2;
    if (parts.length != want || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
      throw new BadInputException(
          "fenceline whatif: --delete "
              + text
              + ": expected "
              + kind.apiName()
              + (kind.namespaced() ? "/NAMESPACE/NAME" : "/NAME"));
    }
    return id(
        kind, kind.namespaced() ? new ObjectKey(parts[1], parts[2]) : new ObjectKey("", parts[1]));
  }

  private static void table(PrintWriter out, Instant at, WhatIf.Report r) {
    out.printf(
        "%d change%s against the state at %s (%d pod groups; %d pods not in both states)%n",
        r.changes().size(),
        r.changes().size() == 1 ? "" : "s",
        at,
        r.groups(),
        r.podsNotCompared());
    for (WhatIf.Change c : r.changes()) {
      out.println();
      out.printf(
          "%s -> %s %s%s: %s -> %s, %d pair%s%n",
          side(c.source()),
          side(c.destination()),
          String.join(",", c.ports()),
          c.family() == 6 ? " (IPv6)" : "",
          verdict(c.before()),
          verdict(c.after()),
          c.pairs(),
          c.pairs() == 1 ? "" : "s");
      if (!c.examples().isEmpty()) {
        out.println("  e.g. " + String.join(", ", c.examples()));
      }
      out.println("  before: " + c.beforeWhy());
      out.println("  after:  " + c.afterWhy());
    }
  }

  private static String side(WhatIf.Side s) {
    return s.range()
        ? s.label()
        : s.label() + " (" + s.pods() + " pod" + (s.pods() == 1 ? ")" : "s)");
  }

  private static String verdict(boolean allowed) {
    return allowed ? "allowed" : "DENIED";
  }
}
