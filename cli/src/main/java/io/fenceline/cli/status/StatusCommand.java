package io.fenceline.cli.status;

import io.fenceline.applier.status.NodeStatus;
import io.fenceline.applier.status.Receipt;
import io.fenceline.applier.status.StatusQuery;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.kafka.broker.BrokerResolver;
import io.fenceline.kafka.broker.DataDirs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fenceline status}: per node, what has been applied and whether it is current. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show, per node, the latest applier receipt and whether the node is current (it applied",
        "its partition of fenceline.node-facts up to the end). Exit 0 when every shown node is current, 1 otherwise."})
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--cluster", defaultValue = "default", description = "Cluster id for --policy (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(names = "--policy", paramLabel = "NS/NAME", description = "Only the nodes with pods this policy selects.")
  String policy;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
  String output;

  @picocli.CommandLine.Mixin io.fenceline.cli.io.KafkaConnection kafka;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (BrokerResolver.Resolved broker = kafka.resolve(false);
        StatusQuery q = new StatusQuery(broker.bootstrapServers(), kafka.clientProperties())) {
      List<NodeStatus> nodes = q.nodes();
      if (policy != null) {
        Set<String> concerned = q.nodesOf(cluster, ObjectKey.parse(policy));
        nodes = nodes.stream().filter(n -> concerned.contains(n.receipt().key())).toList();
      }
      if (output.equals("json")) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ArrayNode arr = json.createArrayNode();
        for (NodeStatus n : nodes) {
          try {
            com.fasterxml.jackson.databind.node.ObjectNode o =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(n.receipt().encode());
            arr.add(o.put("partitionEnd", n.partitionEnd()).put("current", n.current()));
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        }
        out.println(arr);
      } else {
        String fmt = "%-12s %-16s %9s %9s %9s %-7s %-7s %s%n";
        out.printf(fmt, "CLUSTER", "NODE", "PARTITION", "APPLIED", "END", "CURRENT", "RESULT", "SOURCE-OBSERVED-AT");
        for (NodeStatus n : nodes) {
          Receipt r = n.receipt();
          out.printf(fmt, r.cluster(), r.node(), r.partition(), r.factsOffset(), n.partitionEnd(), n.current() ? "yes" : "no",
              r.result(), r.sourceObservedAt() == null ? "-" : r.sourceObservedAt());
        }
      }
      out.flush();
      return nodes.stream().allMatch(NodeStatus::current) ? 0 : 1;
    }
  }
}
