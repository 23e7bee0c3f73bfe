package org.jnn.examples;

import java.io.IOException;
import java.util.stream.IntStream;
import org.jnn.api.BackendInfo;
import org.jnn.api.Backends;
import org.jnn.core.Dataset;
import org.jnn.core.EpochResult;
import org.jnn.core.Evaluation;
import org.jnn.core.Network;
import org.jnn.core.TrainingOptions;
import org.jnn.mnist.DatasetKind;
import org.jnn.mnist.DatasetSplits;
import org.jnn.mnist.Mnist;

/** Runs the same training on every backend on the class path and prints accuracy and speed of each. */
public final class CompareBackends {

    public static void main(String[] args) throws IOException {
        DatasetSplits mnist = Mnist.load(DatasetKind.MNIST);
        Dataset train = mnist.train().subset(IntStream.range(0, 10_000).toArray()); // the first 10,000, for speed
        // The reference experiment's settings (SGD, learning rate 0.01, batch size 1, seed 42) for one epoch.
        TrainingOptions options = TrainingOptions.REFERENCE_EXPERIMENT.toBuilder().epochs(1).build();

        System.out.printf("%-14s %9s %9s %10s%n", "backend", "accuracy", "seconds", "samples/s");
        for (BackendInfo info : Backends.list()) {
            if (!info.usable()) {
                System.out.println(info.name() + " cannot run here: " + info.availability().reason());
                continue;
            }
            // The same seed gives the same initial weights on every backend.
            Network network = Network.create(info.backend(), 42, 784, 200, 200, 10);
            EpochResult epoch = network.train(train, options).last();
            Evaluation test = network.evaluate(mnist.test());
            System.out.printf("%-14s %8.2f%% %9.1f %10.0f%n", info.name(), 100 * test.accuracy(),
                    epoch.seconds(), epoch.samplesPerSecond());
        }
    }
}
