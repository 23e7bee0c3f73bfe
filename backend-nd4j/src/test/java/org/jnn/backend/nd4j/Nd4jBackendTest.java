package org.jnn.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.jnn.api.BackendInfo;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
import org.junit.jupiter.api.Test;

/** Registration, metadata, thread settings and load-failure messages of the ND4J backend. */
class Nd4jBackendTest {

    @Test
    void backendsFindsItByNameAndItIsUsable() {
        LinearAlgebra la = Backends.byName("nd4j");
        assertInstanceOf(Nd4jLinearAlgebra.class, la);
        assertTrue(la.availability().usable(), la.availability().reason());
        assertInstanceOf(Nd4jLinearAlgebra.class, Backends.byName("ND4J"), "names are matched ignoring case");
        BackendInfo info = Backends.list().stream().filter(b -> b.name().equals("nd4j")).findFirst().orElseThrow();
        assertTrue(info.usable());
    }

    @Test
    void metadata() {
        Nd4jLinearAlgebra la = new Nd4jLinearAlgebra();
        assertEquals("nd4j", la.name());
        assertEquals(30, la.priority());
        assertEquals(Precision.F64, la.precision());
        assertEquals("nd4j (f64)", la.toString());
        assertTrue(la.description().startsWith("ND4J 1.0.0-M2.1 INDArray on nd4j-native (CPU, OpenBLAS)"), la.description());
        assertEquals(java.util.EnumSet.of(Precision.F64, Precision.F32), la.supportedPrecisions());
        assertEquals(la, la.withPrecision(Precision.F64));
        LinearAlgebra f32 = la.withPrecision(Precision.F32);
        assertEquals("nd4j (f32)", f32.toString());
        assertTrue(f32.description().endsWith(", f32"), f32.description());
        assertEquals(f32, f32.withPrecision(Precision.F32));
        assertEquals("nd4j (f64)", f32.withPrecision(Precision.F64).toString());
    }

    @Test
    void f32MatricesAreFloatArrays() {
        LinearAlgebra f32 = new Nd4jLinearAlgebra().withPrecision(Precision.F32);
        Nd4jMatrix m = assertInstanceOf(Nd4jMatrix.F32.class, f32.fromRowMajor(1, 3, new double[] {0.1, 2, -3}));
        assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, m.array().dataType());
        assertArrayEquals(new double[] {(float) 0.1, 2, -3}, f32.toRowMajor(m), 0.0);
    }

    @Test
    void matricesAreDoubleRowMajorArraysThatKnowTheirBackend() {
        Nd4jLinearAlgebra la = new Nd4jLinearAlgebra();
        Matrix m = la.fromRowMajor(2, 3, new double[] {1, 2, 3, 4, 5, 6});
        Nd4jMatrix nd = assertInstanceOf(Nd4jMatrix.class, m);
        assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, nd.array().dataType());
        assertEquals('c', nd.array().ordering());
        assertEquals(6.0, nd.array().getDouble(1, 2));
        assertEquals(la, m.backend());
        assertEquals("Nd4jMatrix[2×3, DOUBLE]", m.toString());
    }

    @Test
    void threadCountsAreAppliedWhenNd4jLoads() {
        ThreadRequest request = ThreadRequest.resolve(System::getProperty, System::getenv);
        Nd4jThreads.Settings threads = Nd4jLoader.loaded().threads().settings();
        assertEquals(request.count(), threads.requested());
        assertEquals(request.source(), threads.source());
        if (request.count() > 0) {
            assertEquals(request.count(), threads.masterThreads(), threads::toString);
            assertEquals(request.count(), threads.openMpThreads(), threads::toString);
            assertEquals(request.count(), threads.blasThreads(), threads::toString);
        }
        // Unless nn.nd4j.gemmThreads says otherwise, large products run on the base count, not every processor.
        int expectedLarge = request.largeProductThreads() > 0 ? request.largeProductThreads() : threads.blasThreads();
        assertEquals(expectedLarge, threads.largeProductThreads(), threads::toString);
        assertTrue(new Nd4jLinearAlgebra().runtimeInfo().contains(threads.toString()));
    }

    @Test
    void largeProductThreadsComeFromTheirOwnProperty() {
        Map<String, String> none = Map.of();
        ThreadRequest both = ThreadRequest.resolve(
                Map.of("nn.nd4j.threads", "1", "nn.nd4j.gemmThreads", "2")::get, none::get);
        assertEquals(1, both.count());
        assertEquals(2, both.largeProductThreads());
        assertTrue(both.source().contains("nn.nd4j.gemmThreads=2"), both.source());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ThreadRequest.resolve(Map.of("nn.nd4j.gemmThreads", "0")::get, none::get));
        assertTrue(e.getMessage().contains("nn.nd4j.gemmThreads=0"), e.getMessage());
    }

    @Test
    void threadRequestComesFromThePropertyThenOmpNumThreadsThenTheDefault() {
        Map<String, String> none = Map.of();
        assertEquals(new ThreadRequest(2, "system property nn.nd4j.threads=2", 0),
                ThreadRequest.resolve(Map.of("nn.nd4j.threads", " 2 ")::get, Map.of("OMP_NUM_THREADS", "4")::get));
        ThreadRequest fromEnvironment =
                ThreadRequest.resolve(none::get, Map.of("OMP_NUM_THREADS", "4")::get);
        assertEquals(0, fromEnvironment.count(), "ND4J applies OMP_NUM_THREADS itself");
        assertEquals("environment variable OMP_NUM_THREADS=4", fromEnvironment.source());
        ThreadRequest fallback = ThreadRequest.resolve(none::get, none::get);
        assertEquals(ThreadRequest.DEFAULT_THREADS, fallback.count());
        assertEquals(0, fallback.largeProductThreads(), "large products then run on the base count");
        assertTrue(fallback.source().contains("-Dnn.nd4j.threads=N"), fallback.source());
        for (String bad : new String[] {"0", "-1", "two", "1.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ThreadRequest.resolve(Map.of("nn.nd4j.threads", bad)::get, none::get));
            assertTrue(e.getMessage().contains("nn.nd4j.threads=" + bad) && e.getMessage().contains("positive integer"),
                    e.getMessage());
        }
    }

    @Test
    void loadFailureReasonNamesThePlatformTheCauseAndTheFix() {
        Throwable failure = new ExceptionInInitializerError(new RuntimeException(
                "ND4J is probably missing dependencies.",
                new UnsatisfiedLinkError("no jnind4jcpu in java.library.path")));
        String reason = Nd4jLoader.loadFailureReason(failure);
        String platform = JavacppPlatform.current();
        assertTrue(platform.matches("[a-z0-9]+-[a-z0-9_]+"), platform);
        for (String mention : new String[] {"platform " + platform, "ExceptionInInitializerError",
            "UnsatisfiedLinkError: no jnind4jcpu in java.library.path", "org.nd4j:nd4j-native:1.0.0-M2.1:" + platform,
            "-Djavacpp.platform=" + platform, "backend-nd4j/README.md"}) {
            assertTrue(reason.contains(mention), () -> "should mention '" + mention + "': " + reason);
        }
    }

    @Test
    void platformNameFollowsJavacppSpelling() {
        assertEquals("macosx-arm64", JavacppPlatform.of("Mac OS X", "aarch64"));
        assertEquals("macosx-x86_64", JavacppPlatform.of("Mac OS X", "x86_64"));
        assertEquals("windows-x86_64", JavacppPlatform.of("Windows 11", "amd64"));
        assertEquals("linux-arm64", JavacppPlatform.of("Linux", "aarch64"));
        assertEquals("linux-ppc64le", JavacppPlatform.of("Linux", "ppc64le"));
    }

    @Test
    void rankOneUpdateWorksForEveryOrientation() {
        Nd4jLinearAlgebra la = new Nd4jLinearAlgebra();
        double[] x = {1, 2, 3};
        double[] y = {10, 20, 30, 40};
        double[] expected = new double[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                expected[i * 4 + j] = 0.5 + 2 * x[i] * y[j];
            }
        }
        for (boolean xRow : new boolean[] {false, true}) {
            for (boolean yRow : new boolean[] {false, true}) {
                Matrix a = la.fromRowMajor(3, 4, new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5});
                la.rankOneUpdate(2, xRow ? la.fromRowMajor(1, 3, x) : la.fromRowMajor(3, 1, x),
                        yRow ? la.fromRowMajor(1, 4, y) : la.fromRowMajor(4, 1, y), a);
                assertArrayEquals(expected, la.toRowMajor(a), 0.0, "x as " + (xRow ? "row" : "column") + ", y as "
                        + (yRow ? "row" : "column"));
            }
        }
    }
}
