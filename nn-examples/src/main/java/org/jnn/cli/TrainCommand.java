package org.jnn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jnn.api.Activation;
import org.jnn.core.Architecture;
import org.jnn.core.Checkpoint;
import org.jnn.core.Evaluation;
import org.jnn.core.ModelFile;
import org.jnn.core.TrainingHistory;
import org.jnn.core.TrainingOptions;
import org.jnn.core.optim.LearningRateSchedule;
import org.jnn.mnist.LabelledImages;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nn train}: the reference experiment by default, anything else by option. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {
            "Trains a network. Every epoch prints its training loss, its learning rate and, with --validation, the "
                    + "loss and accuracy on the held-out validation set; the test set is measured once, after training, "
                    + "so that no choice is made on it.",
            "The network is a multilayer perceptron: dense hidden layers (ReLU unless --activation says), a softmax "
                    + "output, cross-entropy loss.",
            "With no options: the reference experiment, a 784-200-200-10 network on MNIST trained with SGD at "
                    + "learning rate 0.01, batch size 1, for 3 epochs, seed 42 (about 97.5%% test accuracy). MNIST "
                    + "is fetched if it is not there yet.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  nn train --optimizer adam --batch 64 --epochs 30 --schedule cosine --warmup 1",
            "           --dropout 0.2 --validation 0.1 --patience 5",
            "      Adam, warm-up and cosine annealing, dropout, early stopping on a tenth",
            "      of the training data held out",
            "  nn train --momentum 0.9 --nesterov --weight-decay 1e-4 --batch 32 --lr 0.05",
            "      SGD with Nesterov's momentum and L2 weight decay",
            "  nn train --epochs 20 --checkpoint runs/mnist",
            "      a checkpoint after every epoch; if the run is interrupted,",
            "  nn train --resume runs/mnist",
            "      continues it from its last epoch done, as if nothing had happened"})
final class TrainCommand implements Callable<Integer> {

    /** What may come with --resume: where and how to compute and report, not how to train. */
    private static final Set<String> WITH_RESUME = Set.of("--resume", "--backend", "--precision", "--data-dir", "--save",
            "--plot", "--quiet", "--json", "--verbose");
    /** Allowed with --resume when the folder does not say which data the run trains on (a checkpoint written from Java). */
    private static final Set<String> DATA = Set.of("--dataset", "--limit");

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

    @ArgGroup(validate = false, heading = "%nCheckpoints:%n", order = 60)
    CheckpointOptions checkpoints = new CheckpointOptions();

    static final class CheckpointOptions {
        @Option(names = "--checkpoint", paramLabel = "DIR",
                description = "After every epoch, replace DIR's checkpoint (weights, optimizer state, schedule, early "
                        + "stopping, history) atomically: an interrupted run loses at most the epoch it was in.")
        Path directory;

        @Option(names = "--resume", paramLabel = "DIR",
                description = "Continue the run whose checkpoint is in DIR, with its own settings and data, from its "
                        + "last epoch done; it ends exactly as it would have without the interruption. Only --backend, "
                        + "--precision, --data-dir, --save, --plot, --quiet and --json may come with it.")
        Path resume;
    }

    @Option(names = "--save", paramLabel = "FILE",
            description = "Save the trained model to FILE (safetensors, loadable on any backend), with its architecture, "
                    + "training settings and results (see `nn info FILE`).")
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
        if (checkpoints.resume != null) {
            return resume(out, err);
        }
        TrainingOptions options = training.options();
        Path checkpoint = checkpoints.directory;
        Models.checkSaveTarget(save);
        Path plotDir = plot == null ? null : Charts.prepareDirectory(plot);
        if (checkpoint != null) {
            CheckpointFolder.checkNew(checkpoint);
        }

        WorkerThreads.holdBackendsToOneThreadEach(options.threads());
        BackendOptions.Chosen chosen = backendOptions.choose(precision.precision, BackendOptions.notices(err, !output.quiet));
        DataOptions.LoadedData loaded = data.load(null, err);
        int[] layers = training.layersFor(loaded);
        MemoryCheck.check("layers " + TrainingSettings.join(layers), layers, options.batchSize());
        Architecture architecture = training.architectureFor(layers);
        LabelledImages trainSet = loaded.trainingSamples(training.limit());
        TrainingSettings.checkFitsData(options, trainSet.size());
        CheckpointFolder.Run run = null;
        if (checkpoint != null) {
            options = options.toBuilder().checkpoints(checkpoint).build();
            run = new CheckpointFolder.Run(loaded.id(), training.limit(), trainSet.size(), null);
            CheckpointFolder.start(checkpoint, run);
        }

        if (!output.quiet) {
            out.printf(Locale.ROOT, "training %s on %s (%d training, %d test samples) with %s: %s%n", architecture,
                    loaded.displayName(), trainSet.size(), loaded.test().size(), chosen.label(), chosen.reason());
            out.println(TrainingDescription.line(options) + WorkerThreads.describe(options.threads())
                    + (checkpoint == null ? "" : "; checkpoints in " + checkpoint));
            out.flush();
        }
        TrainingRun.Result result = TrainingRun.train(chosen.backend(), architecture, trainSet, loaded.test(), options,
                output.quiet ? null : nn.progressOutput(), output.quiet ? null : out, "");
        if (run != null) {
            CheckpointFolder.finish(checkpoint, run, ending(result.history(), options));
        }
        return report(out, err, loaded, trainSet, chosen, options, result, null, plotDir);
    }

    /** {@code --resume DIR}: the run's own settings and data, from its checkpoint and the record beside it. */
    private int resume(PrintWriter out, PrintWriter err) throws IOException {
        Path folder = CheckpointFolder.resumeFolder(checkpoints.resume);
        CheckpointFolder.Run run = CheckpointFolder.readRun("--resume", folder);
        List<String> refused = new ArrayList<>(new LinkedHashSet<>(spec.commandLine().getParseResult().matchedOptions()
                .stream().map(OptionSpec::longestName)
                .filter(name -> !WITH_RESUME.contains(name) && (run != null || !DATA.contains(name))).toList()));
        if (!refused.isEmpty()) {
            throw new UsageException("--resume continues the run in " + folder + " with its own settings"
                    + (run != null ? " and data" : "") + "; leave out " + String.join(", ", refused)
                    + " (to train otherwise, start a new run with --checkpoint and another folder)");
        }
        Checkpoint checkpoint = CheckpointFolder.read(folder);
        TrainingOptions options = checkpoint.options();
        if ((run != null && run.ended() != null) || checkpoint.epochsDone() >= options.epochs()) {
            throw new UsageException("--resume " + checkpoints.resume + ": the run there has ended ("
                    + (run != null && run.ended() != null ? run.ended() : "completed " + options.epochs() + " epochs")
                    + "); nothing is left to train. Start a new run with --checkpoint and another folder");
        }
        Models.checkSaveTarget(save);
        Path plotDir = plot == null ? null : Charts.prepareDirectory(plot);
        WorkerThreads.holdBackendsToOneThreadEach(options.threads());
        BackendOptions.Chosen chosen = backendOptions.choose(precision.precision, BackendOptions.notices(err, !output.quiet));
        if (run != null && DataOptions.kindOf(run.dataset()) == null && !Files.isDirectory(Path.of(run.dataset()))) {
            throw new UsageException("--resume " + checkpoints.resume + ": the run trains on the data in " + run.dataset()
                    + ", which is not there any more");
        }
        DataOptions.LoadedData loaded = run != null ? DataOptions.load(run.dataset(), data.dataDir, data.fetchProgress(err))
                : data.load(null, err);
        Integer limit = run != null ? run.limit() : training.limit();
        LabelledImages trainSet = loaded.trainingSamples(limit);
        checkFits(checkpoint, loaded, trainSet, run);

        if (!output.quiet) {
            out.printf(Locale.ROOT, "resuming the run in %s after epoch %d of %d: %s on %s (%d training, %d test samples) "
                    + "with %s: %s%n", folder, checkpoint.epochsDone(), options.epochs(), checkpoint.architecture(),
                    loaded.displayName(), trainSet.size(), loaded.test().size(), chosen.label(), chosen.reason());
            out.println(TrainingDescription.line(options) + WorkerThreads.describe(options.threads()));
            out.flush();
        }
        TrainingRun.Result result = TrainingRun.resume(chosen.backend(), checkpoint, trainSet, loaded.test(),
                output.quiet ? null : nn.progressOutput(), output.quiet ? null : out);
        CheckpointFolder.Run recorded = run != null ? run : new CheckpointFolder.Run(loaded.id(), limit, trainSet.size(), null);
        CheckpointFolder.finish(folder, recorded, ending(result.history(), options));
        return report(out, err, loaded, trainSet, chosen, options, result, folder, plotDir);
    }

    /** The checkpoint's network must fit the data, and the data be the run's (as many samples as it recorded). */
    private static void checkFits(Checkpoint checkpoint, DataOptions.LoadedData data, LabelledImages trainSet,
            CheckpointFolder.Run run) {
        int[] sizes = checkpoint.architecture().layerSizes();
        if (sizes[0] != data.featureCount() || sizes[sizes.length - 1] < data.classCount()) {
            throw new UsageException("--resume: the checkpoint's network (" + checkpoint.architecture() + ") does not fit "
                    + data.displayName() + " (" + data.featureCount() + " inputs, " + data.classCount() + " classes)");
        }
        if (run != null && run.trainSamples() != trainSet.size()) {
            throw new UsageException("--resume: the run trained on " + run.trainSamples() + " samples of " + run.dataset()
                    + ", but it now has " + trainSet.size() + "; the data changed, so the run cannot continue as it was");
        }
    }

    /** The results, printed once: test accuracy, how training ended, and the model, plots and JSON asked for. */
    private int report(PrintWriter out, PrintWriter err, DataOptions.LoadedData loaded, LabelledImages trainSet,
            BackendOptions.Chosen chosen, TrainingOptions options, TrainingRun.Result result, Path resumedFrom,
            Path plotDir) throws IOException {
        Evaluation test = result.test();
        TrainingHistory history = result.history();
        int trained = history.epochs().size();
        out.printf(Locale.ROOT, "test accuracy %s  loss %s  (%d test samples, measured once after training; trained "
                + "%d epoch%s in %s, %s samples/s)%n", Format.percent(test.accuracy()), Format.loss(test.loss()),
                test.samples(), trained, trained == 1 ? "" : "s", Format.seconds(result.trainSeconds()),
                Format.rate(result.samplesPerSecond()));
        TrainingRun.EpochStats kept = result.kept();
        if (kept != null) {
            out.println(validationSummary(result, kept, options));
        }
        String chance = kept != null
                ? Warnings.chance("validation accuracy", kept.validationAccuracy(), Warnings.chanceLevel(trainSet),
                        options.learningRate())
                : Warnings.chance("test accuracy", test.accuracy(), Warnings.chanceLevel(test), options.learningRate());
        if (chance != null) {
            out.flush();
            err.println(chance);
            err.flush();
        }

        Summary summary = Summary.of(loaded.id(), chosen, options, result, resumedFrom);
        if (save != null) {
            ModelFile.save(save, result.network(), Models.metadata(summary));
            out.println("model saved to " + save);
        }
        List<String> plots = new ArrayList<>();
        if (plotDir != null) {
            String subtitle = result.network().architecture() + " on " + loaded.displayName() + ", " + chosen.label()
                    + ", " + options.optimizer().id() + ", learning rate " + Format.number(options.learningRate())
                    + (options.schedule() instanceof LearningRateSchedule.Constant ? "" : " (" + options.schedule().id()
                            + ")") + ", batch " + options.batchSize();
            plots.add(Charts.trainingCurves(result.epochs(), kept != null ? result.history().bestEpoch() : 0,
                    "Training curves", subtitle, plotDir).toString());
            plots.add(Charts.confusionMatrix(test.confusionMatrix(), loaded.classNames(),
                    "Confusion matrix: " + loaded.displayName() + " test set",
                    Format.percent(test.accuracy()) + " correct of " + test.samples() + ", after "
                            + trained + " epoch" + (trained == 1 ? "" : "s") + " with " + chosen.label(),
                    plotDir).toString());
            out.println("plots written to " + String.join(", ", plots));
        }
        out.flush();
        output.printJson(spec, summary.withOutputs(save == null ? null : save.toString(), plots));
        return ErrorHandler.OK;
    }

    /**
     * "best epoch 7 of 12 by validation loss (0.0712, accuracy 98.10%); stopped early: 5 epochs without
     * improvement; the network keeps the weights of epoch 7".
     */
    private static String validationSummary(TrainingRun.Result result, TrainingRun.EpochStats kept, TrainingOptions options) {
        TrainingHistory history = result.history();
        TrainingRun.EpochStats best = result.epochs().get(history.bestEpoch() - 1);
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "best epoch %d of %d by validation loss (%s, accuracy %s)", best.epoch(), history.epochs().size(),
                Format.loss(best.validationLoss()), Format.percent(best.validationAccuracy())));
        if (history.stoppedEarly()) {
            text.append("; stopped early: ").append(options.earlyStopping().patience()).append(" epoch")
                    .append(options.earlyStopping().patience() == 1 ? "" : "s").append(" without improvement");
        }
        if (history.restoredBest()) {
            text.append("; the network keeps the weights of epoch ").append(kept.epoch());
        } else if (kept.epoch() != best.epoch()) {
            text.append("; the network has the weights of its last epoch, ").append(kept.epoch());
        }
        return text.toString();
    }

    /** How a run ended, as the checkpoint folder records it. */
    private static String ending(TrainingHistory history, TrainingOptions options) {
        return history.stoppedEarly() ? "stopped early after epoch " + history.last().epoch()
                : "completed " + options.epochs() + " epochs";
    }

    /** What {@code --json} prints, and (without the outputs) what {@code --save} stores in the model file. */
    record Summary(String dataset, String backend, String precision, int[] layers, List<String> activations,
            double[] dropout, java.util.Map<String, Object> optimizer, double learningRate,
            java.util.Map<String, Object> schedule, int batch, int threads, int epochs, long seed, double validationFraction,
            java.util.Map<String, Object> earlyStopping, int trainSamples, int validationSamples, int testSamples,
            int epochsTrained, Integer bestEpoch, boolean stoppedEarly, boolean restoredBest, Double validationLoss,
            Double validationAccuracy, double testAccuracy, double testLoss, double trainSeconds, double samplesPerSecond,
            List<TrainingRun.EpochStats> history, String checkpoint, String resumedFrom, String model,
            List<String> plots) {

        static Summary of(String dataset, BackendOptions.Chosen chosen, TrainingOptions options, TrainingRun.Result result,
                Path resumedFrom) {
            Architecture architecture = result.network().architecture();
            TrainingRun.EpochStats kept = result.kept();
            Evaluation test = result.test();
            TrainingHistory history = result.history();
            return new Summary(dataset, chosen.backend().name(), chosen.backend().precision().id(),
                    architecture.layerSizes(), Arrays.stream(architecture.activations()).map(Activation::id).toList(),
                    architecture.dropout(), TrainingDescription.optimizer(options.optimizer()), options.learningRate(),
                    TrainingDescription.schedule(options.schedule()), options.batchSize(), options.threads(), options.epochs(),
                    options.seed(), options.validationFraction(), TrainingDescription.earlyStopping(options.earlyStopping()),
                    result.fitSamples(), result.validationSamples(), test.samples(), history.epochs().size(),
                    kept != null ? history.bestEpoch() : null, history.stoppedEarly(), history.restoredBest(),
                    kept != null ? kept.validationLoss() : null, kept != null ? kept.validationAccuracy() : null,
                    test.accuracy(), test.loss(), result.trainSeconds(), result.samplesPerSecond(), result.epochs(),
                    options.checkpointDirectory() == null ? null : options.checkpointDirectory().toString(),
                    resumedFrom == null ? null : resumedFrom.toString(), null, List.of());
        }

        Summary withOutputs(String savedModel, List<String> plotFiles) {
            return new Summary(dataset, backend, precision, layers, activations, dropout, optimizer, learningRate,
                    schedule, batch, threads, epochs, seed, validationFraction, earlyStopping, trainSamples, validationSamples,
                    testSamples, epochsTrained, bestEpoch, stoppedEarly, restoredBest, validationLoss, validationAccuracy,
                    testAccuracy, testLoss, trainSeconds, samplesPerSecond, history, checkpoint, resumedFrom, savedModel,
                    plotFiles);
        }
    }
}
