package org.jnn.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jnn.core.ModelFile;
import org.jnn.core.TrainingOptions;
import org.jnn.mnist.LabelledImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nn train}: the reference experiment by default, anything else by option. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Trains a network and reports its test accuracy after every epoch.",
            "The network is a multilayer perceptron: ReLU hidden layers, a softmax output, cross-entropy loss, "
                    + "stochastic gradient descent.",
            "With no options: the reference experiment, a 784-200-200-10 network on MNIST trained with SGD at "
                    + "learning rate 0.01, batch size 1, for 3 epochs, seed 42 (about 97.5%% test accuracy). MNIST "
                    + "is fetched if it is not there yet.",
            ""})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    NnCommand nn;

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    BackendOptions backendOptions = new BackendOptions();

    @Mixin
    PrecisionOption precision = new PrecisionOption();

    @Mixin
    TrainingSettings training = new TrainingSettings();

    @Option(names = "--save", paramLabel = "FILE",
            description = "Save the trained model to FILE (safetensors, loadable on any backend).")
    Path save;

    @Option(names = "--plot", paramLabel = "DIR",
            description = "Write the training curves and the confusion matrix as PNG files into DIR.")
    Path plot;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.report(spec);
        PrintWriter err = spec.commandLine().getErr();
        TrainingOptions options = training.options();
        Models.checkSaveTarget(save);
        Path plotDir = plot == null ? null : Charts.prepareDirectory(plot);

        BackendOptions.Chosen chosen = backendOptions.choose(precision.precision, BackendOptions.notices(err, !output.quiet));
        DataOptions.LoadedData loaded = data.load(null, err);
        int[] layers = training.layersFor(loaded);
        MemoryCheck.check("layers " + TrainingSettings.join(layers), layers, options.batchSize());
        LabelledImages trainSet = loaded.trainingSamples(training.limit);

        if (!output.quiet) {
            out.printf(Locale.ROOT, "training %s on %s (%d training, %d test samples) with %s: %s%n",
                    TrainingSettings.architecture(layers), loaded.displayName(), trainSet.size(),
                    loaded.test().size(), chosen.label(), chosen.reason());
            out.printf(Locale.ROOT, "learning rate %s, batch size %d, %d epoch%s, seed %d%n",
                    options.learningRate(), options.batchSize(), options.epochs(), options.epochs() == 1 ? "" : "s",
                    options.shuffleSeed());
            out.flush();
        }
        TrainingRun.Result result = TrainingRun.train(chosen.backend(), layers, trainSet, loaded.test(), options,
                output.quiet ? null : nn.progressOutput(), output.quiet ? null : out, "");

        double accuracy = result.test().accuracy();
        out.printf(Locale.ROOT, "test accuracy %s  loss %s  (%d test samples; trained %d epoch%s in %s, %s samples/s)%n",
                Format.percent(accuracy), Format.loss(result.test().loss()), result.test().samples(),
                options.epochs(), options.epochs() == 1 ? "" : "s", Format.seconds(result.trainSeconds()),
                Format.rate(result.samplesPerSecond()));
        String chance = Warnings.chance(result.test(), options.learningRate());
        if (chance != null) {
            out.flush();
            err.println(chance);
            err.flush();
        }

        if (save != null) {
            ModelFile.save(save, result.network().parameters(), Models.metadata(loaded.id(),
                    chosen.backend().name(), chosen.backend().precision().id(), layers, options.learningRate(),
                    options.batchSize(), options.epochs(), options.shuffleSeed(), trainSet.size(), accuracy,
                    result.test().loss()));
            out.println("model saved to " + save);
        }
        List<String> plots = new ArrayList<>();
        if (plotDir != null) {
            String subtitle = TrainingSettings.architecture(layers) + " on " + loaded.displayName() + ", "
                    + chosen.label() + ", learning rate " + options.learningRate() + ", batch " + options.batchSize()
                    + ", " + trainSet.size() + " training samples";
            plots.add(Charts.trainingCurves(result.history(), "Training curves", subtitle, plotDir).toString());
            plots.add(Charts.confusionMatrix(result.test().confusionMatrix(), loaded.classNames(),
                    "Confusion matrix: " + loaded.displayName() + " test set",
                    Format.percent(accuracy) + " correct of " + result.test().samples() + ", after "
                            + options.epochs() + " epoch" + (options.epochs() == 1 ? "" : "s") + " with " + chosen.label(),
                    plotDir).toString());
            out.println("plots written to " + String.join(", ", plots));
        }
        out.flush();

        output.printJson(spec, new Summary(loaded.id(), chosen.backend().name(), chosen.backend().precision().id(),
                layers, options.learningRate(), options.batchSize(), options.epochs(), options.shuffleSeed(),
                trainSet.size(), result.test().samples(), accuracy, result.test().loss(), result.trainSeconds(),
                result.samplesPerSecond(), result.history(), save == null ? null : save.toString(), plots));
        return ErrorHandler.OK;
    }

    /** What {@code --json} prints. */
    record Summary(String dataset, String backend, String precision, int[] layers, double learningRate, int batch,
            int epochs, long seed, int trainSamples, int testSamples, double testAccuracy, double testLoss,
            double trainSeconds, double samplesPerSecond, List<TrainingRun.EpochStats> history, String model,
            List<String> plots) {
    }
}
