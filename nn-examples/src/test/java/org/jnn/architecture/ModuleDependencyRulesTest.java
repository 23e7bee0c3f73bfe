package org.jnn.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules each module's package documentation states, checked on the compiled classes of
 * every module (this module's test class path holds them all). Maven keeps a module from compiling
 * against what it does not declare; these rules also catch what a declared dependency drags in, such as
 * the network reaching for a matrix library that a backend happens to bring along.
 */
class ModuleDependencyRulesTest {

    private static final String[] MATRIX_LIBRARIES = {"org.ejml..", "org.nd4j..", "org.bytedeco..",
        "org.apache.commons.math3.."};

    private static JavaClasses jnn;

    @BeforeAll
    static void importClasses() {
        // DO_NOT_INCLUDE_TESTS knows test-classes folders, not test jars: once nn-core is packaged
        // (mvn package, verify) its conformance suite comes as nn-core-*-tests.jar.
        jnn = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("org.jnn");
    }

    @Test
    void theSpiDependsOnTheJdkOnly() {
        classes().that().resideInAPackage("org.jnn.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.jnn.api..", "java..")
                .check(jnn);
    }

    @Test
    void theNetworkNeverTouchesAMatrixLibraryABackendTheDataFetchingOrTheCommandLine() {
        classes().that().resideInAPackage("org.jnn.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.jnn.core..", "org.jnn.api..", "java..",
                        "com.fasterxml.jackson.jr..")
                .check(jnn);
    }

    @Test
    void eachBackendDependsOnTheSpiAndItsOwnLibraryOnly() {
        backend("org.jnn.backend.ejml..", "org.ejml..");
        backend("org.jnn.backend.nd4j..", "org.nd4j..", "org.bytedeco..");
        backend("org.jnn.backend.commonsmath..", "org.apache.commons.math3..");
    }

    private static void backend(String backendPackage, String... library) {
        String[] allowed = new String[library.length + 3];
        allowed[0] = backendPackage;
        allowed[1] = "org.jnn.api..";
        allowed[2] = "java..";
        System.arraycopy(library, 0, allowed, 3, library.length);
        classes().that().resideInAPackage(backendPackage)
                .should().onlyDependOnClassesThat().resideInAnyPackage(allowed)
                .check(jnn);
    }

    @Test
    void theDataSetsDependOnTheNetworksDatasetInterfaceNotOnBackendsOrMatrixLibraries() {
        noClasses().that().resideInAPackage("org.jnn.mnist..")
                .should().dependOnClassesThat().resideInAnyPackage(MATRIX_LIBRARIES)
                .orShould().dependOnClassesThat().resideInAnyPackage("org.jnn.backend..", "org.jnn.cli..",
                        "org.jnn.examples..", "org.jnn.bench..")
                .check(jnn);
    }

    @Test
    void noLibraryModuleDependsOnTheCommandLineOrTheExamples() {
        noClasses().that().resideInAnyPackage("org.jnn.api..", "org.jnn.core..", "org.jnn.backend..", "org.jnn.mnist..")
                .should().dependOnClassesThat().resideInAnyPackage("org.jnn.cli..", "org.jnn.examples..",
                        "org.jnn.bench..")
                .check(jnn);
    }

    @Test
    void theCommandLineAndTheExamplesUseBackendsOnlyThroughTheSpi() {
        noClasses().that().resideInAnyPackage("org.jnn.cli..", "org.jnn.examples..")
                .should().dependOnClassesThat().resideInAnyPackage("org.jnn.backend..")
                .orShould().dependOnClassesThat().resideInAnyPackage(MATRIX_LIBRARIES)
                .check(jnn);
    }
}
