package org.jnn.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.LongFunction;

import org.jnn.api.AdamUpdate;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;
import org.jnn.core.conformance.ReferenceLinearAlgebra;
import org.junit.jupiter.api.Test;

/**
 * The optimizer steps take ND4J's updaters in f64 and element-wise ops in f32, where the updaters
 * would compute 1 - β in float (see {@code Nd4jOpFormulasTest}), and in f64 past the step count the
 * Adam updater takes (an int). These cases reach each path with settings where the other would be off,
 * compared with the conformance suite's reference in the same precision: a β near 1 in f32, a step count
 * beyond 2³¹, and momentum under a learning rate that changes from step to step (which ND4J's
 * Nesterov updater, keeping -η times the buffer, would get wrong).
 */
class Nd4jOptimizerPathsTest {

    private static final int ROWS = 3;
    private static final int COLS = 5;

    /** One tensor and its state on both backends, from the same values. */
    private static final class Pair {
        final Matrix actual;
        final Matrix expected;

        Pair(LinearAlgebra backend, LinearAlgebra reference, double[] values) {
            actual = backend.fromRowMajor(ROWS, COLS, values);
            expected = reference.fromRowMajor(ROWS, COLS, values);
        }
    }

    private final Random random = new Random(11);

    private double[] values(double scale, boolean positive) {
        double[] v = new double[ROWS * COLS];
        for (int i = 0; i < v.length; i++) {
            double x = scale * random.nextGaussian();
            v[i] = positive ? x * x : x;
        }
        return v;
    }

    /** Each element within {@code relative} of the reference's, relative to the reference's magnitude plus {@code floor}. */
    private static void assertClose(LinearAlgebra backend, LinearAlgebra reference, String what, Pair pair,
            double relative, double floor) {
        double[] expected = reference.toRowMajor(pair.expected);
        double[] actual = backend.toRowMajor(pair.actual);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * (Math.abs(expected[i]) + floor), what + " element " + i);
        }
    }

    @Test
    void f32AdamWithABetaNearOneMatchesTheReference() {
        LinearAlgebra backend = new Nd4jLinearAlgebra().withPrecision(Precision.F32);
        LinearAlgebra reference = new ReferenceLinearAlgebra(Precision.F32);
        // In float 1 - 0.9999f is 1.7e-4 off 1 - 0.9999, which ND4J's updater would put into v.
        adamSteps(backend, reference, new double[ROWS * COLS], new double[ROWS * COLS], 1,
                t -> new AdamUpdate(1e-3, 0.99, 0.9999, 1e-8, 0.01, t == 2, t), 2e-6);
    }

    /** Three Adam steps from step {@code first} on, each compared with the reference. */
    private void adamSteps(LinearAlgebra backend, LinearAlgebra reference, double[] m0, double[] v0, long first,
            LongFunction<AdamUpdate> setting, double relative) {
        Pair w = new Pair(backend, reference, values(1, false));
        Pair m = new Pair(backend, reference, m0);
        Pair v = new Pair(backend, reference, v0);
        for (long t = first; t < first + 3; t++) {
            double[] g = values(1, false);
            AdamUpdate step = setting.apply(t);
            backend.adamStep(step, backend.fromRowMajor(ROWS, COLS, g), m.actual, v.actual, w.actual);
            reference.adamStep(step, reference.fromRowMajor(ROWS, COLS, g), m.expected, v.expected, w.expected);
            String what = backend + " Adam, step " + t + ", ";
            assertClose(backend, reference, what + "second moment", v, relative, 0);
            assertClose(backend, reference, what + "first moment", m, relative, 0);
            assertClose(backend, reference, what + "parameter", w, relative, step.learningRate());
        }
    }

    @Test
    void f32RmsPropWithAnAlphaNearOneMatchesTheReference() {
        LinearAlgebra backend = new Nd4jLinearAlgebra().withPrecision(Precision.F32);
        LinearAlgebra reference = new ReferenceLinearAlgebra(Precision.F32);
        Pair w = new Pair(backend, reference, values(1, false));
        Pair s = new Pair(backend, reference, new double[ROWS * COLS]);
        for (int k = 0; k < 3; k++) {
            double[] g = values(1, false);
            RmsPropUpdate step = new RmsPropUpdate(0.01, 0.9999, 1e-8, 0.1);
            backend.rmsPropStep(step, backend.fromRowMajor(ROWS, COLS, g), s.actual, w.actual);
            reference.rmsPropStep(step, reference.fromRowMajor(ROWS, COLS, g), s.expected, w.expected);
            assertClose(backend, reference, "f32 RMSProp mean square, step " + k, s, 2e-6, 0);
            // A step moves each weight by about η/sqrt(1-α) = 1 here.
            assertClose(backend, reference, "f32 RMSProp parameter, step " + k, w, 2e-6, 1);
        }
    }

    @Test
    void f64AdamBeyondTheUpdatersStepCountMatchesTheReference() {
        LinearAlgebra backend = new Nd4jLinearAlgebra();
        LinearAlgebra reference = new ReferenceLinearAlgebra();
        // The last step the updater takes (its step count is an int), then two beyond.
        adamSteps(backend, reference, values(0.1, false), values(0.1, true), Integer.MAX_VALUE,
                t -> new AdamUpdate(1e-3, 0.9, 0.999999999, 1e-8, 0, false, t), 1e-14);
    }

    @Test
    void momentumUnderAChangingLearningRateMatchesTheReference() {
        for (Precision precision : Precision.values()) {
            LinearAlgebra backend = new Nd4jLinearAlgebra().withPrecision(precision);
            LinearAlgebra reference = new ReferenceLinearAlgebra(precision);
            double tolerance = precision == Precision.F64 ? 1e-14 : 2e-6;
            for (boolean nesterov : new boolean[] {false, true}) {
                Pair w = new Pair(backend, reference, values(1, false));
                Pair velocity = new Pair(backend, reference, new double[ROWS * COLS]);
                for (double rate : new double[] {0.1, 0.03, 0.5, 0.001}) {
                    double[] g = values(1, false);
                    SgdUpdate step = new SgdUpdate(rate, 0.9, nesterov, 0.01);
                    backend.sgdStep(step, backend.fromRowMajor(ROWS, COLS, g), velocity.actual, w.actual);
                    reference.sgdStep(step, reference.fromRowMajor(ROWS, COLS, g), velocity.expected, w.expected);
                    String what = precision + (nesterov ? " Nesterov" : " momentum") + " at learning rate " + rate;
                    assertClose(backend, reference, what + ", velocity (PyTorch's buffer)", velocity, tolerance, 1);
                    assertClose(backend, reference, what + ", parameter", w, tolerance, 1);
                }
            }
        }
    }
}
