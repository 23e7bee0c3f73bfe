package org.jnn.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.jnn.api.Backends;
import org.jnn.core.ModelFile;
import org.jnn.core.Network;
import org.jnn.core.Prediction;
import org.jnn.core.SavedModel;
import org.jnn.mnist.DatasetKind;
import org.jnn.mnist.LabelledImages;
import org.jnn.mnist.Mnist;
import org.jnn.mnist.MnistImage;

/**
 * Loads a saved model and classifies pictures with it. Arguments: the model file (TrainMnist prints
 * where it saved one), then picture files; without pictures, the first ten MNIST test images.
 */
public final class PredictWithSavedModel {

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: PredictWithSavedModel MODEL-FILE [PICTURE...]  (TrainMnist saves a model)");
            System.exit(2);
        }
        SavedModel model = ModelFile.load(Path.of(args[0]));
        Network network = model.toNetwork(Backends.select()); // any backend, whichever one saved it
        System.out.println("model " + model.architecture() + ", " + model.metadata());

        for (int i = 1; i < args.length; i++) {
            // Any size of picture, converted to 28×28 grey the way MNIST's images were made.
            Prediction p = network.predict(MnistImage.read(Path.of(args[i])));
            System.out.printf("%s: %d (%.1f%%)%n", args[i], p.label(), 100 * p.probability(p.label()));
        }
        if (args.length <= 1) {
            // Many samples at once: the network classifies them in batches.
            LabelledImages firstTen = Mnist.load(DatasetKind.MNIST).test().subset(IntStream.range(0, 10).toArray());
            List<Prediction> predictions = network.predict(firstTen);
            for (int i = 0; i < predictions.size(); i++) {
                Prediction p = predictions.get(i);
                System.out.printf("test image %d: a %d, predicted %d (%.1f%%)%n", i, firstTen.label(i), p.label(),
                        100 * p.probability(p.label()));
            }
        }
    }
}
