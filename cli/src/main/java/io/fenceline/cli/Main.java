package io.fenceline.cli;

import io.fenceline.cli.applier.ApplierCommand;
import io.fenceline.cli.compile.CompileCommand;
import io.fenceline.cli.demo.DemoCommand;
import io.fenceline.cli.engine.EngineCommand;
import io.fenceline.cli.forensics.DiffCommand;
import io.fenceline.cli.forensics.ExplainCommand;
import io.fenceline.cli.forensics.HistoryCommand;
import io.fenceline.cli.forensics.RulesCommand;
import io.fenceline.cli.forensics.SnapshotCommand;
import io.fenceline.cli.ingest.IngestCommand;
import io.fenceline.cli.kafka.KafkaCommand;
import io.fenceline.cli.simulate.SimulateCommand;
import io.fenceline.cli.status.StatusCommand;
import io.fenceline.cli.up.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fenceline} command tree. Subcommands are thin; the work lives in the modules. */
@Command(
    name = "fenceline",
    mixinStandardHelpOptions = true,
    version = "fenceline 0.1.0-SNAPSHOT",
    description =
        "Kubernetes NetworkPolicy enforcement for whole fleets, event-sourced over Kafka.",
    subcommands = {
      DemoCommand.class,
      CompileCommand.class,
      KafkaCommand.class,
      IngestCommand.class,
      EngineCommand.class,
      ApplierCommand.class,
      StatusCommand.class,
      UpCommand.class,
      RulesCommand.class,
      ExplainCommand.class,
      DiffCommand.class,
      io.fenceline.cli.forensics.WhatifCommand.class,
      HistoryCommand.class,
      SnapshotCommand.class,
      SimulateCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(ExitCodes::forException);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // Bad input is the user's to fix: its message names file and line, no stack trace.
          if (e instanceof BadInputException) {
            commandLine.getErr().println(e.getMessage());
          } else {
            commandLine.getErr().println("fenceline: " + e);
            e.printStackTrace(commandLine.getErr());
          }
          commandLine.getErr().flush();
          return ExitCodes.forException(e);
        });
    return cl;
  }

  /** Logs go to stderr (slf4j-simple); Kafka's own INFO chatter is kept down unless asked for. */
  private static void configureLogging() {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.setProperty(
        "org.slf4j.simpleLogger.log.io.fenceline",
        System.getProperty("org.slf4j.simpleLogger.log.io.fenceline", "info"));
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
  }

  public static void main(String[] args) {
    configureLogging();
    System.exit(commandLine().execute(args));
  }
}
