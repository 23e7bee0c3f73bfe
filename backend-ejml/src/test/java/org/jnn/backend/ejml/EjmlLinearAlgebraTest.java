package org.jnn.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;
import org.jnn.core.conformance.ReferenceLinearAlgebra;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the shared suite does not reach: products large enough for EJML's other code paths (the
 * transpose-then-multiply of a·bᵀ, the column-buffer aᵀ·bᵀ, the multi-threaded routines), and that the
 * hot operations allocate nothing once their scratch has grown.
 */
class EjmlLinearAlgebraTest {

    private static final long NEVER = Long.MAX_VALUE;

    @Test
    void largeProductsMatchTheDefinitionInEveryPathAndTransposeCombination() {
        int[][] shapes = {{1, 784, 200}, {64, 784, 200}, {45, 50, 17}, {45, 50, 9}, {3, 41, 60}, {2, 7, 16}, {20, 3, 9}};
        for (long threshold : new long[] {NEVER, 0}) {
            EjmlLinearAlgebra la = new EjmlLinearAlgebra(threshold);
            assertEquals(Precision.F64, la.precision());
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        double[] a = random(m * k, 1);
                        double[] b = random(k * n, 2);
                        double[] c0 = random(m * n, 3);
                        Matrix ma = la.fromRowMajor(ta ? k : m, ta ? m : k, ta ? transpose(a, m, k) : a);
                        Matrix mb = la.fromRowMajor(tb ? n : k, tb ? k : n, tb ? transpose(b, k, n) : b);
                        for (double beta : new double[] {0.0, 1.0, -0.5}) {
                            double alpha = 0.75;
                            double[] start = beta == 0.0 ? nan(m * n) : c0;
                            Matrix mc = la.fromRowMajor(m, n, start);
                            la.gemm(alpha, ma, ta, mb, tb, beta, mc);
                            double[] expected = new double[m * n];
                            for (int i = 0; i < m; i++) {
                                for (int j = 0; j < n; j++) {
                                    double sum = 0;
                                    for (int p = 0; p < k; p++) {
                                        sum += a[i * k + p] * b[p * n + j];
                                    }
                                    expected[i * n + j] = alpha * sum + (beta == 0.0 ? 0.0 : beta * c0[i * n + j]);
                                }
                            }
                            String what = "gemm " + m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb + " beta=" + beta
                                    + " threshold=" + threshold;
                            double[] actual = la.toRowMajor(mc);
                            for (int i = 0; i < expected.length; i++) {
                                assertEquals(expected[i], actual[i], 1e-11 * (1 + Math.abs(expected[i])) * k,
                                        what + " at " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void alphaZeroScalesCWithoutReadingAOrB() {
        EjmlLinearAlgebra la = new EjmlLinearAlgebra();
        Matrix a = la.fromRowMajor(2, 2, nan(4));
        Matrix c = la.fromRowMajor(2, 2, new double[] {1, 2, 3, 4});
        la.gemm(0.0, a, false, a, false, 2.0, c);
        assertTrue(Arrays.equals(new double[] {2, 4, 6, 8}, la.toRowMajor(c)));
        la.gemm(0.0, a, false, a, true, 0.0, c);
        assertTrue(Arrays.equals(new double[4], la.toRowMajor(c)));
    }

    @Test
    void hotOperationsAllocateNothingOnceWarm() {
        // EJML's threaded routines allocate their tasks, so both instances are single-threaded here.
        assertNoAllocation(new EjmlLinearAlgebra(NEVER));
        assertNoAllocation(new EjmlFloatLinearAlgebra(NEVER));
    }

    /**
     * The optimizer steps through their hooks: the SPI's checked entry points (nn-api's AbstractLinearAlgebra)
     * allocate their argument-name arrays, which is not this backend's doing.
     */
    @Test
    void optimizerStepsAllocateNothingOnceWarm() {
        int rows = 41, cols = 60;
        SgdUpdate momentum = new SgdUpdate(0.01, 0.9, false, 1e-4);
        SgdUpdate nesterov = new SgdUpdate(0.01, 0.9, true, 1e-4);
        AdamUpdate adam = new AdamUpdate(1e-3, 0.9, 0.999, 1e-8, 1e-4, false, 3);
        AdamUpdate adamW = new AdamUpdate(1e-3, 0.9, 0.999, 1e-8, 1e-2, true, 3);
        RmsPropUpdate rmsProp = new RmsPropUpdate(1e-3, 0.99, 1e-8, 1e-4);

        EjmlLinearAlgebra f64 = new EjmlLinearAlgebra(NEVER);
        EjmlMatrix[] m64 = new EjmlMatrix[4];
        for (int i = 0; i < m64.length; i++) {
            m64[i] = (EjmlMatrix) f64.fromRowMajor(rows, cols, random(rows * cols, i));
        }
        assertNoAllocation(f64, () -> {
            f64.doSgdStep(momentum, m64[0], m64[1], m64[3]);
            f64.doSgdStep(nesterov, m64[0], m64[1], m64[3]);
            f64.doAdamStep(adam, m64[0], m64[1], m64[2], m64[3]);
            f64.doAdamStep(adamW, m64[0], m64[1], m64[2], m64[3]);
            f64.doRmsPropStep(rmsProp, m64[0], m64[2], m64[3]);
        });

        EjmlFloatLinearAlgebra f32 = new EjmlFloatLinearAlgebra(NEVER);
        EjmlFloatMatrix[] m32 = new EjmlFloatMatrix[4];
        for (int i = 0; i < m32.length; i++) {
            m32[i] = (EjmlFloatMatrix) f32.fromRowMajor(rows, cols, random(rows * cols, i));
        }
        assertNoAllocation(f32, () -> {
            f32.doSgdStep(momentum, m32[0], m32[1], m32[3]);
            f32.doSgdStep(nesterov, m32[0], m32[1], m32[3]);
            f32.doAdamStep(adam, m32[0], m32[1], m32[2], m32[3]);
            f32.doAdamStep(adamW, m32[0], m32[1], m32[2], m32[3]);
            f32.doRmsPropStep(rmsProp, m32[0], m32[2], m32[3]);
        });
    }

    /** The operations of a training step through the SPI, run until warm, then measured. */
    private static void assertNoAllocation(LinearAlgebra la) {
        int batch = 12, in = 60, out = 41;
        Matrix x = la.fromRowMajor(batch, in, random(batch * in, 1));
        Matrix w = la.fromRowMajor(out, in, random(out * in, 2));
        Matrix bias = la.fromRowMajor(1, out, random(out, 3));
        Matrix z = la.zeros(batch, out);
        Matrix p = la.zeros(batch, out);
        Matrix dx = la.zeros(batch, in);
        Matrix dw = la.zeros(out, in);
        Matrix dxT = la.zeros(in, batch);
        Matrix db = la.zeros(1, out);
        Matrix row = la.fromRowMajor(1, in, random(in, 4));
        Matrix col = la.fromRowMajor(out, 1, random(out, 5));
        int[] labels = new int[batch];
        int[] predicted = new int[batch];
        double[] buffer = new double[batch * out];
        Matrix layer = la.fromRowMajor(in, out, random(in * out, 6));
        Matrix dz = la.fromRowMajor(batch, out, random(batch * out, 7));
        Activation[] activations = Activation.values();
        Runnable step = () -> {
            la.gemm(1.0, x, false, w, true, 0.0, z);
            la.addRowVector(z, bias, z);
            for (Activation f : activations) {
                la.affine(x, layer, bias, f, p);
                la.activate(f, z, p);
                la.activationBackward(f, dz, z, p, dz);
            }
            la.multiplyElements(z, p, p);
            la.softmaxRows(z, p);
            la.sumNegativeLogSoftmax(z, labels);
            la.addAtColumns(p, labels, -1.0);
            la.activationBackward(Activation.RELU, p, z, z, p);
            la.gemm(1.0, p, false, w, false, 0.0, dx);
            la.gemm(0.5, p, true, x, false, 1.0, dw);
            la.gemm(0.5, w, true, p, true, 0.0, dxT);
            la.columnSums(0.5, p, 1.0, db);
            la.columnSums(1.0, p, 0.0, db);
            la.rankOneUpdate(-0.1, col, row, dw);
            la.axpy(-0.1, dw, w);
            la.scale(0.999, w);
            la.fill(db, 0.0);
            la.argmaxRows(p, predicted);
            la.toRowMajor(p, buffer);
            la.setRowMajor(p, buffer);
        };
        assertNoAllocation(la, step);
    }

    /** Runs {@code step} until warm, then asserts that a thousand more runs allocate nothing. */
    private static void assertNoAllocation(LinearAlgebra la, Runnable step) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "allocation counter unsupported");
        for (int i = 0; i < 2_000; i++) {
            step.run();
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        int steps = 1_000;
        for (int i = 0; i < steps; i++) {
            step.run();
        }
        long bytes = threads.getThreadAllocatedBytes(id) - before;
        // One allocation per call would be at least 16 bytes × 1000 steps; allow the counter's noise.
        assertTrue(bytes < 4_096, la + ": the operations allocated " + bytes + " bytes in " + steps + " steps");
    }

    /**
     * Scratch is grown by the largest call and kept: calls of other shapes after it, smaller and larger, must
     * use only their own part of it (EJML's apply, for one, runs over a whole data array).
     */
    @Test
    void scratchGrownByOneShapeServesTheNextShapes() {
        int[][] shapes = {{50, 40}, {3, 7}, {1, 1}, {20, 120}, {2, 5}};
        for (LinearAlgebra la : List.of(new EjmlLinearAlgebra(), new EjmlFloatLinearAlgebra())) {
            ReferenceLinearAlgebra reference = new ReferenceLinearAlgebra(la.precision());
            double epsilon = la.precision() == Precision.F64 ? 1e-12 : 1e-5;
            long seed = 10;
            for (int[] shape : shapes) {
                int rows = shape[0], cols = shape[1];
                double[] z = random(rows * cols, seed++);
                double[] gradient = random(rows * cols, seed++);
                for (Activation f : Activation.values()) {
                    double[] expected = activationBackward(reference, f, rows, cols, z, gradient);
                    double[] actual = activationBackward(la, f, rows, cols, z, gradient);
                    assertClose(expected, actual, epsilon, la + " activationBackward " + f + " " + rows + "x" + cols);
                }
                double[] meanSquare = Arrays.stream(random(rows * cols, seed++)).map(Math::abs).toArray();
                double[] parameter = random(rows * cols, seed++);
                RmsPropUpdate step = new RmsPropUpdate(0.01, 0.9, 1e-8, 0.1);
                double[] expected = rmsPropStep(reference, step, gradient, meanSquare, parameter, rows, cols);
                double[] actual = rmsPropStep(la, step, gradient, meanSquare, parameter, rows, cols);
                assertClose(expected, actual, epsilon, la + " rmsPropStep " + rows + "x" + cols);
            }
        }
    }

    /** {@code gradient ⊙ f'(z)}, with {@code a = f(z)} as the backend computes it. */
    private static double[] activationBackward(LinearAlgebra la, Activation f, int rows, int cols, double[] z,
            double[] gradient) {
        Matrix mz = la.fromRowMajor(rows, cols, z);
        Matrix a = la.zeros(rows, cols);
        la.activate(f, mz, a);
        Matrix out = la.zeros(rows, cols);
        la.activationBackward(f, la.fromRowMajor(rows, cols, gradient), mz, a, out);
        return la.toRowMajor(out);
    }

    /** The parameter after one step. */
    private static double[] rmsPropStep(LinearAlgebra la, RmsPropUpdate step, double[] gradient, double[] meanSquare,
            double[] parameter, int rows, int cols) {
        Matrix w = la.fromRowMajor(rows, cols, parameter);
        la.rmsPropStep(step, la.fromRowMajor(rows, cols, gradient), la.fromRowMajor(rows, cols, meanSquare), w);
        return la.toRowMajor(w);
    }

    private static void assertClose(double[] expected, double[] actual, double epsilon, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], epsilon * (1 + Math.abs(expected[i])), what + " at " + i);
        }
    }

    @Test
    void metadataAndPrecision() {
        EjmlLinearAlgebra la = new EjmlLinearAlgebra();
        assertEquals("ejml", la.name());
        assertEquals(20, la.priority());
        assertTrue(la.availability().usable());
        assertTrue(la.description().contains("EJML 0.46.1"), la.description());
        assertSame(la, la.withPrecision(Precision.F64));
        LinearAlgebra f32 = la.withPrecision(Precision.F32);
        assertEquals(Precision.F32, f32.precision());
        assertEquals("ejml", f32.name());
        assertTrue(f32.description().contains("32-bit"), f32.description());
        assertSame(f32, f32.withPrecision(Precision.F32));
        assertEquals(Precision.F64, f32.withPrecision(Precision.F64).precision());
        assertEquals(la.supportedPrecisions(), f32.supportedPrecisions());
        assertEquals("ejml (f64)", la.toString());
        assertEquals("ejml (f32)", f32.toString());
        assertEquals(java.util.EnumSet.of(Precision.F64, Precision.F32), la.supportedPrecisions());
        assertThrows(NullPointerException.class, () -> la.withPrecision(null));
    }

    private static double[] random(int n, long seed) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private static double[] nan(int n) {
        double[] v = new double[n];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    /** The rows×cols row-major array transposed, as a cols×rows row-major array. */
    private static double[] transpose(double[] v, int rows, int cols) {
        double[] t = new double[v.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = v[i * cols + j];
            }
        }
        return t;
    }
}
