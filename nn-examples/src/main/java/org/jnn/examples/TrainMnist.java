package org.jnn.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.core.EpochResult;
import org.jnn.core.Evaluation;
import org.jnn.core.ModelFile;
import org.jnn.core.Network;
import org.jnn.core.TrainingListener;
import org.jnn.core.TrainingOptions;
import org.jnn.core.optim.Optimizer;
import org.jnn.mnist.DatasetKind;
import org.jnn.mnist.DatasetSplits;
import org.jnn.mnist.Mnist;

/**
 * The reference experiment (784-200-200-10, SGD at learning rate 0.01, batch size 1, 3 epochs) on MNIST
 * with a backend of your choice, then saved. Arguments: a backend name, then the file to save the model
 * in (default: a new temporary folder's mnist.safetensors).
 */
public final class TrainMnist {

    public static void main(String[] args) throws IOException {
        // The data: fetched into ~/.cache/jnn/datasets the first time, verified by checksum.
        DatasetSplits mnist = Mnist.load(DatasetKind.MNIST);

        // A backend by name ("ejml", "nd4j", "commons-math"), or the default one.
        LinearAlgebra backend = args.length > 0 ? Backends.byName(args[0]) : Backends.select();

        // 784 inputs, two hidden layers of 200 ReLU units, 10 softmax outputs; seed 42 fixes the initial weights.
        Network network = Network.create(backend, 42, 784, 200, 200, 10);

        // Plain SGD at learning rate 0.01, batch size 1, 3 epochs, samples shuffled with seed 42
        // (TrainingOptions.REFERENCE_EXPERIMENT, written out; TrainWithAdam shows the other settings).
        TrainingOptions options = TrainingOptions.builder()
                .optimizer(Optimizer.sgd()).learningRate(0.01)
                .batchSize(1).epochs(3).seed(42)
                .build();
        network.train(mnist.train(), options, new TrainingListener() {
            @Override
            public void epochFinished(EpochResult epoch) {
                System.out.printf("epoch %d: loss %.4f, %.1f s%n", epoch.epoch(), epoch.meanLoss(), epoch.seconds());
            }
        });

        // How well it does on the 10,000 test images it has never seen: about 97.5%.
        Evaluation test = network.evaluate(mnist.test());
        System.out.printf("test accuracy %.2f%%, loss %.4f%n", 100 * test.accuracy(), test.loss());

        // Save it where you say, else in a new temporary folder, with its architecture: any backend can load it
        // (see PredictWithSavedModel), and `./nn info FILE` describes it.
        Path file = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("jnn-").resolve("mnist.safetensors");
        ModelFile.save(file, network, Map.of("dataset", "mnist", "backend", backend.name()));
        System.out.println("saved " + file);
    }
}
