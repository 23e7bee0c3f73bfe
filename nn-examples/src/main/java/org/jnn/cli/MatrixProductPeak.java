package org.jnn.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * A backend's own matrix-product peak on this machine, the roof of {@code nn bench}'s "% of peak"
 * column: the GFLOP/s of its {@link LinearAlgebra#gemm gemm}, called through the SPI as training calls
 * it (so with the backend's own threading), at the network's largest batch-64 product and at a large
 * square one; the better of the two is the peak.
 *
 * <p>Each shape gets a short warm-up (the JIT, the native library's first calls), then a few timed
 * rounds of repeated products; the best round counts, since a peak is what the backend reaches when
 * the machine lets it, and a round slowed by other work on the machine says nothing about the backend.
 */
final class MatrixProductPeak {

    /** A product {@code (m×k) · (k×n)}. */
    record Shape(int m, int k, int n) {

        /** Floating-point operations of one product: a multiply and an add per term, {@code 2·m·n·k}. */
        double flops() {
            return 2.0 * m * n * k;
        }

        @Override
        public String toString() {
            return m + "×" + k + " · " + k + "×" + n;
        }
    }

    /** The best round's rate at one shape. */
    record Measurement(int m, int k, int n, double gflops) {
    }

    /** A backend's peak in one precision: the best of its measurements, and all of them. */
    record Peak(String backend, String precision, double gflops, String shape, List<Measurement> measurements) {
    }

    /** The first layer's forward product at batch 64 (784 inputs, 200 units), and 1024³. */
    static final List<Shape> SHAPES = List.of(new Shape(64, 784, 200), new Shape(1024, 1024, 1024));

    private static final long WARMUP_NANOS = 200_000_000L;
    private static final long ROUND_NANOS = 100_000_000L;
    private static final int ROUNDS = 5;

    private MatrixProductPeak() {
    }

    /** Measures every one of {@link #SHAPES} on {@code backend} and keeps the best. */
    static Peak measure(LinearAlgebra backend) {
        List<Measurement> measurements = new ArrayList<>();
        for (Shape shape : SHAPES) {
            measurements.add(new Measurement(shape.m(), shape.k(), shape.n(), measure(backend, shape)));
        }
        return of(backend.name(), backend.precision().id(), measurements);
    }

    /** The peak these measurements give: the fastest. */
    static Peak of(String backend, String precision, List<Measurement> measurements) {
        Measurement best = measurements.stream().max(Comparator.comparingDouble(Measurement::gflops)).orElseThrow();
        return new Peak(backend, precision, best.gflops(), new Shape(best.m(), best.k(), best.n()).toString(),
                List.copyOf(measurements));
    }

    /** GFLOP/s of {@code c = a · b} at {@code shape}: the best of {@value #ROUNDS} timed rounds after a warm-up. */
    private static double measure(LinearAlgebra backend, Shape shape) {
        Random random = new Random(1);
        Matrix a = backend.fromRowMajor(shape.m(), shape.k(), random.doubles((long) shape.m() * shape.k()).toArray());
        Matrix b = backend.fromRowMajor(shape.k(), shape.n(), random.doubles((long) shape.k() * shape.n()).toArray());
        Matrix c = backend.zeros(shape.m(), shape.n());
        Runnable product = () -> backend.gemm(1, a, false, b, false, 0, c);
        round(product, WARMUP_NANOS);
        double best = 0;
        for (int r = 0; r < ROUNDS; r++) {
            long[] callsAndNanos = round(product, ROUND_NANOS);
            best = Math.max(best, gflops(shape.flops(), callsAndNanos[0], callsAndNanos[1]));
        }
        return best;
    }

    /** Calls {@code product} until at least {@code nanos} have passed; returns the calls and the nanoseconds. */
    private static long[] round(Runnable product, long nanos) {
        long start = System.nanoTime();
        long calls = 0;
        long elapsed;
        do {
            product.run();
            calls++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < nanos);
        return new long[] {calls, elapsed};
    }

    /** The rate of {@code calls} products of {@code flopsPerCall} each in {@code nanos}: FLOP per ns is GFLOP/s. */
    static double gflops(double flopsPerCall, long calls, long nanos) {
        return flopsPerCall * calls / nanos;
    }

    /** {@code gflops} as a percentage of {@code peakGflops}. */
    static double percentOf(double gflops, double peakGflops) {
        return 100 * gflops / peakGflops;
    }
}
