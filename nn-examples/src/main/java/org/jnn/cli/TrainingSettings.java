package org.jnn.cli;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jnn.api.Activation;
import org.jnn.core.Architecture;
import org.jnn.core.EarlyStopping;
import org.jnn.core.TrainingOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The network and how to train it, as {@code train} and {@code compare} take them: each group of options
 * is a section of the help. Values become the library's objects ({@link Architecture},
 * {@link TrainingOptions}), which check them; a rejected value is reported naming its option.
 */
final class TrainingSettings {

    /** Hidden layers of the reference experiment's network, used when {@code --layers} is not given. */
    static final int[] DEFAULT_HIDDEN = {200, 200};

    @ArgGroup(validate = false, heading = "%nNetwork:%n", order = 10)
    NetworkOptions network = new NetworkOptions();

    @ArgGroup(validate = false, heading = "%nTraining:%n", order = 20)
    LoopOptions loop = new LoopOptions();

    @ArgGroup(validate = false, heading = "%nOptimizer (defaults: plain SGD at learning rate 0.01, as in the reference "
            + "experiment):%n", order = 30)
    OptimizerSettings.OptimizerOptions optimizer = new OptimizerSettings.OptimizerOptions();

    @ArgGroup(validate = false, heading = "%nLearning-rate schedule (default: constant):%n", order = 40)
    OptimizerSettings.ScheduleOptions schedule = new OptimizerSettings.ScheduleOptions();

    @ArgGroup(validate = false, heading = "%nValidation and early stopping (default: none):%n", order = 50)
    ValidationOptions validation = new ValidationOptions();

    static final class NetworkOptions {
        @Option(names = "--layers", split = ",", paramLabel = "N,N,...", hideParamSyntax = true,
                description = "Units per layer, inputs first, classes last. Default: 784,200,200,10 "
                        + "(for other data: their input width,200,200,their class count).")
        int[] layers;

        @Option(names = "--activation", split = ",", paramLabel = "NAME[,NAME...]", hideParamSyntax = true,
                description = "Activation of the hidden layers: relu, leaky-relu (slope 0.01), tanh, sigmoid or gelu "
                        + "(its tanh form); one for all, or a comma list with one per hidden layer. Default: relu.")
        List<String> activations;

        @Option(names = "--dropout", split = ",", paramLabel = "RATE[,RATE...]", hideParamSyntax = true,
                description = "Share of each hidden layer's units dropped in training (inverted dropout; off in "
                        + "evaluation), in [0, 1); one for all, or one per hidden layer. Default: 0.")
        List<Double> dropout;
    }

    static final class LoopOptions {
        @Option(names = "--batch", paramLabel = "N",
                description = "Samples per gradient step. Default: 1, as in the reference experiment.")
        int batch = TrainingOptions.REFERENCE_EXPERIMENT.batchSize();

        @Option(names = "--epochs", paramLabel = "N",
                description = "Passes over the training data (early stopping may end sooner). Default: 3.")
        int epochs = TrainingOptions.REFERENCE_EXPERIMENT.epochs();

        @Option(names = "--seed", paramLabel = "N",
                description = "Seed of the initial weights, the shuffling, the validation split and the dropout "
                        + "masks; the same seed gives the same run on every backend. Default: 42.")
        long seed = TrainingOptions.REFERENCE_EXPERIMENT.seed();

        @Option(names = "--threads", paramLabel = "N",
                description = "Worker threads per batch, 1 to " + TrainingOptions.MAX_THREADS + ". From 2 on, every batch "
                        + "of 64 samples or more is cut into shards of at most 32, computed side by side, each thread on "
                        + "its own instance of the backend, whose own threads are then held to one (ND4J's OpenBLAS, "
                        + "EJML's multi-threaded products); any count from 2 on gives the same weights bit for bit, which "
                        + "differ from 1 thread's in the last bits. Default: 1.")
        int threads = 1;

        @Option(names = "--limit", paramLabel = "N",
                description = "Train on the first N training samples only (quick runs). Default: all.")
        Integer limit;
    }

    static final class ValidationOptions {
        @Option(names = "--validation", paramLabel = "FRACTION",
                description = "Hold out this share of the training data (a seeded random choice, e.g. 0.1) and "
                        + "measure the network on it after every epoch; the test set is used once, at the end.")
        Double fraction;

        @Option(names = "--patience", paramLabel = "N",
                description = "Early stopping: stop when the validation loss has not improved for N epochs, and "
                        + "keep the weights of the best epoch. Needs --validation.")
        Integer patience;

        @Option(names = "--min-delta", paramLabel = "D",
                description = "Early stopping: the least fall of the validation loss that counts as an "
                        + "improvement. Default: 0.")
        Double minDelta;
    }

    /** The sample limit, or null for all. */
    Integer limit() {
        return loop.limit;
    }

    /**
     * The settings as the library's options, made before any data is loaded: each value is checked by
     * the library on its own, so that its message is tied to the option the user wrote, and an option
     * that does not apply to the others is refused.
     */
    TrainingOptions options() {
        checkBatchSize("--batch", loop.batch);
        checkEpochs("--epochs", loop.epochs);
        if (network.layers != null) {
            // Parameters holds the rule for layer sizes; sizes too large for the memory show now, before
            // the data are read and before anything is allocated.
            MemoryCheck.check("--layers " + join(network.layers), network.layers, loop.batch);
            architectureFor(network.layers);
        } else {
            checkActivationsAndDropout();
        }
        int threads = loop.threads;
        checkThreads("--threads", threads);
        if (loop.limit != null && loop.limit < 1) {
            throw new UsageException("--limit must be at least 1, got " + loop.limit);
        }
        TrainingOptions.Builder builder = TrainingOptions.builder().batchSize(loop.batch).epochs(loop.epochs)
                .seed(loop.seed).threads(threads);
        OptimizerSettings.apply(optimizer, schedule, loop.epochs, validation.fraction != null && validation.fraction > 0,
                builder);
        if (validation.fraction != null) {
            double fraction = validation.fraction;
            checked("--validation " + fraction, () -> TrainingOptions.builder().validation(fraction).build());
            builder.validation(fraction);
        }
        EarlyStopping stopping = earlyStopping();
        builder.earlyStopping(stopping);
        return builder.build();
    }

    private EarlyStopping earlyStopping() {
        Integer patience = validation.patience;
        Double minDelta = validation.minDelta;
        if (patience == null) {
            if (minDelta != null) {
                throw new UsageException("--min-delta " + minDelta + " applies to early stopping; add --patience N");
            }
            return null;
        }
        EarlyStopping stopping = checked("--patience " + patience, () -> EarlyStopping.after(patience));
        if (validation.fraction == null || validation.fraction == 0) {
            throw new UsageException("--patience " + patience + ": early stopping watches the validation loss, so it "
                    + "needs a validation set; add --validation 0.1");
        }
        return minDelta == null ? stopping : checked("--min-delta " + minDelta, () -> stopping.withMinDelta(minDelta));
    }

    /** The activation names and dropout rates each checked by the library, before the layer count is known. */
    private void checkActivationsAndDropout() {
        if (network.activations != null) {
            for (String name : network.activations) {
                activation(name);
            }
        }
        if (network.dropout != null) {
            for (double rate : network.dropout) {
                checked("--dropout " + rate, () -> Architecture.of(1, 1, 1).withDropout(rate));
            }
        }
    }

    private Activation activation(String name) {
        Activation activation = checked("--activation " + name, () -> Activation.fromId(name));
        if (activation == Activation.IDENTITY) {
            throw new UsageException("--activation " + name + ": a hidden layer needs a non-linear activation; use "
                    + "relu, leaky-relu, tanh, sigmoid or gelu");
        }
        return activation;
    }

    /**
     * The network of {@code layers} with the activations and dropout asked for: one value for every
     * hidden layer, or one per hidden layer.
     */
    Architecture architectureFor(int[] layers) {
        Architecture architecture = Architecture.of(layers);
        int hidden = layers.length - 2;
        if (network.activations != null) {
            Activation[] functions = network.activations.stream().map(this::activation).toArray(Activation[]::new);
            checkCount("--activation", String.join(",", network.activations), functions.length, hidden, layers);
            Architecture before = architecture;
            architecture = checked("--activation " + String.join(",", network.activations), () -> functions.length == 1
                    ? before.withActivation(functions[0]) : before.withActivations(functions));
        }
        if (network.dropout != null) {
            double[] rates = network.dropout.stream().mapToDouble(Double::doubleValue).toArray();
            String text = network.dropout.stream().map(String::valueOf).collect(Collectors.joining(","));
            checkCount("--dropout", text, rates.length, hidden, layers);
            Architecture before = architecture;
            architecture = checked("--dropout " + text, () -> rates.length == 1
                    ? before.withDropout(rates[0]) : before.withDropouts(rates));
        }
        return architecture;
    }

    private static void checkCount(String option, String text, int given, int hidden, int[] layers) {
        if (hidden == 0) {
            throw new UsageException(option + " " + text + ": the network " + architecture(layers)
                    + " has no hidden layer; add one with --layers");
        }
        if (given != 1 && given != hidden) {
            throw new UsageException(option + " " + text + ": " + given + " values for " + hidden + " hidden layers ("
                    + architecture(layers) + "); give one for all, or one per hidden layer");
        }
    }

    // Each value goes to the library on its own (the others at the reference experiment's values), so
    // that the library's message is tied to the option the user wrote.

    static void checkLearningRate(String option, double value) {
        checked(option + " " + value, () -> TrainingOptions.builder().learningRate(value).build());
    }

    static void checkBatchSize(String option, int value) {
        checked(option + " " + value, () -> TrainingOptions.builder().batchSize(value).build());
    }

    static void checkEpochs(String option, int value) {
        checked(option + " " + value, () -> TrainingOptions.builder().epochs(value).build());
    }

    static void checkThreads(String option, int value) {
        checked(option + " " + value, () -> TrainingOptions.builder().threads(value).build());
    }

    static <T> T checked(String option, Supplier<T> make) {
        return UsageException.checkedByLibrary(option, make);
    }

    /** The layer sizes for {@code data}: as given, checked against the data, or the reference experiment's network fitted to them. */
    int[] layersFor(DataOptions.LoadedData data) {
        int inputs = data.featureCount();
        int classes = data.classCount();
        int[] layers = network.layers;
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

    /** Checks what needs the data's size: a validation set needs two samples to split. */
    static void checkFitsData(TrainingOptions options, int samples) {
        if (options.validationFraction() > 0 && samples < 2) {
            throw new UsageException("--validation " + options.validationFraction() + ": holding out a validation set "
                    + "needs at least 2 training samples, there " + (samples == 1 ? "is 1" : "are " + samples));
        }
    }

    static String join(int[] sizes) {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /** 784-200-200-10 */
    static String architecture(int[] sizes) {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }
}
