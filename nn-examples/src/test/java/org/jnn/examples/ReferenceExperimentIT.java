package org.jnn.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jnn.api.Backends;
import org.jnn.core.EpochResult;
import org.jnn.core.Evaluation;
import org.jnn.core.Network;
import org.jnn.core.TrainingOptions;
import org.jnn.mnist.DatasetSplits;
import org.jnn.mnist.Mnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference experiment on the real MNIST files, once per backend: 784-200-200-10, ReLU, softmax with
 * cross-entropy, per-sample SGD at learning rate 0.01 for 3 epochs, seed 42. It reaches about 97.5% test
 * accuracy; every backend must reach at least 97%.
 */
class ReferenceExperimentIT {

    static final double REFERENCE_ACCURACY = 0.97;

    static DatasetSplits mnist;

    @BeforeAll
    static void loadMnist() throws Exception {
        mnist = Mnist.load();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ejml", "commons-math", "nd4j"})
    void reachesTheReferenceAccuracy(String backend) {
        Network network = Network.create(Backends.byName(backend), 42, 784, 200, 200, 10);
        List<EpochResult> epochs = network.train(mnist.train(), TrainingOptions.REFERENCE_EXPERIMENT).epochs();
        Evaluation test = network.evaluate(mnist.test());

        double seconds = epochs.stream().mapToDouble(EpochResult::seconds).sum();
        System.out.printf("reference experiment on %-12s test accuracy %.2f%%  loss %.4f  %.0f s  %.0f samples/s%n",
                backend, 100 * test.accuracy(), test.loss(), seconds, 3 * 60_000 / seconds);
        for (int e = 1; e < epochs.size(); e++) {
            assertTrue(epochs.get(e).meanLoss() < epochs.get(e - 1).meanLoss(),
                    backend + ": the training loss did not fall in epoch " + (e + 1) + ": " + epochs);
        }
        assertTrue(test.accuracy() >= REFERENCE_ACCURACY, String.format(
                "%s: test accuracy %.2f%% after 3 epochs, below the reference experiment's %.0f%%",
                backend, 100 * test.accuracy(), 100 * REFERENCE_ACCURACY));
    }
}
