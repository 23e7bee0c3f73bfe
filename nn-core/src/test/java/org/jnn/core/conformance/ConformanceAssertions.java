package org.jnn.core.conformance;

import static org.junit.jupiter.api.Assertions.fail;

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
 * summation order. An element whose terms are all zero must come out exactly zero.
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

    /** Per-element tolerances {@code epsilon * terms * magnitude[i]}. */
    public static double[] tolerances(Precision precision, double terms, double[] magnitude) {
        double[] tolerance = new double[magnitude.length];
        for (int i = 0; i < magnitude.length; i++) {
            tolerance[i] = epsilon(precision) * terms * magnitude[i];
        }
        return tolerance;
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
