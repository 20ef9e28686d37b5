package io.fenceline.applier.sync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.fenceline.applier.kernel.DryRunNetfilter;
import io.fenceline.applier.kernel.ProcessNetfilter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The node's sync decides; the shells do the I/O: no Kafka, no files, no processes, no network. */
class SyncArchitectureTest {
  private static JavaClasses sync;
  private static JavaClasses applier;

  @BeforeAll
  static void importClasses() {
    applier =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fenceline.applier", "io.fenceline.core");
    sync =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fenceline.applier.sync");
  }

  @Test
  void syncDependsOnNoKafkaClassEvenTransitively() {
    noClasses()
        .that()
        .resideInAPackage("io.fenceline.applier.sync..")
        .should()
        .transitivelyDependOnClassesThat()
        .resideInAPackage("org.apache.kafka..")
        .because(
            "the sync is decided without Kafka; the applier and the simulator are its Kafka shells")
        .check(applier);
  }

  @Test
  void syncDoesNoIoButThroughTheNetfilterPort() {
    noClasses()
        .that()
        .resideInAPackage("io.fenceline.applier.sync..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.io..",
            "java.nio.file..",
            "java.net..",
            "java.nio.channels..",
            "io.micrometer..",
            "org.apache.kafka..",
            "io.fenceline.broker..",
            "io.fenceline.kafka.serde..",
            "io.fenceline.kafka.health..")
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(
            ProcessBuilder.class,
            Runtime.class,
            Thread.class,
            java.time.Clock.class,
            ProcessNetfilter.class,
            DryRunNetfilter.class,
            io.fenceline.applier.kernel.CommandRunner.class,
            io.fenceline.kafka.topics.Topics.class,
            io.fenceline.kafka.topics.TopicAdmin.class)
        .because(
            "the kernel is reached through Netfilter only, time comes as step(now), the rest is the shell's;"
                + " of the Kafka module only the wire contracts (Receipt, header names) are data it may build")
        .check(sync);
  }

  @Test
  void syncDoesNotReachBackIntoItsShells() {
    noClasses()
        .that()
        .resideInAPackage("io.fenceline.applier.sync..")
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(io.fenceline.applier.Applier.class, io.fenceline.applier.ApplierConfig.class)
        .check(sync);
  }
}
