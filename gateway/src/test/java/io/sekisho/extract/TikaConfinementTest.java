package io.sekisho.extract;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class TikaConfinementTest {

    @Test
    void onlyTheExtractPackageUsesTika() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.sekisho");

        noClasses().that().resideOutsideOfPackage("io.sekisho.extract..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.tika..")
                .because("parsing hostile bytes is confined to extract, which runs it in worker processes")
                .allowEmptyShould(true)
                .check(main);
    }
}
