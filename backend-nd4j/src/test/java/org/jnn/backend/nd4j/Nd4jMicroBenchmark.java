package org.jnn.backend.nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * Per-operation timings of the ND4J backend at the shapes of the 784-200-200-10 network, at batch 1
 * and 64, plus whole SGD steps made of the same calls the network makes. Not a test: run it by hand,
 * e.g. with {@code -Dnn.nd4j.threads=1} and {@code =2}, or with and without {@code OPENBLAS_CORETYPE}
 * in the environment:
 *
 * <pre>{@code
 * cd backend-nd4j && mvn -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.jnn.backend.nd4j.Nd4jMicroBenchmark
 * }</pre>
 *
 * Each figure is the best, over 5 rounds of about 0.2 s, of the mean time per call, in microseconds.
 */
public final class Nd4jMicroBenchmark {

    private static final int[] SIZES = {784, 200, 200, 10};

    private final LinearAlgebra la;
    private final Random random = new Random(1);
    private final List<String> lines = new ArrayList<>();

    private Nd4jMicroBenchmark(LinearAlgebra la) {
        this.la = la;
    }

    public static void main(String[] args) {
        Nd4jLinearAlgebra la = new Nd4jLinearAlgebra();
        if (!la.availability().usable()) {
            throw new IllegalStateException(la.availability().reason());
        }
        String blasThreads = System.getProperty("bench.blasThreads");
        if (blasThreads != null) { // only to compare: BLAS threads different from the op threads
            org.nd4j.linalg.factory.Nd4j.factory().blas().setMaxThreads(Integer.parseInt(blasThreads));
        }
        System.out.println(la.description() + "; " + la.runtimeInfo() + "; BLAS now "
                + org.nd4j.linalg.factory.Nd4j.factory().blas().getMaxThreads() + "; OPENBLAS_CORETYPE="
                + System.getenv("OPENBLAS_CORETYPE"));
        int[] batches = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {1, 64};
        Nd4jMicroBenchmark bench = new Nd4jMicroBenchmark(la);
        for (int batch : batches) {
            bench.run(batch);
        }
        bench.lines.forEach(System.out::println);
    }

    private Matrix random(int rows, int cols) {
        double[] values = new double[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian() * 0.1;
        }
        return la.fromRowMajor(rows, cols, values);
    }

    private void time(String name, Runnable op) {
        String only = System.getProperty("bench.only");
        if (only != null && !name.contains(only)) {
            return;
        }
        for (int i = 0; i < 200; i++) {
            op.run();
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            int calls = 0;
            long start = System.nanoTime();
            long elapsed;
            do {
                op.run();
                calls++;
                elapsed = System.nanoTime() - start;
            } while (elapsed < 200_000_000L);
            best = Math.min(best, elapsed / 1e3 / calls);
        }
        lines.add(String.format(Locale.ROOT, "%-58s %10.1f", name, best));
    }

    private void run(int b) {
        String p = "B=" + b + " ";
        int layers = SIZES.length - 1;
        Matrix input = random(b, SIZES[0]);
        Matrix[] weights = new Matrix[layers];
        Matrix[] biases = new Matrix[layers];
        Matrix[] activations = new Matrix[layers];
        Matrix[] gradients = new Matrix[layers];
        for (int l = 0; l < layers; l++) {
            weights[l] = random(SIZES[l + 1], SIZES[l]);
            biases[l] = random(1, SIZES[l + 1]);
            activations[l] = la.zeros(b, SIZES[l + 1]);
            gradients[l] = la.zeros(b, SIZES[l + 1]);
        }
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
            labels[i] = random.nextInt(SIZES[layers]);
        }
        double[] inputRows = new double[b * SIZES[0]];
        Matrix hiddenInputGradient = la.zeros(b, SIZES[1]);
        Matrix logits = activations[layers - 1];
        Matrix probabilities = la.zeros(b, SIZES[layers]);
        int[] predicted = new int[b];

        time(p + "setRowMajor " + b + "x784", () -> la.setRowMajor(input, inputRows));
        time(p + "gemm x·W1ᵀ " + b + "x784 · (200x784)ᵀ", () -> la.gemm(1, input, false, weights[0], true, 0, activations[0]));
        time(p + "gemm h·W2ᵀ " + b + "x200 · (200x200)ᵀ", () -> la.gemm(1, activations[0], false, weights[1], true, 0, activations[1]));
        time(p + "gemm h·W3ᵀ " + b + "x200 · (10x200)ᵀ", () -> la.gemm(1, activations[1], false, weights[2], true, 0, activations[2]));
        time(p + "addRowVector " + b + "x200", () -> la.addRowVector(activations[0], biases[0], activations[0]));
        time(p + "relu " + b + "x200", () -> la.relu(activations[0], activations[0]));
        time(p + "softmaxRows " + b + "x10", () -> la.softmaxRows(logits, probabilities));
        time(p + "sumNegativeLogSoftmax " + b + "x10", () -> la.sumNegativeLogSoftmax(logits, labels));
        time(p + "addAtColumns " + b + "x10 (one-hot cached)", () -> la.addAtColumns(probabilities, labels, 0.0));
        int[] changing = labels.clone();
        time(p + "addAtColumns " + b + "x10 (new labels)", () -> {
            changing[0] = (changing[0] + 1) % SIZES[layers];
            la.addAtColumns(probabilities, changing, 0.0);
        });
        time(p + "gemm δ·W3 " + b + "x10 · 10x200", () -> la.gemm(1, gradients[2], false, weights[2], false, 0, hiddenInputGradient));
        time(p + "reluBackward " + b + "x200", () -> la.reluBackward(hiddenInputGradient, activations[1], hiddenInputGradient));
        time(p + "argmaxRows " + b + "x10", () -> la.argmaxRows(logits, predicted));
        Matrix weightCopy = la.copy(weights[0]);
        if (b == 1) {
            time(p + "rankOneUpdate 200x784", () -> la.rankOneUpdate(-1e-9, gradients[0], input, weightCopy));
            time(p + "axpy 1x200", () -> la.axpy(-1e-9, gradients[0], biases[0]));
        } else {
            time(p + "gemm δᵀ·x " + b + "x200ᵀ · " + b + "x784 (beta 1)",
                    () -> la.gemm(-1e-9, gradients[0], true, input, false, 1, weightCopy));
            time(p + "columnSums " + b + "x200", () -> la.columnSums(-1e-9, gradients[0], 1, biases[0]));
        }
        time(p + "axpy 200x784", () -> la.axpy(-1e-9, weights[0], weightCopy));
        time(p + "scale 200x784", () -> la.scale(1.0, weightCopy));
        time(p + "fill 200x784", () -> la.fill(weightCopy, 0.5));

        // One SGD step, exactly the calls Network.step makes.
        time(p + "SGD step 784-200-200-10", () -> {
            la.setRowMajor(input, inputRows);
            for (int l = 0; l < layers; l++) {
                Matrix in = l == 0 ? input : activations[l - 1];
                la.gemm(1.0, in, false, weights[l], true, 0.0, activations[l]);
                la.addRowVector(activations[l], biases[l], activations[l]);
                if (l < layers - 1) {
                    la.relu(activations[l], activations[l]);
                }
            }
            la.sumNegativeLogSoftmax(logits, labels);
            la.softmaxRows(logits, gradients[layers - 1]);
            la.addAtColumns(gradients[layers - 1], labels, -1.0);
            double alpha = -1e-9 / b;
            for (int l = layers - 1; l >= 0; l--) {
                Matrix in = l == 0 ? input : activations[l - 1];
                if (l > 0) {
                    la.gemm(1.0, gradients[l], false, weights[l], false, 0.0, gradients[l - 1]);
                    la.reluBackward(gradients[l - 1], activations[l - 1], gradients[l - 1]);
                }
                if (b == 1) {
                    la.rankOneUpdate(alpha, gradients[l], in, weights[l]);
                    la.axpy(alpha, gradients[l], biases[l]);
                } else {
                    la.gemm(alpha, gradients[l], true, in, false, 1.0, weights[l]);
                    la.columnSums(alpha, gradients[l], 1.0, biases[l]);
                }
            }
        });
    }
}
