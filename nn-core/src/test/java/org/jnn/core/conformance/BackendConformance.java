package org.jnn.core.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jnn.api.Activation;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.core.Dataset;
import org.jnn.core.EpochResult;
import org.jnn.core.Evaluation;
import org.jnn.core.GradientCheck;
import org.jnn.core.Network;
import org.jnn.core.Parameters;
import org.jnn.core.Prediction;
import org.jnn.core.TrainingOptions;
import org.junit.jupiter.api.Test;

/**
 * The whole conformance suite: every operation and rule of {@link LinearAlgebraConformance}, plus the
 * network built on the backend: its gradient against central differences, an SGD step against that
 * gradient, bit-identical initial weights, and a short training run that must learn.
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
     * Backpropagation through two hidden layers agrees with central differences of the loss for
     * every weight and bias: relative error below 1e-6 in f64 (1e-2 in f32, where the loss itself
     * carries only about 7 digits).
     */
    @Test
    public void wholeNetworkGradientMatchesCentralDifferences() {
        LinearAlgebra la = backend();
        boolean f64 = isF64(la);
        double epsilon = f64 ? 1e-6 : 1e-2;
        // Within ε of a kink the finite difference straddles it and means nothing, so the inputs must keep
        // every hidden pre-activation clear of 0. (A step of ε in one weight moves a pre-activation by
        // about ε times an input, all below 1 here.) f64's ε is tiny, so its fixed data qualify; f32 needs
        // ε = 1e-2, and the seeds are searched for a network and batch that keep 10 ε = 0.1 clear.
        double margin = (f64 ? 100 : 10) * epsilon;
        GradientCheck.Result result = null;
        long seed = 5;
        for (int attempt = 0; attempt < 500; attempt++, seed++) {
            Network net = Network.create(la, seed, 6, 8, 7, 4);
            Dataset batch = SyntheticData.uniform(f64 ? 5 : 2, 6, 4, 17 + attempt);
            result = GradientCheck.check(net, batch, epsilon, f64 ? 1e-12 : 1e-4);
            if (result.closestToKink() > margin) {
                break;
            }
        }
        GradientCheck.Result checked = result;
        assertTrue(checked.closestToKink() > margin, () -> label(la)
                + ": no test network found whose pre-activations keep clear of the ReLU kink: " + checked);
        assertEquals(6 * 8 + 8 + 8 * 7 + 7 + 7 * 4 + 4, checked.parametersChecked());
        double limit = f64 ? 1e-6 : 1e-2;
        long networkSeed = seed;
        assertTrue(checked.maxRelativeError() < limit, () -> label(la) + ": gradient check failed for the 6-8-7-4 "
                + "network of seed " + networkSeed + " (limit " + limit + ", ε " + epsilon + "): " + checked);
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
}
