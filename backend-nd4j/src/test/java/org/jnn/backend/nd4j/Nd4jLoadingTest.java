package org.jnn.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Loading behaviour that only a fresh JVM shows: the constructor and the metadata load nothing of
 * ND4J, and a JVM whose native libraries do not fit reports the backend as unusable, with a reason
 * that says what to do, instead of crashing; operations then fail with that reason.
 */
class Nd4jLoadingTest {

    @Test
    void constructorAndMetadataDoNotLoadNd4j() throws Exception {
        List<String> output = runProbe(List.of("-Xlog:class+load=info"), "metadata");
        int done = output.indexOf(Nd4jLoadProbe.METADATA_DONE);
        assertTrue(done >= 0, () -> "the probe did not finish: " + output);
        assertTrue(output.subList(0, done).stream().anyMatch(line -> line.contains("org.jnn.backend.nd4j.Nd4jLinearAlgebra ")),
                "the class-loading log shows the backend class itself (else the check below would prove nothing)");
        List<String> nd4jBeforeDone = output.subList(0, done).stream()
                .filter(line -> line.contains("org.nd4j.linalg.factory.Nd4j ") || line.contains("org.nd4j.nativeblas.")
                        || line.contains("org.bytedeco.javacpp.Loader "))
                .toList();
        assertEquals(List.of(), nd4jBeforeDone, "constructing the backend and reading its metadata loaded ND4J");
        assertTrue(output.stream().anyMatch(line -> line.startsWith("PROBE label=nd4j (f64) priority=30")), () -> String.join("\n", output));
    }

    @Test
    void foreignNativePlatformMakesTheBackendUnusableWithAReasonAndOperationsFailWithIt() throws Exception {
        // JavaCPP looks for the natives of the platform named here, which are not on the class path.
        List<String> output = runProbe(List.of("-Dorg.bytedeco.javacpp.platform=windows-x86_64"), "use");
        String text = String.join("\n", output);
        assertTrue(output.contains("PROBE usable=false"), text);
        String reason = output.stream().filter(l -> l.startsWith("PROBE reason=")).findFirst().orElseThrow();
        for (String mention : List.of("windows-x86_64", "nd4j-native", "javacpp.platform", "README")) {
            assertTrue(reason.contains(mention), () -> "the reason should mention " + mention + ": " + reason);
        }
        assertTrue(output.contains("PROBE same again=true"), text);
        String thrown = output.stream().filter(l -> l.startsWith("PROBE zeros")).findFirst().orElseThrow();
        assertTrue(thrown.startsWith("PROBE zeros threw org.jnn.api.BackendException: backend 'nd4j' cannot run here: ND4J could not load"),
                thrown);
    }

    // ND4J 1.0.0-M2.1's OpenBLAS with OPENBLAS_CORETYPE="" loads, multiplies 2×2 matrices right, and gets
    // the network's 64×784·784×200 product wrong by about 2%: the backend must refuse to be used.
    @Test
    void openBlasKernelsThatComputeWrongProductsMakeTheBackendUnusable() throws Exception {
        List<String> output = runProbe(List.of(), "use", Map.of("OPENBLAS_CORETYPE", ""));
        String text = String.join("\n", output);
        assertTrue(output.contains("PROBE usable=false"), text);
        String reason = output.stream().filter(l -> l.startsWith("PROBE reason=")).findFirst().orElseThrow();
        for (String mention : List.of("matrix product is wrong", "64×784", "OPENBLAS_CORETYPE is ''", "unset")) {
            assertTrue(reason.contains(mention), () -> "the reason should mention " + mention + ": " + reason);
        }
    }

    @Test
    void theLargeProductIsRightInThisTestsOwnEnvironment() {
        assertEquals(null, GemmSelfTest.largeProductProblem());
    }

    private static List<String> runProbe(List<String> jvmOptions, String mode) throws IOException, InterruptedException {
        return runProbe(jvmOptions, mode, Map.of());
    }

    /** Runs {@link Nd4jLoadProbe} in a new JVM on this test's class path; returns its output lines. */
    private static List<String> runProbe(List<String> jvmOptions, String mode, Map<String, String> environment)
            throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(Nd4jLoadProbe.class.getName());
        command.add(mode);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] bytes = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the probe JVM did not finish");
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertFalse(out.contains("# A fatal error has been detected"), out);
        assertEquals(0, process.exitValue(), out);
        return out.lines().toList();
    }
}
