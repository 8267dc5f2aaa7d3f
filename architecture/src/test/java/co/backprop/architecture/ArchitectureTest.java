package co.backprop.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture as rules the build checks: no package depends on itself through others, and the
 * arrows between modules point one way (contract ← engines ← jobs; contract ← store; the front door
 * → contract, store, outputs and never an engine or Spark).
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("co.backprop");
  }

  @Test
  void noPackageCycles() {
    slices().matching("co.backprop.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theContractDependsOnNothingOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("co.backprop.contract..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "co.backprop.engines..",
            "co.backprop.store..",
            "co.backprop.outputs..",
            "co.backprop.cli..",
            "co.backprop.jobs..",
            "co.backprop.frontdoor..",
            "ai.djl..",
            "java.sql..",
            "org.apache.spark..",
            "org.apache.hadoop..",
            "io.javalin..")
        .check(classes);
  }

  @Test
  void enginesKnowNoSparkNoHttpNoStore() {
    noClasses()
        .that()
        .resideInAPackage("co.backprop.engines..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "co.backprop.store..",
            "co.backprop.outputs..",
            "co.backprop.jobs..",
            "co.backprop.frontdoor..",
            "org.apache.spark..",
            "io.javalin..",
            "java.sql..")
        .check(classes);
  }

  @Test
  void theStoreKnowsNoEngineNoSparkNoHttp() {
    noClasses()
        .that()
        .resideInAPackage("co.backprop.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "co.backprop.engines..",
            "co.backprop.jobs..",
            "co.backprop.frontdoor..",
            "ai.djl..",
            "org.apache.spark..",
            "io.javalin..")
        .check(classes);
  }

  @Test
  void theFrontDoorRunsNoModelAndNoSpark() {
    noClasses()
        .that()
        .resideInAPackage("co.backprop.frontdoor..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "co.backprop.engines..", "co.backprop.jobs..", "ai.djl..", "org.apache.spark..")
        .check(classes);
  }

  @Test
  void theSparkSideServesNoHttp() {
    noClasses()
        .that()
        .resideInAPackage("co.backprop.jobs..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.javalin..", "co.backprop.frontdoor..")
        .check(classes);
  }
}
