package io.sekisho.fingerprint;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the hot path pure and Lucene where the style guide puts it, without anyone remembering. */
class FingerprintDependenciesTest {

    private static final JavaClasses SEKISHO = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sekisho.fingerprint", "io.sekisho.match");

    @Test
    void fingerprintPackageUsesOnlyTheJdk() {
        classes().that().resideInAPackage("io.sekisho.fingerprint..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.sekisho.fingerprint..", "java..")
                .check(SEKISHO);
    }

    @Test
    void matchPackageDoesNotUseLucene() {
        noClasses().that().resideInAPackage("io.sekisho.match..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.lucene..")
                .check(SEKISHO);
    }
}
