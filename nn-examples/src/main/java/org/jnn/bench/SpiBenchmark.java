package org.jnn.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;
import org.jnn.core.Dataset;
import org.jnn.core.Network;
import org.jnn.core.TrainingOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Every SPI operation of a training step at the shapes of the reference experiment's 784-200-200-10 network, per
 * backend, precision and batch size, plus a whole SGD step. Run with {@code ./nn jmh} (all of it) or,
 * for example, {@code ./nn jmh SpiBenchmark.gemm -p backend=ejml -p batch=64}.
 *
 * <p>The names follow where the operation sits in a step: {@code gemmForward} is the first layer's
 * {@code x · Wᵀ} ({@code batch×784 · 784×200}), {@code gemmWeightGradient} its
 * {@code Wᵀ += α xᵀ g}, {@code gemmInputGradient} the second layer's {@code g · W}
 * ({@code batch×200 · (200×200)ᵀ}); the element-wise ones run on a {@code batch×200} activation, the
 * optimizer steps on the first layer's {@code 784×200} weights (independent of the batch size).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SpiBenchmark {

    @Param({"ejml", "nd4j", "commons-math"})
    public String backend;

    @Param({"f64"})
    public String precision;

    @Param({"1", "64"})
    public int batch;

    private LinearAlgebra la;
    private Matrix x;
    private Matrix w0;
    private Matrix h;
    private Matrix h2;
    private Matrix g;
    private Matrix w1;
    private Matrix bias;
    private Matrix logits;
    private Matrix probabilities;
    private Matrix column;
    private Matrix xRow;
    private Matrix gRow;
    private double[] featureBuffer;
    private int[] labels;
    private int[] predicted;
    private Network network;
    private Dataset oneBatch;
    private TrainingOptions step;
    private Matrix weightGradient;
    private Matrix velocity;
    private Matrix firstMoment;
    private Matrix secondMoment;

    private static final SgdUpdate MOMENTUM = new SgdUpdate(1e-6, 0.9, false, 0);
    private static final AdamUpdate ADAM = new AdamUpdate(1e-6, 0.9, 0.999, 1e-8, 0, false, 10);
    private static final RmsPropUpdate RMS_PROP = new RmsPropUpdate(1e-6, 0.99, 1e-8, 0);

    @Setup(Level.Trial)
    public void setUp() {
        LinearAlgebra base = Backends.byName(backend);
        Precision p = Precision.fromId(precision);
        if (!base.supportedPrecisions().contains(p)) {
            throw new IllegalArgumentException(backend + " has no " + precision + "; it offers "
                    + base.supportedPrecisions());
        }
        la = base.withPrecision(p);
        Random random = new Random(42);
        x = random(batch, 784, random);
        w0 = random(784, 200, random);
        h = random(batch, 200, random);
        h2 = random(batch, 200, random);
        g = random(batch, 200, random);
        w1 = random(200, 200, random);
        bias = random(1, 200, random);
        logits = random(batch, 10, random);
        probabilities = la.zeros(batch, 10);
        column = la.zeros(1, 200);
        xRow = random(1, 784, random);
        gRow = random(1, 200, random);
        featureBuffer = la.toRowMajor(x);
        labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(10);
        }
        predicted = new int[batch];

        network = Network.create(la, 42, 784, 200, 200, 10);
        double[][] features = new double[batch][784];
        for (double[] row : features) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextDouble();
            }
        }
        oneBatch = Dataset.of(features, labels, 10);
        // A tiny rate keeps the weights finite however many steps JMH runs.
        step = new TrainingOptions(1e-6, batch, 1, 42);
        weightGradient = random(784, 200, random);
        velocity = la.zeros(784, 200);
        firstMoment = la.zeros(784, 200);
        secondMoment = la.zeros(784, 200);
    }

    private Matrix random(int rows, int cols, Random random) {
        double[] data = new double[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextGaussian() * 0.1;
        }
        return la.fromRowMajor(rows, cols, data);
    }

    @Benchmark
    public Matrix gemmForward() {
        la.gemm(1.0, x, false, w0, false, 0.0, h);
        return h;
    }

    @Benchmark
    public Matrix gemmWeightGradient() {
        la.gemm(-1e-9, x, true, g, false, 1.0, w0);
        return w0;
    }

    @Benchmark
    public Matrix gemmInputGradient() {
        la.gemm(1.0, g, false, w1, true, 0.0, h2);
        return h2;
    }

    @Benchmark
    public Matrix rankOneUpdate() {
        // What one sample's step does to the first layer: Wᵀ += α x gᵀ.
        la.rankOneUpdate(-1e-9, xRow, gRow, w0);
        return w0;
    }

    @Benchmark
    public Matrix addRowVector() {
        la.addRowVector(h, bias, h2);
        return h2;
    }

    /** The activation of {@link #activate} and {@link #activationBackward}, a parameter of those two only. */
    @State(Scope.Thread)
    public static class ActivationChoice {
        @Param({"relu", "leaky-relu", "tanh", "sigmoid", "gelu"})
        public String activation;

        Activation function;

        @Setup(Level.Trial)
        public void resolve() {
            function = Activation.fromId(activation);
        }
    }

    @Benchmark
    public Matrix activate(ActivationChoice f) {
        la.activate(f.function, h, h2);
        return h2;
    }

    @Benchmark
    public Matrix activationBackward(ActivationChoice f) {
        // h stands for both z and a: the values do not change the work.
        la.activationBackward(f.function, g, h, h, h2);
        return h2;
    }

    @Benchmark
    public Matrix multiplyElements() {
        la.multiplyElements(h, g, h2);
        return h2;
    }

    /**
     * The optimizer steps' gradient, refilled before every call: the SPI lets a step use its gradient
     * as scratch (ND4J's writes the update into it), so a reused one would shrink into subnormal numbers
     * and time something else. The refill is outside the measured call (700 µs steps, so the per-call
     * set-up overhead does not matter).
     */
    @State(Scope.Thread)
    public static class FreshGradient {
        double[] values;

        @Setup(Level.Invocation)
        public void refill(SpiBenchmark benchmark) {
            if (values == null) {
                values = benchmark.la.toRowMajor(benchmark.weightGradient);
            }
            benchmark.la.setRowMajor(benchmark.weightGradient, values);
        }
    }

    // The optimizer steps on the first layer's 784×200 weights.

    @Benchmark
    public Matrix sgdMomentumStep(FreshGradient gradient) {
        la.sgdStep(MOMENTUM, weightGradient, velocity, w0);
        return w0;
    }

    @Benchmark
    public Matrix adamStep(FreshGradient gradient) {
        la.adamStep(ADAM, weightGradient, firstMoment, secondMoment, w0);
        return w0;
    }

    @Benchmark
    public Matrix rmsPropStep(FreshGradient gradient) {
        la.rmsPropStep(RMS_PROP, weightGradient, secondMoment, w0);
        return w0;
    }

    @Benchmark
    public Matrix softmaxRows() {
        la.softmaxRows(logits, probabilities);
        return probabilities;
    }

    @Benchmark
    public double sumNegativeLogSoftmax() {
        return la.sumNegativeLogSoftmax(logits, labels);
    }

    @Benchmark
    public Matrix columnSums() {
        la.columnSums(1.0, g, 0.0, column);
        return column;
    }

    @Benchmark
    public Matrix axpy() {
        la.axpy(1e-9, g, h2);
        return h2;
    }

    @Benchmark
    public int[] argmaxRows() {
        la.argmaxRows(logits, predicted);
        return predicted;
    }

    @Benchmark
    public Matrix loadBatch() {
        la.setRowMajor(x, featureBuffer);
        return x;
    }

    /** One whole SGD step of the 784-200-200-10 network on one batch (forward, loss, backward, update). */
    @Benchmark
    public void trainingStep(Blackhole blackhole) {
        blackhole.consume(network.train(oneBatch, step));
    }
}
