package io.fenceline.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PodPhase;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the core pure and the reference model independent of the code it checks. */
class ArchitectureTest {
  /** The interpreter of compiled facts, with its nested and synthetic classes. */
  private static final String INTERPRETER =
      "io\\.fenceline\\.core\\.reference\\.NodeModelInterpreter(\\$.*)?";

  private static JavaClasses mainCore;
  private static JavaClasses reference;

  /** Methods of {@link System} that neither read the environment nor the clock nor do I/O. */
  private static final Set<String> HARMLESS_SYSTEM_METHODS =
      Set.of("arraycopy", "identityHashCode", "lineSeparator");

  @BeforeAll
  static void importClasses() {
    mainCore =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fenceline.core");
    reference =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPackages("io.fenceline.core.reference");
  }

  // ---- the reference model --------------------------------------------------------------------

  /**
   * The reference model decides flows from the spec alone. {@link
   * io.fenceline.core.reference.NodeModelInterpreter} is the one class there that reads the
   * compiler's output (facts), by design.
   */
  @Test
  void referenceModelSharesNoCodeWithTheCompiler() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("..reference..")
            .and()
            .haveNameNotMatching(INTERPRETER)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("..compile..", "..facts..", "..render..")
            .because("the reference model must not share the compiler's code (or its bugs)");
    rule.check(reference);
  }

  @Test
  void referenceModelImplementsItsOwnContainmentAndPeerRules() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("..reference..")
            .and()
            .haveNameNotMatching(INTERPRETER)
            .should()
            .callMethod(IpPrefix.class, "contains", IpAddress.class)
            .orShould()
            .callMethod(IpPrefix.class, "contains", IpPrefix.class)
            .orShould()
            .callMethod(IpAddress.class, "masked", int.class)
            .orShould()
            .callMethod(Pod.class, "isPeerCandidate")
            .orShould()
            .callMethod(PodPhase.class, "finished")
            .because("the reference model re-implements the spec instead of reusing model helpers");
    rule.check(reference);
  }

  // ---- purity of the core ---------------------------------------------------------------------

  @Test
  void coreDoesNoIoStartsNoThreadsAndKnowsNoKafka() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("io.fenceline.core..")
            .should()
            .dependOnClassesThat()
            .haveNameMatching(
                "java\\.io\\.(File|FileInputStream|FileOutputStream|FileReader|FileWriter|RandomAccessFile)")
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage("java.nio.file..", "java.nio.channels..", "org.apache.kafka..")
            .orShould()
            .dependOnClassesThat()
            .haveNameMatching(
                "java\\.net\\.(.*Socket.*|URL|URLConnection|HttpURLConnection|http\\..*)")
            .orShould()
            .dependOnClassesThat()
            .haveNameMatching("java\\.lang\\.(ProcessBuilder|Process|Runtime|Thread|ThreadLocal)")
            .orShould()
            .dependOnClassesThat()
            .haveNameMatching(
                "java\\.util\\.concurrent\\.(Executors?|ExecutorService|ScheduledExecutorService|ForkJoinPool|CompletableFuture)")
            .because("the core is pure: no I/O, no threads, no Kafka (DESIGN.md, 'The compiler')");
    rule.check(mainCore);
  }

  @Test
  void coreReadsNoClockNoEnvironmentAndNoRandomness() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("io.fenceline.core..")
            .should()
            .callMethodWhere(systemCallOtherThan(HARMLESS_SYSTEM_METHODS))
            .orShould()
            .accessField(System.class, "out")
            .orShould()
            .accessField(System.class, "err")
            .orShould()
            .accessField(System.class, "in")
            .orShould()
            .callMethodWhere(
                DescribedPredicate.describe(
                    "a java.time ...now() method",
                    (JavaMethodCall c) ->
                        c.getTargetOwner().getPackageName().equals("java.time")
                            && c.getName().equals("now")))
            .orShould()
            .dependOnClassesThat()
            .haveNameMatching(
                "java\\.time\\.Clock|java\\.util\\.Random|java\\.util\\.concurrent\\.ThreadLocalRandom|java\\.security\\.SecureRandom")
            .orShould()
            .callMethod(java.util.UUID.class, "randomUUID")
            .because("the same input must give the same output, byte for byte, on replay");
    rule.check(mainCore);
  }

  @Test
  void modelIsTheBottomLayer() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("io.fenceline.core.model..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("..compile..", "..render..", "..facts..", "..manifest..");
    rule.check(mainCore);
  }

  @Test
  void corePackagesHaveNoCycles() {
    slices().matching("io.fenceline.core.(*)..").should().beFreeOfCycles().check(mainCore);
  }

  private static DescribedPredicate<JavaMethodCall> systemCallOtherThan(Set<String> allowed) {
    return DescribedPredicate.describe(
        "a method of java.lang.System other than " + allowed,
        (JavaMethodCall c) ->
            c.getTargetOwner().isEquivalentTo(System.class) && !allowed.contains(c.getName()));
  }
}
