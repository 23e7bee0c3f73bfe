package org.jnn.backend.ejml;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints (never asserts) the time of the products of a 784-200-200-10 network at batch 1 and 64, with
 * EJML's single-threaded and multi-threaded routines, and the bytes allocated per call. Off by default:
 * {@code mvn -pl backend-ejml test -Djnn.timing=true -Dtest=EjmlGemmTiming -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "jnn.timing", matches = "true")
class EjmlGemmTiming {

    private static final EjmlLinearAlgebra SINGLE = new EjmlLinearAlgebra(Long.MAX_VALUE);
    private static final EjmlLinearAlgebra MULTI = new EjmlLinearAlgebra(0);
    private static final EjmlLinearAlgebra DEFAULT = new EjmlLinearAlgebra();
    private static final EjmlFloatLinearAlgebra FLOAT_SINGLE = new EjmlFloatLinearAlgebra(Long.MAX_VALUE);
    private static final EjmlFloatLinearAlgebra FLOAT_DEFAULT = new EjmlFloatLinearAlgebra();

    @Test
    void printTimings() {
        System.out.printf(Locale.ROOT, "processors: %d, default threshold %d multiply-adds%n",
                Runtime.getRuntime().availableProcessors(), EjmlLinearAlgebra.DEFAULT_PARALLEL_THRESHOLD);
        System.out.printf(Locale.ROOT, "%-44s %11s %11s %11s %9s %9s %11s %11s%n", "product (c = op(a)·op(b))",
                "single µs", "MT µs", "default µs", "single B", "MT B", "f32 1T µs", "f32 dflt µs");
        for (int batch : new int[] {1, 64}) {
            // forward: x·Wᵀ with W stored outputs×inputs
            time("fwd  " + batch + "x784 · (200x784)T", batch, 784, false, 200, 784, true, 0.0);
            time("fwd  " + batch + "x200 · (200x200)T", batch, 200, false, 200, 200, true, 0.0);
            time("fwd  " + batch + "x200 · (10x200)T", batch, 200, false, 10, 200, true, 0.0);
            // backward, input gradient: δ·W
            time("bwd  " + batch + "x10 · 10x200", batch, 10, false, 10, 200, false, 0.0);
            time("bwd  " + batch + "x200 · 200x200", batch, 200, false, 200, 200, false, 0.0);
            time("bwd  " + batch + "x200 · 200x784", batch, 200, false, 200, 784, false, 0.0);
            // weight gradient: δᵀ·x, overwriting (beta 0) and accumulating (beta 1)
            time("grad (" + batch + "x200)T · " + batch + "x784, b=0", batch, 200, true, batch, 784, false, 0.0);
            time("grad (" + batch + "x200)T · " + batch + "x784, b=1", batch, 200, true, batch, 784, false, 1.0);
            time("grad (" + batch + "x200)T · " + batch + "x200, b=0", batch, 200, true, batch, 200, false, 0.0);
            time("grad (" + batch + "x10)T · " + batch + "x200, b=0", batch, 10, true, batch, 200, false, 0.0);
        }
        // the batch-1 weight update
        Matrix x = random(SINGLE, 1, 200, 1);
        Matrix y = random(SINGLE, 1, 784, 2);
        Matrix w = random(SINGLE, 200, 784, 3);
        double[] r = measure(() -> SINGLE.rankOneUpdate(-0.01, x, y, w));
        System.out.printf(Locale.ROOT, "%-44s %11.2f %11s %11s %9.0f%n", "rankOneUpdate 200x784", r[0], "-", "-", r[1]);
    }

    private static void time(String label, int aRows, int aCols, boolean ta, int bRows, int bCols, boolean tb,
            double beta) {
        int m = ta ? aCols : aRows;
        int n = tb ? bRows : bCols;
        double[] single = run(SINGLE, aRows, aCols, ta, bRows, bCols, tb, beta, m, n);
        double[] multi = run(MULTI, aRows, aCols, ta, bRows, bCols, tb, beta, m, n);
        double[] chosen = run(DEFAULT, aRows, aCols, ta, bRows, bCols, tb, beta, m, n);
        double[] floatSingle = run(FLOAT_SINGLE, aRows, aCols, ta, bRows, bCols, tb, beta, m, n);
        double[] floatChosen = run(FLOAT_DEFAULT, aRows, aCols, ta, bRows, bCols, tb, beta, m, n);
        System.out.printf(Locale.ROOT, "%-44s %11.2f %11.2f %11.2f %9.0f %9.0f %11.2f %11.2f%n", label, single[0],
                multi[0], chosen[0], single[1], multi[1], floatSingle[0], floatChosen[0]);
    }

    private static double[] run(LinearAlgebra la, int aRows, int aCols, boolean ta, int bRows, int bCols,
            boolean tb, double beta, int m, int n) {
        Matrix a = random(la, aRows, aCols, 1);
        Matrix b = random(la, bRows, bCols, 2);
        Matrix c = random(la, m, n, 3);
        return measure(() -> la.gemm(1.0, a, ta, b, tb, beta, c)); // beta 0 or 1 keeps c bounded
    }

    /** Microseconds per call (best of five rounds) and bytes allocated per call by this thread. */
    private static double[] measure(Runnable op) {
        long until = System.nanoTime() + 300_000_000L;
        int calls = 0;
        while (System.nanoTime() < until) {
            op.run();
            calls++;
        }
        int perRound = Math.max(10, calls / 3);
        double best = Double.MAX_VALUE;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long bytes0 = threads.getThreadAllocatedBytes(id);
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                op.run();
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e3 / perRound);
        }
        long bytes = threads.getThreadAllocatedBytes(id) - bytes0;
        return new double[] {best, (double) bytes / (5L * perRound)};
    }

    private static Matrix random(LinearAlgebra la, int rows, int cols, long seed) {
        Random random = new Random(seed);
        double[] data = new double[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextGaussian();
        }
        return la.fromRowMajor(rows, cols, data);
    }
}
