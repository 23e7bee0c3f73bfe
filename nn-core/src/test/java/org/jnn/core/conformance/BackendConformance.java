package org.jnn.core.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.jnn.api.Activation;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.core.Architecture;
import org.jnn.core.Dataset;
import org.jnn.core.EpochResult;
import org.jnn.core.Evaluation;
import org.jnn.core.GradientCheck;
import org.jnn.core.Network;
import org.jnn.core.Parameters;
import org.jnn.core.Prediction;
import org.jnn.core.ShardedTraining;
import org.jnn.core.TrainingOptions;
import org.jnn.core.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole conformance suite: every operation and rule of {@link LinearAlgebraConformance}, plus the
 * network built on the backend: its gradient against central differences for every hidden activation and
 * for a network mixing them, an SGD step against that gradient, bit-identical initial weights, a short
 * training run per optimizer that must learn, training that follows the reference step for step with every
 * optimizer, activations and dropout, and dropout that is reproducible bit for bit.
 *
 * <p>A backend module runs all of it, in every precision the backend supports, through one subclass:
 *
 * <pre>{@code
 * class EjmlConformanceTest extends BackendConformance {
 *     @Override protected LinearAlgebra createBackend() { return new EjmlLinearAlgebra(); }
 * }
 * }</pre>
 */
public abstract class BackendConformance extends LinearAlgebraConformance {

    /** The backend under test in this run's precision. */
    private LinearAlgebra backend() {
        return backend;
    }

    private static boolean isF64(LinearAlgebra la) {
        return la.precision() == Precision.F64;
    }

    private static String label(LinearAlgebra la) {
        return Backends.label(la);
    }

    /**
     * Backpropagation through two hidden layers of each activation agrees with central differences of the loss
     * for every weight and bias: relative error below 1e-6 in f64 (1e-2 in f32, where the loss itself carries
     * only about 7 digits and the step must be 1e-2). Dropout is off, as in every gradient check.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Activation.class, names = {"RELU", "LEAKY_RELU", "TANH", "SIGMOID", "GELU"})
    public void wholeNetworkGradientMatchesCentralDifferences(Activation activation) {
        assertGradientMatchesCentralDifferences(Architecture.of(6, 8, 7, 4).withActivation(activation));
    }

    /** The same through five hidden layers, each with another activation. */
    @Test
    public void wholeNetworkGradientMatchesCentralDifferencesWithADifferentActivationPerLayer() {
        assertGradientMatchesCentralDifferences(Architecture.of(6, 7, 6, 6, 5, 5, 4).withActivations(Activation.TANH,
                Activation.GELU, Activation.LEAKY_RELU, Activation.SIGMOID, Activation.RELU));
    }

    private void assertGradientMatchesCentralDifferences(Architecture architecture) {
        LinearAlgebra la = backend();
        boolean f64 = isF64(la);
        double epsilon = f64 ? 1e-6 : 1e-2;
        int[] sizes = architecture.layerSizes();
        // Within ε of a kink (ReLU's, leaky ReLU's) the finite difference straddles it and means nothing, so the
        // inputs must keep every such pre-activation clear of 0. (A step of ε in one weight moves a pre-activation
        // by about ε times an input, all below 1 here.) f64's ε is tiny, so its first data qualify; f32 needs ε =
        // 1e-2, and the seeds are searched for a network and batch that keep 10 ε = 0.1 clear.
        double margin = (f64 ? 100 : 10) * epsilon;
        GradientCheck.Result result = null;
        long seed = 5;
        for (int attempt = 0; attempt < 500; attempt++, seed++) {
            Network net = Network.create(la, architecture, seed);
            Dataset batch = SyntheticData.uniform(f64 ? 5 : 2, sizes[0], sizes[sizes.length - 1], 17 + attempt);
            // Absolute errors below the floor pass: the rounding of the loss, divided by 2ε, is about 1e-10 in f64.
            result = GradientCheck.check(net, batch, epsilon, f64 ? 1e-9 : 1e-4);
            if (result.closestToKink() > margin) {
                break;
            }
        }
        GradientCheck.Result checked = result;
        assertTrue(checked.closestToKink() > margin, () -> label(la) + ": no test network " + architecture
                + " found whose pre-activations keep clear of the kink: " + checked);
        int parameters = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            parameters += sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        assertEquals(parameters, checked.parametersChecked());
        double limit = f64 ? 1e-6 : 1e-2;
        long networkSeed = seed;
        assertTrue(checked.maxRelativeError() < limit, () -> label(la) + ": gradient check failed for the "
                + architecture + " network of seed " + networkSeed + " (limit " + limit + ", ε " + epsilon + "): " + checked);
    }

    /** With one sample per batch (the rank-1 update path), a step moves every parameter by -rate × gradient. */
    @Test
    public void sgdStepAtBatchSizeOneMovesEveryParameterAgainstTheGradient() {
        assertStepFollowsGradient(1);
    }

    /** With a full mini-batch (the gemm path), a step moves every parameter by -rate × mean gradient. */
    @Test
    public void sgdStepOnAMiniBatchMovesEveryParameterAgainstTheMeanGradient() {
        assertStepFollowsGradient(4);
    }

    private void assertStepFollowsGradient(int samples) {
        LinearAlgebra la = backend();
        Network net = Network.create(la, 9, 6, 8, 7, 4);
        Dataset batch = SyntheticData.uniform(samples, 6, 4, 23);
        Parameters before = net.parameters();
        Parameters gradient = net.gradient(batch);
        double rate = 0.05;
        net.train(batch, new TrainingOptions(rate, samples, 1, 1));
        Parameters after = net.parameters();
        double tolerance = isF64(la) ? 1e-12 : 1e-6;
        for (int l = 0; l < before.layerCount(); l++) {
            assertMoved(la, "layer " + l + " weights", before.weights(l), gradient.weights(l), after.weights(l), rate, tolerance);
            assertMoved(la, "layer " + l + " biases", before.biases(l), gradient.biases(l), after.biases(l), rate, tolerance);
        }
    }

    private static void assertMoved(LinearAlgebra la, String what, double[] before, double[] gradient, double[] after,
            double rate, double tolerance) {
        for (int i = 0; i < before.length; i++) {
            double expected = before[i] - rate * gradient[i];
            double allowed = tolerance * (1 + Math.abs(expected));
            if (Math.abs(after[i] - expected) > allowed) {
                throw new AssertionError(label(la) + ": after one SGD step, " + what + "[" + i + "] is " + after[i]
                        + " but before - rate × gradient is " + expected + " (before " + before[i] + ", gradient "
                        + gradient[i] + ", rate " + rate + ")");
            }
        }
    }

    /** The same seed gives the same starting weights on every backend: they are drawn in Java, not by the library. */
    @Test
    public void initialWeightsAreTheSeededJavaValues() {
        LinearAlgebra la = backend();
        int[] sizes = {30, 20, 10};
        Parameters actual = Network.create(la, 42, sizes).parameters();
        Parameters expected = Parameters.heInitialized(sizes, 42);
        for (int l = 0; l < expected.layerCount(); l++) {
            double[] w = expected.weights(l);
            if (!isF64(la)) {
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) w[i];
                }
            }
            assertArrayEquals(w, actual.weights(l), 0.0, label(la) + ": initial weights of layer " + l);
            assertArrayEquals(expected.biases(l), actual.biases(l), 0.0, label(la) + ": initial biases of layer " + l);
        }
    }

    /** A network with two hidden layers learns an XOR-like problem no linear model can. */
    @Test
    public void trainsASyntheticProblemToAtLeast99PercentAccuracy() {
        LinearAlgebra la = backend();
        Network net = Network.create(la, 3, 2, 16, 16, 2);
        Dataset train = SyntheticData.quadrants(1000, 1);
        Dataset test = SyntheticData.quadrants(500, 2);
        net.train(train, new TrainingOptions(0.1, 8, 40, 4));
        Evaluation result = net.evaluate(test);
        assertTrue(result.accuracy() >= 0.99, label(la) + ": test accuracy " + result.accuracy() + " below 0.99: " + result);
    }

    /** A short run lowers the training loss from epoch to epoch. */
    @Test
    public void lossFallsDuringAShortTrainingRun() {
        LinearAlgebra la = backend();
        Network net = Network.create(la, 3, 2, 16, 16, 2);
        Dataset train = SyntheticData.quadrants(400, 5);
        double initial = net.loss(train);
        List<EpochResult> epochs = net.train(train, new TrainingOptions(0.1, 4, 5, 6)).epochs();
        double last = epochs.get(epochs.size() - 1).meanLoss();
        assertTrue(last < 0.5 * initial, label(la) + ": mean loss went from " + initial + " to only " + last
                + " after 5 epochs: " + epochs);
        assertTrue(net.loss(train) < initial, label(la) + ": loss did not fall");
    }

    /** Predictions are probabilities that sum to 1, and the label is their argmax. */
    @Test
    public void predictionGivesNormalisedProbabilitiesAndTheirArgmax() {
        LinearAlgebra la = backend();
        Network net = Network.create(la, 8, 6, 8, 4);
        Dataset data = SyntheticData.uniform(10, 6, 4, 3);
        double[] features = new double[6];
        for (int i = 0; i < data.size(); i++) {
            data.copyFeatures(i, features, 0);
            Prediction p = net.predict(features);
            double sum = 0;
            int argmax = 0;
            for (int c = 0; c < 4; c++) {
                double q = p.probability(c);
                assertTrue(q >= 0 && q <= 1, label(la) + ": probability " + q);
                sum += q;
                if (q > p.probability(argmax)) {
                    argmax = c;
                }
            }
            assertEquals(1.0, sum, isF64(la) ? 1e-12 : 1e-5, label(la) + ": probabilities of sample " + i);
            assertEquals(argmax, p.label(), label(la) + ": predicted label of sample " + i);
        }
    }

    /** Evaluation in batches sees every sample once and agrees with one-by-one prediction. */
    @Test
    public void evaluationAgreesWithPredictionSampleBySample() {
        LinearAlgebra la = backend();
        Network net = Network.create(la, 8, 6, 8, 4);
        Dataset data = SyntheticData.uniform(300, 6, 4, 3); // more than one evaluation batch
        Evaluation evaluation = net.evaluate(data);
        int correct = 0;
        double[] features = new double[6];
        for (int i = 0; i < data.size(); i++) {
            data.copyFeatures(i, features, 0);
            if (net.predict(features).label() == data.label(i)) {
                correct++;
            }
        }
        assertEquals(300, evaluation.samples(), label(la));
        assertEquals(correct / 300.0, evaluation.accuracy(), 1e-12, label(la) + ": accuracy");
    }

    /**
     * The optimizers a network trains with, each at a learning rate that suits it: momentum (classical, Nesterov's,
     * with L2 decay), Adam, AdamW and RMSProp.
     */
    static Stream<Arguments> optimizers() {
        return Stream.of(
                arguments("sgd, momentum 0.9", Optimizer.sgd().withMomentum(0.9), 0.02),
                arguments("sgd, Nesterov momentum 0.9", Optimizer.sgd().withNesterov(), 0.02),
                arguments("sgd, momentum 0.9, weight decay 1e-3", Optimizer.sgd().withMomentum(0.9).withWeightDecay(1e-3), 0.02),
                arguments("adam", Optimizer.adam(), 0.01),
                arguments("adamw, weight decay 0.01", Optimizer.adamW(0.01), 0.01),
                arguments("rmsprop", Optimizer.rmsProp(), 0.005));
    }

    /** Every optimizer trains a network to learn the XOR-like problem (its update done by the backend's steps). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    public void everyOptimizerTrainsASyntheticProblemToAtLeast98PercentAccuracy(String name, Optimizer optimizer,
            double rate) {
        LinearAlgebra la = backend();
        Network net = Network.create(la, 3, 2, 16, 16, 2);
        Dataset train = SyntheticData.quadrants(500, 1);
        Dataset test = SyntheticData.quadrants(500, 2);
        net.train(train, TrainingOptions.builder().optimizer(optimizer).learningRate(rate).batchSize(8).epochs(4)
                .seed(4).build());
        Evaluation result = net.evaluate(test);
        assertTrue(result.accuracy() >= 0.98, label(la) + ", " + name + ": test accuracy " + result.accuracy()
                + " below 0.98: " + result);
    }

    /**
     * Training on the backend follows training on the reference, step for step, with every optimizer, through
     * hidden layers of different activations with dropout: after 30 steps every weight and bias agrees within
     * 1e-9 (relative to 1 + |w|) in f64 and 1e-4 in f32, where the two round differently from the first step on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    public void trainingFollowsTheReferenceWithEveryOptimizerActivationAndDropout(String name, Optimizer optimizer,
            double rate) {
        LinearAlgebra la = backend();
        Architecture architecture = Architecture.of(2, 10, 8, 6, 2)
                .withActivations(Activation.TANH, Activation.GELU, Activation.LEAKY_RELU).withDropouts(0.2, 0.1, 0);
        Dataset train = SyntheticData.quadrants(120, 4);
        TrainingOptions options = TrainingOptions.builder().optimizer(optimizer).learningRate(rate).batchSize(4).epochs(1)
                .seed(5).build();
        Network actual = Network.create(la, architecture, 7);
        actual.train(train, options);
        Network expected = Network.create(new ReferenceLinearAlgebra(la.precision()), architecture, 7);
        expected.train(train, options);
        double tolerance = isF64(la) ? 1e-9 : 1e-4;
        Parameters a = actual.parameters();
        Parameters e = expected.parameters();
        for (int l = 0; l < e.layerCount(); l++) {
            assertFollows(la, name, "layer " + l + " weights", e.weights(l), a.weights(l), tolerance);
            assertFollows(la, name, "layer " + l + " biases", e.biases(l), a.biases(l), tolerance);
        }
    }

    private static void assertFollows(LinearAlgebra la, String optimizer, String what, double[] expected, double[] actual,
            double tolerance) {
        assertClose(la, optimizer + ": after 30 training steps " + what, "on the reference", expected, actual, tolerance);
    }

    /** Every {@code actual[i]} within {@code tolerance × (1 + |expected[i]|)}; the message says what {@code expected} is. */
    private static void assertClose(LinearAlgebra la, String what, String expectedIs, double[] expected, double[] actual,
            double tolerance) {
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance * (1 + Math.abs(expected[i])))) {
                throw new AssertionError(label(la) + ", " + what + "[" + i + "] is " + actual[i] + " but " + expected[i]
                        + " " + expectedIs + " (tolerance " + tolerance + " × (1 + |expected|))");
            }
        }
    }

    /**
     * Dropout's masks are drawn in Java from the run's seed, so the same seed gives bit-identical weights on a
     * backend, run after run; and the masks reach the arithmetic (multiplyElements), so the weights differ from
     * those of the same run without dropout.
     */
    @Test
    public void trainingWithDropoutIsReproducibleAndDropsUnits() {
        LinearAlgebra la = backend();
        Dataset train = SyntheticData.quadrants(200, 9);
        TrainingOptions options = TrainingOptions.builder().optimizer(Optimizer.adam()).learningRate(0.01).batchSize(4)
                .epochs(2).seed(11).build();
        Architecture withoutDropout = Architecture.of(2, 12, 12, 2).withActivations(Activation.GELU, Activation.RELU);
        Architecture withDropout = withoutDropout.withDropout(0.3);
        Network first = Network.create(la, withDropout, 12);
        first.train(train, options);
        Network second = Network.create(la, withDropout, 12);
        second.train(train, options);
        assertEquals(first.parameters(), second.parameters(), label(la) + ": two runs with dropout and the same seeds differ");
        Network without = Network.create(la, withoutDropout, 12);
        without.train(train, options);
        assertNotEquals(first.parameters(), without.parameters(), label(la)
                + ": training with dropout 0.3 gave the same weights as training without");
    }

    /** The same seeds on the same backend give the same weights after training. */
    @Test
    public void trainingIsReproducible() {
        LinearAlgebra la = backend();
        Dataset train = SyntheticData.quadrants(200, 9);
        TrainingOptions options = new TrainingOptions(0.05, 3, 2, 11);
        Network first = Network.create(la, 12, 2, 8, 2);
        first.train(train, options);
        Network second = Network.create(la, 12, 2, 8, 2);
        second.train(train, options);
        assertEquals(first.parameters(), second.parameters(), label(la) + ": two identical runs differ");
    }

    /**
     * Data-parallel training: batches of 70 rows cut into shards of 24, 23 and 23 (the last batch, 60 rows, is
     * not cut), each shard's gradient
     * computed on a worker with its own instance of the backend (working on matrices another instance made),
     * then summed in shard order. 1, 2 and 3 workers must give the same weights bit for bit with every
     * optimizer through tanh and GELU layers with dropout, and the weights must stay within rounding of the
     * unsharded run's (which drops the same units).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dataParallelOptimizers")
    public void dataParallelTrainingGivesTheSameWeightsOnOneTwoAndThreeWorkers(String name, Optimizer optimizer) {
        LinearAlgebra la = backend();
        Dataset train = SyntheticData.quadrants(200, 9);
        Architecture architecture = Architecture.of(2, 24, 16, 2).withActivations(Activation.TANH, Activation.GELU)
                .withDropout(0.2);
        TrainingOptions options = TrainingOptions.builder().optimizer(optimizer).learningRate(0.01).batchSize(70)
                .epochs(2).seed(11).build();
        Parameters[] sharded = new Parameters[3];
        for (int workers = 1; workers <= 3; workers++) {
            Network net = Network.create(la, architecture, 12);
            ShardedTraining.train(net, train, options, workers);
            sharded[workers - 1] = net.parameters();
        }
        assertEquals(sharded[0], sharded[1], label(la) + ", " + name + ": 1 and 2 workers gave different weights");
        assertEquals(sharded[0], sharded[2], label(la) + ", " + name + ": 1 and 3 workers gave different weights");
        Network threads = Network.create(la, architecture, 12);
        threads.train(train, options.toBuilder().threads(2).build());
        assertEquals(sharded[0], threads.parameters(), label(la) + ", " + name
                + ": threads(2) gave other weights than 1 worker computing the same shards");
        Network serial = Network.create(la, architecture, 12);
        serial.train(train, options);
        double tolerance = isF64(la) ? 1e-9 : 1e-4;
        for (int l = 0; l < architecture.layerSizes().length - 1; l++) {
            String after = name + ": after 6 steps with the batches cut into shards, layer " + l;
            assertClose(la, after + " weights", "unsharded", serial.parameters().weights(l), sharded[0].weights(l), tolerance);
            assertClose(la, after + " biases", "unsharded", serial.parameters().biases(l), sharded[0].biases(l), tolerance);
        }
    }

    static Stream<Arguments> dataParallelOptimizers() {
        return Stream.of(arguments("sgd", Optimizer.sgd()),
                arguments("sgd, Nesterov momentum, weight decay", Optimizer.sgd().withMomentum(0.9).withNesterov()
                        .withWeightDecay(1e-3)),
                arguments("adam", Optimizer.adam()), arguments("adamw", Optimizer.adamW(0.01)),
                arguments("rmsprop", Optimizer.rmsProp()));
    }
}
