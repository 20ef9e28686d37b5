package io.fenceline.cli.applier;

import io.fenceline.applier.kernel.CommandRunner;
import io.fenceline.applier.kernel.IptablesBackend;
import io.fenceline.applier.kernel.ProcessNetfilter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fenceline applier uninstall}: removes every chain, rule and set fenceline owns. */
@Command(
    name = "uninstall",
    mixinStandardHelpOptions = true,
    description =
        "Remove everything fenceline owns from this node (the FORWARD jump, FNL-* chains and sets).")
public final class ApplierUninstallCommand implements Callable<Integer> {
  @Option(names = "--netns", paramLabel = "NAME", description = "Inside this network namespace.")
  String netns;

  @Override
  public Integer call() {
    CommandRunner runner = new CommandRunner(netns, 60);
    new ProcessNetfilter(runner, IptablesBackend.detect(runner)).removeAll();
    System.err.println(
        "fenceline: removed everything fenceline owned" + (netns == null ? "" : " in " + netns));
    return 0;
  }
}
