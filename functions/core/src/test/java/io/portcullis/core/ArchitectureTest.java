package io.portcullis.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The core is written once and must stay free of any shell's or adapter's technology. */
@AnalyzeClasses(packages = "io.portcullis.core", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule noWebServerAwsOrLambda = noClasses().that().resideInAPackage("io.portcullis.core..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.helidon.webserver..", "io.helidon.webclient..", "io.helidon.http..",
                    "software.amazon..", "com.amazonaws..")
            .because("functions/core is shared by the Helidon server and the Lambda functions (DESIGN.md §1)");

    @ArchTest
    static final ArchRule portsSpeakTheDomainOnly = noClasses().that().resideInAPackage("io.portcullis.core.port..")
            .should().dependOnClassesThat().resideInAnyPackage("io.helidon..", "org.bouncycastle..", "de.mkammerer..",
                    "com.fasterxml..")
            .because("ports carry domain types only");
}
