package org.jnn.core.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import org.jnn.api.Activation;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;

/**
 * Assertions for the conformance suites. Every failure message names the backend, the operation and
 * the shapes, and for a wrong result the first wrong element with its position, the expected and the
 * actual value and the tolerance, e.g.
 *
 * <pre>
 * gemm on ejml (f64) [a 3×4, b 4×5, c 3×5, alpha=0.5, beta=0.0]: first wrong element at (1, 2)
 * (row-major index 7 of 15): expected 1.25, actual NaN (difference NaN, tolerance 2.1E-11)
 * </pre>
 *
 * <h2>Tolerances</h2>
 * A result element that sums {@code terms} floating-point terms whose absolute values add up to
 * {@code magnitude} is compared with tolerance {@code epsilon(precision) * terms * magnitude}, where
 * epsilon is 1e-12 for F64 and 1e-5 for F32. Scaling by the magnitude of the terms (not of the result)
 * keeps the check fair when terms cancel; scaling by the number of terms allows for a different
 * summation order. An element whose terms are all zero must come out exactly zero. In F32 a result may also be
 * off by one subnormal step per term, where floats below 1.2e-38 run out of bits.
 *
 * <p>The activations are not sums; {@link #activationMagnitude} and {@link #derivativeMagnitude} say what the
 * rounding of each scales with, and {@link #activationTerms} how many roundings it may have.
 */
public final class ConformanceAssertions {

    private ConformanceAssertions() {
    }

    /** Relative accuracy expected of one floating-point step at {@code precision}. */
    public static double epsilon(Precision precision) {
        return switch (precision) {
            case F64 -> 1e-12;
            case F32 -> 1e-5;
        };
    }

    /**
     * Per-element tolerances {@code epsilon * terms * magnitude[i]}; in F32, plus {@code terms} times the smallest
     * float for every element whose magnitude is not 0, since a float below 1.2e-38 is subnormal, with fewer bits
     * the smaller it is (sigmoid(-100) is 3.7e-44).
     */
    public static double[] tolerances(Precision precision, double terms, double[] magnitude) {
        double[] tolerance = new double[magnitude.length];
        for (int i = 0; i < magnitude.length; i++) {
            tolerance[i] = epsilon(precision) * terms * magnitude[i];
            if (precision == Precision.F32 && magnitude[i] != 0) {
                tolerance[i] += terms * Float.MIN_VALUE;
            }
        }
        return tolerance;
    }

    /**
     * What the rounding of {@code f(z)} scales with, element by element: {@code |z|} for the identity, ReLU and
     * leaky ReLU; 1 for tanh and sigmoid, which are bounded by 1 and which some libraries compute as a difference
     * near ±1; {@code |z|/2 (1 + |tanh u|)} for GELU, whose {@code 1 + tanh u} cancels for negative z.
     */
    public static double[] activationMagnitude(Activation f, double[] z) {
        double[] magnitude = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            magnitude[i] = switch (f) {
                case IDENTITY, RELU, LEAKY_RELU -> Math.abs(z[i]);
                case TANH, SIGMOID -> 1;
                case GELU -> 0.5 * Math.abs(z[i]) * (1 + Math.abs(Math.tanh(ReferenceLinearAlgebra.geluArgument(z[i]))));
            };
        }
        return magnitude;
    }

    /** The roundings in {@code f(z)} or {@code gradient ⊙ f'(z)}: 1 for the piecewise-linear functions, 4 for tanh and sigmoid, 8 for GELU. */
    public static double activationTerms(Activation f) {
        return switch (f) {
            case IDENTITY, RELU, LEAKY_RELU -> 1;
            case TANH, SIGMOID -> 4;
            case GELU -> 8;
        };
    }

    /**
     * What the rounding of {@code gradient ⊙ f'(z)} scales with: {@code |gradient|} times 1 (identity, ReLU,
     * leaky ReLU), {@code 1 + a²} (tanh's {@code 1 - a²}), {@code a (1 + a)} (sigmoid's {@code a (1 - a)}) or
     * the sum of the absolute values of the two terms of GELU's derivative.
     */
    public static double[] derivativeMagnitude(Activation f, double[] gradient, double[] z, double[] a) {
        double[] magnitude = new double[gradient.length];
        for (int i = 0; i < gradient.length; i++) {
            double derivative = switch (f) {
                case IDENTITY, RELU, LEAKY_RELU -> 1;
                case TANH -> 1 + a[i] * a[i];
                case SIGMOID -> Math.abs(a[i]) * (1 + Math.abs(a[i]));
                case GELU -> {
                    double t = Math.tanh(ReferenceLinearAlgebra.geluArgument(z[i]));
                    yield 0.5 * (1 + Math.abs(t)) + 0.5 * Math.abs(z[i]) * (1 - t * t) * ReferenceLinearAlgebra.GELU_SCALE
                            * (1 + 3 * ReferenceLinearAlgebra.GELU_CUBIC * z[i] * z[i]);
                }
            };
            magnitude[i] = Math.abs(gradient[i]) * derivative;
        }
        return magnitude;
    }

    /** The context every message starts with: {@code gemm on ejml (f64) [a 3×4, ...]}. */
    public static String where(LinearAlgebra backend, String operation, String shapes) {
        return operation + " on " + Backends.label(backend) + " [" + shapes + "]";
    }

    /** {@link #assertMatrixClose(LinearAlgebra, String, String, int, double[], double[], double[])} with one tolerance for all elements. */
    public static void assertMatrixClose(LinearAlgebra backend, String operation, String shapes, int cols,
            double[] expected, double[] actual, double tolerance) {
        double[] tolerances = new double[expected.length];
        java.util.Arrays.fill(tolerances, tolerance);
        assertMatrixClose(backend, operation, shapes, cols, expected, actual, tolerances);
    }

    /**
     * Asserts that two row-major matrices with {@code cols} columns agree element by element within
     * {@code tolerance[i]}; NaN never agrees with a number.
     */
    public static void assertMatrixClose(LinearAlgebra backend, String operation, String shapes, int cols,
            double[] expected, double[] actual, double[] tolerance) {
        if (actual.length != expected.length) {
            fail(where(backend, operation, shapes) + ": expected " + expected.length + " elements, actual "
                    + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (!close(expected[i], actual[i], tolerance[i])) {
                fail(where(backend, operation, shapes) + ": first wrong element at (" + i / cols + ", " + i % cols
                        + ") (row-major index " + i + " of " + expected.length + "): expected " + expected[i]
                        + ", actual " + actual[i] + " (difference " + Math.abs(expected[i] - actual[i])
                        + ", tolerance " + tolerance[i] + ")");
            }
        }
    }

    /** Asserts that a scalar result agrees within {@code tolerance}. */
    public static void assertScalarClose(LinearAlgebra backend, String operation, String shapes, double expected,
            double actual, double tolerance) {
        if (!close(expected, actual, tolerance)) {
            fail(where(backend, operation, shapes) + ": expected " + expected + ", actual " + actual
                    + " (difference " + Math.abs(expected - actual) + ", tolerance " + tolerance + ")");
        }
    }

    /** Asserts that two index arrays are equal, naming the first differing entry. */
    public static void assertIndicesEqual(LinearAlgebra backend, String operation, String shapes, int[] expected,
            int[] actual) {
        if (actual.length != expected.length) {
            fail(where(backend, operation, shapes) + ": expected " + expected.length + " indices, actual "
                    + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                fail(where(backend, operation, shapes) + ": first wrong entry at index " + i + " of "
                        + expected.length + ": expected " + expected[i] + ", actual " + actual[i]);
            }
        }
    }

    private static boolean close(double expected, double actual, double tolerance) {
        return expected == actual || Math.abs(expected - actual) <= tolerance; // false for NaN
    }
}
