package org.jnn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jnn.api.Activation;
import org.jnn.api.Backends;
import org.jnn.core.Architecture;
import org.jnn.core.EarlyStopping;
import org.jnn.core.Network;
import org.jnn.core.TrainingListener;
import org.jnn.core.optim.LearningRateSchedule;
import org.jnn.core.optim.Optimizer;
import org.jnn.core.Parameters;
import org.jnn.core.TrainingOptions;
import org.jnn.mnist.LabelledImages;
import org.jnn.mnist.Mnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * All three backends on one class path run the same training on real MNIST images: the seeded
 * initial weights are bit-identical, and after 100 steps the weights of every pair of backends agree
 * to 1e-9 per element, for plain SGD and for every optimizer, schedule, activation and dropout (each
 * kind of training below covers several). The backends differ only in the order in which their
 * libraries sum floating-point products, so anything larger is a bug in one of them.
 */
class BackendAgreementTest {

    static final List<String> BACKENDS = List.of("ejml", "commons-math", "nd4j");
    static final int[] LAYERS = {784, 200, 200, 10};
    static final long SEED = 42;
    static final int STEPS = 100;
    static final double TOLERANCE = 1e-9;
    /**
     * Below this magnitude a difference is measured absolutely, so that two exact zeros (or values
     * that are both tiny) do not divide 0 by 0; every weight and bias here is far larger.
     */
    static final double RELATIVE_FLOOR = 1e-12;

    static LabelledImages train;

    @BeforeAll
    static void loadMnist() throws Exception {
        train = Mnist.load().train();
    }

    @Test
    void theSameSeedGivesBitIdenticalInitialWeights() {
        Parameters first = Network.create(Backends.byName(BACKENDS.get(0)), SEED, LAYERS).parameters();
        for (String backend : BACKENDS.subList(1, BACKENDS.size())) {
            Parameters other = Network.create(Backends.byName(backend), SEED, LAYERS).parameters();
            assertEquals(first, other, backend + " starts from other weights than " + BACKENDS.get(0));
        }
    }

    /**
     * What is trained: 100 steps in two epochs of 50 (so that schedules by epoch change the rate), each
     * kind with its own optimizer, schedule, activations and dropout; together they cover every one.
     */
    enum Kind {
        PLAIN_SGD(Architecture.of(LAYERS), b -> b.learningRate(0.01)),
        NESTEROV_DECAY_STEP_LEAKY_RELU(Architecture.of(LAYERS).withActivation(Activation.LEAKY_RELU).withDropout(0.2),
                b -> b.learningRate(0.01).optimizer(Optimizer.sgd().withNesterov().withWeightDecay(1e-4))
                        .schedule(LearningRateSchedule.stepDecay(1, 0.5))),
        ADAM_COSINE_WARMUP_GELU(Architecture.of(LAYERS).withActivation(Activation.GELU).withDropout(0.3),
                b -> b.learningRate(0.001).optimizer(Optimizer.adam().withWeightDecay(1e-4))
                        .schedule(LearningRateSchedule.cosine(0, 0.5))),
        ADAMW_EXPONENTIAL_TANH(Architecture.of(LAYERS).withActivation(Activation.TANH).withDropout(0.1),
                b -> b.learningRate(0.001).optimizer(Optimizer.adamW(0.3))
                        .schedule(LearningRateSchedule.exponential(0.9))),
        RMSPROP_PLATEAU_SIGMOID_AND_RELU(Architecture.of(LAYERS).withActivations(Activation.SIGMOID, Activation.RELU),
                b -> b.learningRate(0.001).optimizer(Optimizer.rmsProp().withWeightDecay(1e-4))
                        .schedule(LearningRateSchedule.reduceOnPlateau(0.5, 1, 0)).earlyStopping(EarlyStopping.after(5)));

        final Architecture architecture;
        final UnaryOperator<TrainingOptions.Builder> options;

        Kind(Architecture architecture, UnaryOperator<TrainingOptions.Builder> options) {
            this.architecture = architecture;
            this.options = options;
        }
    }

    static Stream<Arguments> kindsAndBatchSizes() {
        return Stream.of(Kind.values()).flatMap(k -> Stream.of(arguments(k, 1), arguments(k, 32)));
    }

    @ParameterizedTest(name = "{0}, 100 steps at batch size {1}")
    @MethodSource("kindsAndBatchSizes")
    void weightsAgreeAfterTraining(Kind kind, int batchSize) {
        LabelledImages samples = train.subset(IntStream.range(0, STEPS * batchSize / 2).toArray());
        // The validation set (for the plateau schedule and early stopping) comes after the training samples.
        LabelledImages validation = train.subset(IntStream.range(STEPS * batchSize / 2, STEPS * batchSize / 2 + 500).toArray());
        TrainingOptions options = kind.options.apply(TrainingOptions.builder().batchSize(batchSize).epochs(2).seed(SEED))
                .build();
        Map<String, Parameters> trained = new LinkedHashMap<>();
        for (String backend : BACKENDS) {
            Network network = Network.create(Backends.byName(backend), kind.architecture, SEED);
            network.train(samples, validation, options, TrainingListener.NONE);
            trained.put(backend, network.parameters());
        }
        Parameters initial = Network.create(Backends.byName("ejml"), kind.architecture, SEED).parameters();
        assertTrue(largestDifference(initial, trained.get("ejml")).relative > 1e-4,
                "training moved the weights (else agreement would prove nothing)");

        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < BACKENDS.size(); i++) {
            for (int j = i + 1; j < BACKENDS.size(); j++) {
                String a = BACKENDS.get(i);
                String b = BACKENDS.get(j);
                Difference d = largestDifference(trained.get(a), trained.get(b));
                System.out.printf("%-34s batch %2d  %-12s vs %-12s largest relative difference %.3e at %s (%s vs %s)%n",
                        kind, batchSize, a, b, d.relative, d.where, d.left, d.right);
                if (!(d.relative <= TOLERANCE)) {
                    failures.append(String.format("%n%s vs %s: relative difference %.3e > %.0e at %s: %s has %s, %s has %s",
                            a, b, d.relative, TOLERANCE, d.where, a, d.left, b, d.right));
                }
            }
        }
        assertTrue(failures.length() == 0, () -> kind + ": after " + STEPS + " steps at batch size " + batchSize
                + " the backends disagree:" + failures);
    }

    record Difference(double relative, String where, double left, double right) {
    }

    /** The element of largest relative difference over every weight and bias (NaN counts as infinite). */
    static Difference largestDifference(Parameters x, Parameters y) {
        Difference worst = new Difference(0, "nowhere", 0, 0);
        for (int l = 0; l < x.layerCount(); l++) {
            worst = worse(worst, x.weights(l), y.weights(l), "layer " + l + " weight");
            worst = worse(worst, x.biases(l), y.biases(l), "layer " + l + " bias");
        }
        return worst;
    }

    private static Difference worse(Difference worst, double[] a, double[] b, String what) {
        for (int k = 0; k < a.length; k++) {
            double scale = Math.max(RELATIVE_FLOOR, Math.max(Math.abs(a[k]), Math.abs(b[k])));
            double relative = Math.abs(a[k] - b[k]) / scale;
            if (Double.isNaN(relative)) {
                relative = Double.POSITIVE_INFINITY;
            }
            if (relative > worst.relative) {
                worst = new Difference(relative, what + " [" + k + "]", a[k], b[k]);
            }
        }
        return worst;
    }
}
