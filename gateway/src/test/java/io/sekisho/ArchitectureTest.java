package io.sekisho;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Keeps the data path readable from the package names: dependencies point forward only, and
 * each library stays inside the stage that owns it.
 */
class ArchitectureTest {
    private static JavaClasses sekisho;

    @BeforeAll
    static void importClasses() {
        sekisho = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.sekisho");
    }

    @Test
    void tikaIsUsedOnlyByTheExtractStage() {
        noClasses().that().resideOutsideOfPackage("io.sekisho.extract..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.tika..")
                .check(sekisho);
    }

    @Test
    void luceneIsUsedOnlyByTheCatalogue() {
        noClasses().that().resideOutsideOfPackage("io.sekisho.catalogue..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.lucene..")
                .check(sekisho);
    }

    @Test
    void nettyStaysInTheReceivingPackages() {
        noClasses().that().resideOutsideOfPackage("io.sekisho.receive..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .check(sekisho);
    }

    @Test
    void extractionKnowsNothingOfLaterStages() {
        noClasses().that().resideInAPackage("io.sekisho.extract..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.sekisho.fingerprint..", "io.sekisho.catalogue..", "io.sekisho.match..",
                        "io.sekisho.inspect..", "io.sekisho.cli..")
                .check(sekisho);
    }

    @Test
    void fingerprintingUsesOnlyTheJdk() {
        // The one normalisation-and-fingerprint chain must not change with a library upgrade.
        classes().that().resideInAPackage("io.sekisho.fingerprint..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.sekisho.fingerprint..", "java..")
                .check(sekisho);
    }

    @Test
    void theCatalogueAndMatchingDoNotReachBackIntoTheCommandLine() {
        noClasses().that().resideInAnyPackage("io.sekisho.catalogue..", "io.sekisho.match..", "io.sekisho.inspect..")
                .should().dependOnClassesThat().resideInAPackage("io.sekisho.cli..")
                .check(sekisho);
    }

    @Test
    void mime4jStaysInTheReceivingPackages() {
        noClasses().that().resideOutsideOfPackage("io.sekisho.receive..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.james.mime4j..")
                .check(sekisho);
    }

    @Test
    void theDecideStageDoesNotReachBackIntoTheCommandLine() {
        noClasses().that().resideInAPackage("io.sekisho.decide..")
                .should().dependOnClassesThat().resideInAPackage("io.sekisho.cli..")
                .check(sekisho);
    }

    @Test
    void theAuditTrailAndTheQuarantineDoNotReachBackIntoTheCommandLine() {
        noClasses().that().resideInAnyPackage("io.sekisho.audit..", "io.sekisho.act..")
                .should().dependOnClassesThat().resideInAPackage("io.sekisho.cli..")
                .check(sekisho);
    }

    @Test
    void configurationDependsOnNoStage() {
        // The stages read the configuration's records; the configuration knows none of them.
        noClasses().that().resideInAPackage("io.sekisho.config..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.sekisho.receive..", "io.sekisho.extract..", "io.sekisho.inspect..",
                        "io.sekisho.match..", "io.sekisho.catalogue..", "io.sekisho.cli..")
                .check(sekisho);
    }

    @Test
    void theDecideStageJudgesPlainFactsWithoutContentLibraries() {
        // A policy sees a transfer and its inspections; it never opens the catalogue or parses content.
        classes().that().resideInAPackage("io.sekisho.decide..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.sekisho.decide..", "io.sekisho.transfer..",
                        "io.sekisho.inspect..", "io.sekisho.extract..", "io.sekisho.match..", "java..",
                        "com.fasterxml.jackson..", "com.google.re2j..", "org.slf4j..")
                .check(sekisho);
    }

    @Test
    void theAuditTrailIsTheLastStage() {
        // Every stage writes through audit; audit depends on none of the stages that act or receive.
        noClasses().that().resideInAPackage("io.sekisho.audit..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sekisho.act..", "io.sekisho.receive..",
                        "io.sekisho.catalogue..")
                .check(sekisho);
    }

    @Test
    void noStageDependsOnTheGateway() {
        // The gateway assembles the stages; only the command line (the composition root) and the
        // operations endpoints around the running gateway use it.
        noClasses().that().resideOutsideOfPackages("io.sekisho.gateway..", "io.sekisho.cli..", "io.sekisho.admin..")
                .should().dependOnClassesThat().resideInAPackage("io.sekisho.gateway..")
                .check(sekisho);
    }

    @Test
    void onlyTheCommandLineStartsTheOperationsEndpoints() {
        noClasses().that().resideOutsideOfPackages("io.sekisho.admin..", "io.sekisho.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.sekisho.admin..")
                .check(sekisho);
    }

    @Test
    void metricsAndTheLogBackendStayInTheAdminPackage() {
        // Stages and the gateway measure through GatewayMetrics and log through slf4j only, so a
        // change of metrics library or log backend touches one package.
        noClasses().that().resideOutsideOfPackage("io.sekisho.admin..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "io.prometheus..",
                        "ch.qos.logback..")
                .check(sekisho);
    }

    @Test
    void theJdkHttpServerServesOnlyTheAdminEndpointsAndTheDemo() {
        // Transfers are received with Netty (receive..); the JDK's server answers probes and the
        // demo's stand-in web service, nothing on the data path.
        noClasses().that().resideOutsideOfPackages("io.sekisho.admin..", "io.sekisho.cli..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.net.httpserver..")
                .check(sekisho);
    }
}
