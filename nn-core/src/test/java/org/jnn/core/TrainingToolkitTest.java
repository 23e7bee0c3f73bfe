package org.jnn.core;

import static org.jnn.core.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jnn.api.Activation;
import org.jnn.core.conformance.ReferenceLinearAlgebra;
import org.jnn.core.conformance.SyntheticData;
import org.jnn.core.optim.LearningRateSchedule;
import org.jnn.core.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The training toolkit on the reference backend: activations, dropout, optimizers, validation, early
 * stopping, schedules and batched prediction, each checked against an independent computation.
 */
class TrainingToolkitTest {

    private final ReferenceLinearAlgebra la = new ReferenceLinearAlgebra();

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "LEAKY_RELU", "TANH", "SIGMOID", "GELU"})
    void backpropagationMatchesCentralDifferencesForEveryActivation(Activation activation) {
        Network net = Network.create(la, Architecture.of(6, 8, 7, 4).withActivation(activation), 5);
        // An absolute floor of 1e-9: below it a difference is the rounding of (L+ - L-) / 2ε, about 1e-16 · L / ε.
        GradientCheck.Result result = GradientCheck.check(net, SyntheticData.uniform(5, 6, 4, 17), 1e-6, 1e-9);
        assertTrue(result.closestToKink() > 1e-4, () -> "too close to a kink for the check to mean anything: " + result);
        assertTrue(result.maxRelativeError() < 1e-6, () -> activation + ": " + result);
    }

    @Test
    void backpropagationMatchesCentralDifferencesWithADifferentActivationPerLayer() {
        Network net = Network.create(la, Architecture.of(5, 6, 6, 6, 3)
                .withActivations(Activation.GELU, Activation.SIGMOID, Activation.TANH), 9);
        GradientCheck.Result result = GradientCheck.check(net, SyntheticData.uniform(4, 5, 3, 2), 1e-6, 1e-9);
        assertTrue(result.maxRelativeError() < 1e-6, result::toString);
    }

    // ------------------------------------------------------------------ dropout

    /** The reference backend, recording every dropout mask it is given (the second operand of multiplyElements). */
    static final class MaskRecorder extends ReferenceLinearAlgebra {
        final List<double[]> masks = new ArrayList<>();

        @Override
        protected void doMultiplyElements(ReferenceMatrix a, ReferenceMatrix b, ReferenceMatrix out) {
            if (masks.size() < 10_000) {
                masks.add(toRowMajor(b));
            }
            super.doMultiplyElements(a, b, out);
        }
    }

    @Test
    void dropoutMasksZeroTheRatesShareOfUnitsAndScaleTheRestByTheInverseKeep() {
        MaskRecorder recorder = new MaskRecorder();
        Network net = Network.create(recorder, Architecture.of(2, 50, 2).withDropout(0.3), 1);
        net.train(SyntheticData.quadrants(64, 3), new TrainingOptions(0.01, 8, 2, 4));
        int zeros = 0;
        int total = 0;
        for (double[] mask : recorder.masks) {
            for (double m : mask) {
                assertTrue(m == 0 || m == 1 / 0.7, "mask value " + m);
                zeros += m == 0 ? 1 : 0;
                total++;
            }
        }
        // 2 epochs × 8 batches × 8 rows × 50 units = 6,400 draws (forward masks; backward reuses them).
        assertTrue(total >= 6_400, "masks seen: " + total);
        double share = (double) zeros / total;
        assertTrue(Math.abs(share - 0.3) < 0.03, "share of dropped units " + share);
    }

    @Test
    void aDroppedUnitGetsNoUpdateOfItsIncomingOrOutgoingWeights() {
        MaskRecorder recorder = new MaskRecorder();
        // tanh, whose derivative is never 0: every kept unit's weights must move, every dropped one's must not.
        Network net = Network.create(recorder, Architecture.of(3, 40, 2).withActivation(Activation.TANH).withDropout(0.5), 2);
        Parameters before = net.parameters();
        Dataset one = Dataset.of(new double[][] {{0.3, -0.7, 0.9}}, new int[] {1}, 2);
        net.train(one, new TrainingOptions(0.5, 1, 1, 8));
        Parameters after = net.parameters();
        double[] mask = recorder.masks.get(0); // forward mask of the one step
        int dropped = 0;
        for (int unit = 0; unit < 40; unit++) {
            boolean isDropped = mask[unit] == 0;
            dropped += isDropped ? 1 : 0;
            for (int input = 0; input < 3; input++) {
                double w0 = before.weights(0)[unit * 3 + input];
                double w1 = after.weights(0)[unit * 3 + input];
                assertEquals(isDropped, w0 == w1, "incoming weight " + input + " of unit " + unit);
            }
            assertEquals(isDropped, before.biases(0)[unit] == after.biases(0)[unit], "bias of unit " + unit);
            for (int output = 0; output < 2; output++) {
                double v0 = before.weights(1)[output * 40 + unit];
                double v1 = after.weights(1)[output * 40 + unit];
                assertEquals(isDropped, v0 == v1, "outgoing weight to " + output + " of unit " + unit);
            }
        }
        assertTrue(dropped > 5 && dropped < 35, "dropped " + dropped + " of 40");
    }

    @Test
    void dropoutIsOffInEvaluationAndPredictionAndSeededInTraining() {
        Parameters initial = Network.create(la, 11, 2, 16, 2).parameters();
        Network withDropout = Network.create(la, Architecture.of(2, 16, 2).withDropout(0.5), initial);
        Network without = Network.create(la, Architecture.of(2, 16, 2), initial);
        Dataset data = SyntheticData.quadrants(40, 1);
        assertEquals(without.evaluate(data).loss(), withDropout.evaluate(data).loss());
        assertEquals(without.predict(new double[] {0.5, 0.5}), withDropout.predict(new double[] {0.5, 0.5}));

        Network again = Network.create(la, Architecture.of(2, 16, 2).withDropout(0.5), initial);
        Network otherSeed = Network.create(la, Architecture.of(2, 16, 2).withDropout(0.5), initial);
        withDropout.train(data, new TrainingOptions(0.1, 4, 2, 3));
        again.train(data, new TrainingOptions(0.1, 4, 2, 3));
        otherSeed.train(data, new TrainingOptions(0.1, 4, 2, 4));
        assertEquals(withDropout.parameters(), again.parameters(), "same seed, same masks, same weights");
        assertNotEquals(withDropout.parameters(), otherSeed.parameters());
    }

    // ------------------------------------------------------------------ optimizers

    /** Three full-batch steps of each optimizer, against the formulas applied by hand to {@link Network#gradient}. */
    @ParameterizedTest
    @EnumSource(OptimizerCase.class)
    void optimizerStepsFollowTheirFormulasWithDecayOnWeightsOnly(OptimizerCase c) {
        Dataset batch = SyntheticData.uniform(6, 4, 3, 31);
        Network net = Network.create(la, 3, 4, 5, 3);
        Network shadow = Network.create(la, 3, 4, 5, 3);
        double rate = 0.05;
        net.train(batch, TrainingOptions.builder().optimizer(c.optimizer).learningRate(rate).batchSize(6).epochs(3)
                .seed(1).build());

        Parameters p = shadow.parameters();
        int layers = p.layerCount();
        double[][][] state1 = new double[layers][2][];
        double[][][] state2 = new double[layers][2][];
        for (int t = 1; t <= 3; t++) {
            Parameters g = shadow.gradient(batch);
            List<double[]> weights = new ArrayList<>();
            List<double[]> biases = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                for (int kind = 0; kind < 2; kind++) {
                    double[] w = kind == 0 ? p.weights(l) : p.biases(l);
                    double[] grad = kind == 0 ? g.weights(l) : g.biases(l);
                    if (state1[l][kind] == null) {
                        state1[l][kind] = new double[w.length];
                        state2[l][kind] = new double[w.length];
                    }
                    c.step(w, grad, state1[l][kind], state2[l][kind], rate, kind == 0 ? c.optimizer.weightDecay() : 0, t);
                    (kind == 0 ? weights : biases).add(w);
                }
            }
            p = Parameters.of(p.layerSizes(), weights, biases);
            shadow.setParameters(p);
        }
        Parameters actual = net.parameters();
        for (int l = 0; l < layers; l++) {
            assertArrayEquals(p.weights(l), actual.weights(l), 1e-12, c + " weights of layer " + l);
            assertArrayEquals(p.biases(l), actual.biases(l), 1e-12, c + " biases of layer " + l);
        }
    }

    enum OptimizerCase {
        MOMENTUM(Optimizer.sgd().withMomentum(0.9).withWeightDecay(0.01)),
        NESTEROV(Optimizer.sgd().withNesterov().withWeightDecay(0.01)),
        SGD_WEIGHT_DECAY(Optimizer.sgd().withWeightDecay(0.1)),
        ADAM(Optimizer.adam().withWeightDecay(0.01)),
        ADAMW(Optimizer.adamW(0.1)),
        RMSPROP(Optimizer.rmsProp().withWeightDecay(0.01));

        final Optimizer optimizer;

        OptimizerCase(Optimizer optimizer) {
            this.optimizer = optimizer;
        }

        /** PyTorch's update of one tensor, written out element by element. */
        void step(double[] w, double[] g, double[] s1, double[] s2, double rate, double decay, int t) {
            for (int i = 0; i < w.length; i++) {
                if (optimizer instanceof Optimizer.Sgd sgd) {
                    double d = g[i] + decay * w[i];
                    if (sgd.momentum() > 0) {
                        s1[i] = t == 1 ? d : sgd.momentum() * s1[i] + d;
                        d = sgd.nesterov() ? d + sgd.momentum() * s1[i] : s1[i];
                    }
                    w[i] -= rate * d;
                } else if (optimizer instanceof Optimizer.RmsProp r) {
                    double d = g[i] + decay * w[i];
                    s1[i] = r.alpha() * s1[i] + (1 - r.alpha()) * d * d;
                    w[i] -= rate * d / (Math.sqrt(s1[i]) + r.epsilon());
                } else {
                    Optimizer.Adam a = (Optimizer.Adam) optimizer;
                    double d = g[i];
                    if (a.decoupledWeightDecay()) {
                        w[i] *= 1 - rate * decay;
                    } else {
                        d += decay * w[i];
                    }
                    s1[i] = a.beta1() * s1[i] + (1 - a.beta1()) * d;
                    s2[i] = a.beta2() * s2[i] + (1 - a.beta2()) * d * d;
                    double mHat = s1[i] / (1 - Math.pow(a.beta1(), t));
                    double vHat = s2[i] / (1 - Math.pow(a.beta2(), t));
                    w[i] -= rate * mHat / (Math.sqrt(vHat) + a.epsilon());
                }
            }
        }
    }

    @Test
    void adamLearnsTheQuadrantsFasterThanPlainSgdAtTheSameSettings() {
        Dataset train = SyntheticData.quadrants(200, 7);
        Network sgd = Network.create(la, 3, 2, 16, 2);
        Network adam = Network.create(la, 3, 2, 16, 2);
        sgd.train(train, TrainingOptions.builder().learningRate(0.01).batchSize(10).epochs(10).build());
        adam.train(train, TrainingOptions.builder().optimizer(Optimizer.adam()).learningRate(0.01).batchSize(10).epochs(10)
                .build());
        assertTrue(adam.loss(train) < sgd.loss(train), () -> "adam " + adam.loss(train) + ", sgd " + sgd.loss(train));
        assertTrue(adam.evaluate(train).accuracy() > 0.9, () -> "adam accuracy " + adam.evaluate(train).accuracy());
    }

    // ------------------------------------------------------------------ validation, early stopping, schedules

    /** The training data with every label flipped: the better a network fits the data, the worse it does here. */
    private static Dataset flipped(Dataset data) {
        double[][] rows = new double[data.size()][data.featureCount()];
        int[] labels = new int[data.size()];
        for (int i = 0; i < data.size(); i++) {
            data.copyFeatures(i, rows[i], 0);
            labels[i] = 1 - data.label(i);
        }
        return Dataset.of(rows, labels, 2);
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsWithoutGainAndRestoresTheBestWeights() {
        Dataset train = SyntheticData.quadrants(200, 5);
        Dataset worse = flipped(train);
        Network net = Network.create(la, 4, 2, 16, 2);
        List<Double> validationLosses = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void epochFinished(EpochResult result) {
                validationLosses.add(result.validationLoss());
            }
        };
        TrainingHistory history = net.train(train, worse, TrainingOptions.builder().learningRate(0.1).batchSize(10)
                .epochs(50).earlyStopping(EarlyStopping.after(3)).build(), listener);

        assertTrue(history.stoppedEarly());
        int best = history.bestEpoch();
        assertEquals(best + 3, history.epochs().size(), "stops exactly 3 epochs after the best");
        double bestLoss = validationLosses.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertEquals(bestLoss, validationLosses.get(best - 1));
        assertTrue(history.restoredBest());
        assertEquals(bestLoss, net.evaluate(worse).loss(), 1e-15, "the network ends with the best epoch's weights");
    }

    @Test
    void reduceOnPlateauLowersTheRateWhenTheValidationLossStallsAndTheHistoryShowsIt() {
        Dataset train = SyntheticData.quadrants(200, 5);
        Network net = Network.create(la, 4, 2, 16, 2);
        TrainingHistory history = net.train(train, flipped(train), TrainingOptions.builder().learningRate(0.1)
                .batchSize(10).epochs(8).schedule(LearningRateSchedule.reduceOnPlateau(0.5, 2, 0)).build(),
                TrainingListener.NONE);
        List<Double> rates = history.epochs().stream().map(EpochResult::learningRate).toList();
        assertEquals(0.1, rates.get(0));
        assertTrue(rates.get(rates.size() - 1) < 0.1, "rates " + rates);
        for (int i = 1; i < rates.size(); i++) {
            double ratio = rates.get(i) / rates.get(i - 1);
            assertTrue(ratio == 1 || ratio == 0.5, "rates " + rates);
        }
    }

    @Test
    void aHeldOutValidationSetIsMeasuredEveryEpochAndNotTrainedOn() {
        Dataset data = SyntheticData.quadrants(200, 5);
        Network net = Network.create(la, 4, 2, 16, 2);
        TrainingHistory history = net.train(data, TrainingOptions.builder().learningRate(0.1).batchSize(10).epochs(3)
                .validation(0.25).build());
        for (EpochResult epoch : history.epochs()) {
            assertEquals(150, epoch.samples());
            assertTrue(epoch.hasValidation());
            assertTrue(epoch.validationAccuracy() >= 0 && epoch.validationAccuracy() <= 1);
        }
        assertFalse(net.train(data, new TrainingOptions(0.1, 10, 1, 4)).last().hasValidation());
    }

    @Test
    void validationMisconfigurationsAreRejectedWithWhatToDo() {
        Dataset data = SyntheticData.quadrants(20, 5);
        Network net = Network.create(la, 4, 2, 4, 2);
        assertRejected(() -> net.train(data, TrainingOptions.builder().earlyStopping(EarlyStopping.after(2)).build()),
                "early stopping", "needs a validation set", "validation fraction");
        assertRejected(() -> net.train(data, TrainingOptions.builder()
                .schedule(LearningRateSchedule.reduceOnPlateau(0.5, 2, 0)).build()), "plateau", "needs a validation set");
        assertRejected(() -> net.train(data, data, TrainingOptions.builder().validation(0.2).build(), TrainingListener.NONE),
                "validation set was given", "one or the other");
    }

    @Test
    void aFarTooLargeLearningRateStopsTrainingInsteadOfFinishingWithAHugeLoss() {
        Network net = Network.create(la, 4, 2, 16, 2);
        TrainingDivergedException e = org.junit.jupiter.api.Assertions.assertThrows(TrainingDivergedException.class,
                () -> net.train(SyntheticData.quadrants(256, 5), new TrainingOptions(1000, 64, 3, 1)));
        assertEquals(1, e.epoch(), e.getMessage());
        assertTrue(e.getMessage().contains("try a smaller learning rate"), e.getMessage());
    }

    // ------------------------------------------------------------------ prediction

    @Test
    void batchedPredictionEqualsOneSampleAtATime() {
        Network net = Network.create(la, Architecture.of(2, 9, 3).withActivation(Activation.TANH), 6);
        Dataset data = SyntheticData.uniform(600, 2, 3, 8);
        double[][] rows = new double[600][2];
        for (int i = 0; i < 600; i++) {
            data.copyFeatures(i, rows[i], 0);
        }
        List<Prediction> batched = net.predict(rows);
        List<Prediction> fromDataset = net.predict(data);
        assertEquals(600, batched.size());
        for (int i = 0; i < 600; i++) {
            assertEquals(net.predict(rows[i]), batched.get(i), "sample " + i);
            assertEquals(batched.get(i), fromDataset.get(i), "sample " + i);
        }
        assertRejected(() -> net.predict(new double[][] {{1, 2}, {1, 2, 3}}), "sample 1", "3 features", "input layer has 2");
    }
}
