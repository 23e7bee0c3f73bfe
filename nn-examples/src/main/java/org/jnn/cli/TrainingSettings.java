package org.jnn.cli;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.jnn.core.TrainingOptions;
import picocli.CommandLine.Option;

/** The network and how to train it: layers, learning rate, batch size, epochs, seed, sample limit. */
final class TrainingSettings {

    /** Hidden layers of the reference experiment's network, used when {@code --layers} is not given. */
    static final int[] DEFAULT_HIDDEN = {200, 200};

    @Option(names = "--layers", split = ",", paramLabel = "N,N,...", hideParamSyntax = true,
            description = "Units per layer, inputs first, classes last. Default: 784,200,200,10 "
                    + "(for other data: their input width,200,200,their class count).")
    int[] layers;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.01",
            description = "Learning rate of stochastic gradient descent. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "Samples per gradient step. Default: ${DEFAULT-VALUE}, as in the reference experiment.")
    int batch;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "Passes over the training data. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the initial weights and of the shuffling; the same seed gives the same "
                    + "initial weights on every backend. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--limit", paramLabel = "N",
            description = "Train on the first N training samples only (quick runs). Default: all.")
    Integer limit;

    /**
     * The settings as the library's objects, made before any data is loaded: the library checks every
     * value, and a wrong one is reported at once as a usage mistake naming its option.
     */
    TrainingOptions options() {
        checkLearningRate("--lr", learningRate);
        checkBatchSize("--batch", batch);
        checkEpochs("--epochs", epochs);
        if (layers != null) {
            // Parameters holds the rule for layer sizes; sizes too large for the memory show now, before
            // the data are read and before anything is allocated.
            MemoryCheck.check("--layers " + join(layers), layers, batch);
        }
        if (limit != null && limit < 1) {
            throw new UsageException("--limit must be at least 1, got " + limit);
        }
        return new TrainingOptions(learningRate, batch, epochs, seed);
    }

    // Each value goes to the library on its own (the others at the reference experiment's values), so
    // that the library's message is tied to the option the user wrote.

    static void checkLearningRate(String option, double value) {
        TrainingOptions reference = TrainingOptions.REFERENCE_EXPERIMENT;
        UsageException.checkedByLibrary(option + " " + value, () -> new TrainingOptions(value, reference.batchSize(),
                reference.epochs(), reference.shuffleSeed()));
    }

    static void checkBatchSize(String option, int value) {
        TrainingOptions reference = TrainingOptions.REFERENCE_EXPERIMENT;
        UsageException.checkedByLibrary(option + " " + value, () -> new TrainingOptions(reference.learningRate(), value,
                reference.epochs(), reference.shuffleSeed()));
    }

    static void checkEpochs(String option, int value) {
        TrainingOptions reference = TrainingOptions.REFERENCE_EXPERIMENT;
        UsageException.checkedByLibrary(option + " " + value, () -> new TrainingOptions(reference.learningRate(),
                reference.batchSize(), value, reference.shuffleSeed()));
    }

    /** The layer sizes for {@code data}: as given, checked against the data, or the reference experiment's network fitted to them. */
    int[] layersFor(DataOptions.LoadedData data) {
        int inputs = data.featureCount();
        int classes = data.classCount();
        if (layers == null) {
            int[] sizes = new int[DEFAULT_HIDDEN.length + 2];
            sizes[0] = inputs;
            System.arraycopy(DEFAULT_HIDDEN, 0, sizes, 1, DEFAULT_HIDDEN.length);
            sizes[sizes.length - 1] = classes;
            return sizes;
        }
        if (layers[0] != inputs) {
            throw new UsageException("--layers " + join(layers) + ": the list starts at " + layers[0] + " but "
                    + data.displayName() + " has " + inputs + " inputs per sample (" + data.shape()
                    + "); start it with " + inputs);
        }
        if (layers[layers.length - 1] != classes) {
            throw new UsageException("--layers " + join(layers) + ": the list ends at " + layers[layers.length - 1]
                    + " but " + data.displayName() + " has " + classes + " classes; end it with " + classes);
        }
        return layers.clone();
    }

    static String join(int[] sizes) {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /** 784-200-200-10 */
    static String architecture(int[] sizes) {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }
}
