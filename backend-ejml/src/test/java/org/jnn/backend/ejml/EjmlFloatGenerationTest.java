package org.jnn.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.jnn.api.Activation;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
import org.jnn.api.SgdUpdate;
import org.junit.jupiter.api.Test;

/**
 * The f32 classes are generated at build time from the f64 ones (see this module's pom): they must have
 * every member their source has, hold no double-precision EJML type, and compute in float, not in double
 * rounded at the end.
 */
class EjmlFloatGenerationTest {

    private static final long NEVER = Long.MAX_VALUE;
    private static final long ALWAYS = 0;

    /** 2⁻²⁴: 1 + 2⁻²⁴ rounds to 1 in float (a tie, to even) but is exact in double. */
    private static final double HALF_ULP = Math.scalb(1.0, -24);

    @Test
    void generatedBackendHasEveryMemberOfItsSource() {
        assertSameMembers(EjmlLinearAlgebra.class, EjmlFloatLinearAlgebra.class);
        assertSameMembers(EjmlMatrix.class, EjmlFloatMatrix.class);
    }

    @Test
    void generatedClassesHoldNoDoublePrecisionType() {
        for (Class<?> generated : List.of(EjmlFloatLinearAlgebra.class, EjmlFloatMatrix.class)) {
            for (Field f : generated.getDeclaredFields()) {
                assertSinglePrecision(generated, f, f.getType());
            }
            for (Method m : generated.getDeclaredMethods()) {
                assertSinglePrecision(generated, m, m.getReturnType());
                for (Class<?> p : m.getParameterTypes()) {
                    assertSinglePrecision(generated, m, p);
                }
            }
        }
    }

    @Test
    void theF32ClassesAreGeneratedNotWrittenByHand() throws IOException {
        Path sources = Path.of("src/main/java/org/jnn/backend/ejml");
        Path generated = Path.of("target/generated-sources/f32/org/jnn/backend/ejml");
        for (String name : List.of("EjmlFloatLinearAlgebra", "EjmlFloatMatrix")) {
            assertFalse(Files.exists(sources.resolve(name + ".java")), name + " is generated; it must not be in "
                    + sources);
            String text = Files.readString(generated.resolve(name + ".java"), StandardCharsets.UTF_8);
            assertTrue(text.startsWith("// GENERATED from src/main/java/org/jnn/backend/ejml/"
                    + name.replace("Float", "") + ".java"), name + " starts with: " + text.lines().findFirst());
        }
    }

    @Test
    void f32InstanceIsTheGeneratedClassInSinglePrecision() {
        LinearAlgebra f32 = new EjmlLinearAlgebra().withPrecision(Precision.F32);
        assertInstanceOf(EjmlFloatLinearAlgebra.class, f32);
        assertEquals(Precision.F32, f32.precision());
        assertInstanceOf(EjmlFloatMatrix.class, f32.zeros(1, 1));
        assertTrue(f32.description().contains("FMatrixRMaj") && f32.description().contains("32-bit"),
                f32.description());
    }

    @Test
    void valuesAreStoredAsFloats() {
        double x = 1 + Math.scalb(1.0, -30);
        assertEquals(x, roundTrip(new EjmlLinearAlgebra(), x));
        assertEquals((float) x, roundTrip(new EjmlFloatLinearAlgebra(), x));
    }

    @Test
    void scalarsAreRoundedToFloatOnceBeforeUse() {
        // alpha = 1 + 2⁻³⁰ is 1 in float; in double it changes 1·alpha.
        double alpha = 1 + Math.scalb(1.0, -30);
        for (LinearAlgebra la : List.of(new EjmlLinearAlgebra(), new EjmlFloatLinearAlgebra())) {
            Matrix a = la.fromRowMajor(1, 1, new double[] {1});
            la.scale(alpha, a);
            double expected = la.precision() == Precision.F64 ? alpha : 1.0;
            assertEquals(expected, la.toRowMajor(a)[0], la + ": 1·(1 + 2⁻³⁰)");
        }
    }

    @Test
    void productsAccumulateInFloatOnEveryPath() {
        // 1 + 2⁻²⁴ + 2⁻²⁴ summed left to right: 1 in float arithmetic, but 1 + 2⁻²³ (itself a float) when
        // summed in double and rounded at the end. Both routes through EJML: single- and multi-threaded.
        double[] ones = {1, 1, 1};
        double[] terms = {1, HALF_ULP, HALF_ULP};
        double exact = 1 + 2 * HALF_ULP;
        assertNotEquals(exact, (double) (float) (1f + (float) HALF_ULP + (float) HALF_ULP), "the example itself");
        for (long threshold : new long[] {NEVER, ALWAYS}) {
            for (LinearAlgebra la : List.of(new EjmlLinearAlgebra(threshold), new EjmlFloatLinearAlgebra(threshold))) {
                double expected = la.precision() == Precision.F64 ? exact : 1.0;
                for (boolean transposeA : new boolean[] {false, true}) {
                    for (boolean transposeB : new boolean[] {false, true}) {
                        Matrix a = transposeA ? la.fromRowMajor(3, 1, ones) : la.fromRowMajor(1, 3, ones);
                        Matrix b = transposeB ? la.fromRowMajor(1, 3, terms) : la.fromRowMajor(3, 1, terms);
                        Matrix c = la.zeros(1, 1);
                        la.gemm(1.0, a, transposeA, b, transposeB, 0.0, c);
                        assertEquals(expected, la.toRowMajor(c)[0], la + " threshold " + threshold
                                + ": gemm ta=" + transposeA + " tb=" + transposeB + " of 1 + 2⁻²⁴ + 2⁻²⁴");
                    }
                }
            }
        }
    }

    @Test
    void columnSumsAccumulateInFloat() {
        for (LinearAlgebra la : List.of(new EjmlLinearAlgebra(), new EjmlFloatLinearAlgebra())) {
            Matrix column = la.fromRowMajor(3, 1, new double[] {1, HALF_ULP, HALF_ULP});
            Matrix sum = la.zeros(1, 1);
            la.columnSums(1.0, column, 0.0, sum);
            double expected = la.precision() == Precision.F64 ? 1 + 2 * HALF_ULP : 1.0;
            assertEquals(expected, la.toRowMajor(sum)[0], la + ": column sum of 1 + 2⁻²⁴ + 2⁻²⁴");
        }
    }

    @Test
    void activationDerivativesAreComputedInFloat() {
        // tanh' = 1 - a² at a = 1 - 2⁻¹³: a² = 1 - 2⁻¹² + 2⁻²⁶ is 1 - 2⁻¹² in float, so float arithmetic gives
        // 2⁻¹², where double arithmetic rounded at the end gives 2⁻¹² - 2⁻²⁶ (itself a float).
        double a = 1 - Math.scalb(1.0, -13);
        double exact = Math.scalb(1.0, -12) - Math.scalb(1.0, -26);
        assertEquals(exact, (double) (float) (1 - a * a), "the example itself");
        for (LinearAlgebra la : List.of(new EjmlLinearAlgebra(), new EjmlFloatLinearAlgebra())) {
            Matrix activation = la.fromRowMajor(1, 1, new double[] {a});
            Matrix out = la.zeros(1, 1);
            la.activationBackward(Activation.TANH, la.fromRowMajor(1, 1, new double[] {1}), activation, activation, out);
            double expected = la.precision() == Precision.F64 ? exact : Math.scalb(1.0, -12);
            assertEquals(expected, la.toRowMajor(out)[0], la + ": tanh' at a = 1 - 2⁻¹³");
        }
    }

    @Test
    void optimizerStepsAreComputedInFloat() {
        // SGD with weight decay 2⁻²⁴ at w = 1, g = 1, η = 1: g + λw = 1 + 2⁻²⁴ is 1 in float (a tie, to even),
        // so w - ηg = 0; in double the gradient keeps its 2⁻²⁴ and w becomes -2⁻²⁴ (a float).
        SgdUpdate step = new SgdUpdate(1.0, 0, false, HALF_ULP);
        for (LinearAlgebra la : List.of(new EjmlLinearAlgebra(), new EjmlFloatLinearAlgebra())) {
            Matrix w = la.fromRowMajor(1, 1, new double[] {1});
            la.sgdStep(step, la.fromRowMajor(1, 1, new double[] {1}), null, w);
            double expected = la.precision() == Precision.F64 ? -HALF_ULP : 0.0;
            assertEquals(expected, la.toRowMajor(w)[0], la + ": SGD step 1 - (1 + 2⁻²⁴·1)");
        }
    }

    private static double roundTrip(LinearAlgebra la, double x) {
        return la.toRowMajor(la.fromRowMajor(1, 1, new double[] {x}))[0];
    }

    /** Same declared fields, constructors and methods by name, parameter count and modifiers. */
    private static void assertSameMembers(Class<?> source, Class<?> generated) {
        Set<String> missing = members(source);
        missing.removeAll(members(generated));
        Set<String> extra = members(generated);
        extra.removeAll(members(source));
        assertTrue(missing.isEmpty() && extra.isEmpty(), generated.getSimpleName() + " against its source "
                + source.getSimpleName() + ": missing " + missing + ", not in the source " + extra);
    }

    private static Set<String> members(Class<?> type) {
        Set<String> members = new TreeSet<>();
        Stream.of(type.getDeclaredFields()).forEach(f -> members.add(describe(f) + " field"));
        Stream.of(type.getDeclaredConstructors()).forEach(c -> members.add(describe(c) + "/" + c.getParameterCount()));
        Stream.of(type.getDeclaredMethods()).filter(m -> !m.isSynthetic())
                .forEach(m -> members.add(describe(m) + "/" + m.getParameterCount()));
        return members;
    }

    private static String describe(Member member) {
        String name = member.getName().replace(member.getDeclaringClass().getName(), "<class>");
        return Modifier.toString(member.getModifiers()) + " " + name;
    }

    private static void assertSinglePrecision(Class<?> generated, Member member, Class<?> type) {
        List<String> doubleTypes = Arrays.asList("DMatrixRMaj", "DOperatorUnary", "EjmlMatrix", "EjmlLinearAlgebra",
                "double[]");
        boolean spiArray = type == double[].class && member.getName().matches("do(SetRowMajor|ToRowMajor)");
        assertFalse(doubleTypes.contains(type.getSimpleName()) && !spiArray,
                generated.getSimpleName() + "." + member.getName() + " uses " + type.getSimpleName());
    }
}
