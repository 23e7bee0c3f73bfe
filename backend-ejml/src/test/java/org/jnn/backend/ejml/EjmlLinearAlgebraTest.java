package org.jnn.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
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

    private static void assertNoAllocation(LinearAlgebra la) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "allocation counter unsupported");

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
        Runnable step = () -> {
            la.gemm(1.0, x, false, w, true, 0.0, z);
            la.addRowVector(z, bias, z);
            la.relu(z, p);
            la.softmaxRows(z, p);
            la.sumNegativeLogSoftmax(z, labels);
            la.addAtColumns(p, labels, -1.0);
            la.reluBackward(p, z, p);
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
        // A per-call allocation would be at least 16 bytes × 19 calls × 1000 steps; allow the counter's noise.
        assertTrue(bytes < 4_096, la + ": the hot operations allocated " + bytes + " bytes in " + steps + " steps");
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
