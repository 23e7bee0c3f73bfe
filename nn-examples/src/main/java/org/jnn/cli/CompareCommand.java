package org.jnn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jnn.api.BackendSelector;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.core.Architecture;
import org.jnn.core.Parameters;
import org.jnn.core.TrainingOptions;
import org.jnn.mnist.LabelledImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nn compare}: the same training on every backend, then one table. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {
            "Runs the same training on every backend and compares them in one table.",
            "Same data, same initial weights, same order of samples (and dropout masks) on every backend on the class "
                    + "path; the table has test accuracy and loss (measured once, after training), training time, "
                    + "samples per second, and how far each backend's final weights are from the first backend's.",
            ""})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    NnCommand nn;

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    TrainingSettings training = new TrainingSettings();

    @Option(names = "--backends", split = ",", paramLabel = "NAME,...", hideParamSyntax = true,
            description = "Only these backends, in this order (the first is the reference). Default: all, "
                    + "highest priority first.")
    List<String> backendNames;

    @Mixin
    PrecisionOption precisionOption = new PrecisionOption();

    @Mixin
    OutputOptions output = new OutputOptions();

    /** One backend's outcome. */
    record Row(String backend, String precision, TrainingRun.Result result, double maxAbsoluteDifference,
            double maxRelativeDifference) {

        Result json() {
            return new Result(backend, precision, result.test().accuracy(), result.test().loss(), result.trainSeconds(),
                    result.samplesPerSecond(), maxAbsoluteDifference, maxRelativeDifference, result.epochs());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.report(spec);
        PrintWriter err = spec.commandLine().getErr();
        TrainingOptions options = training.options();
        Precision precision = precisionOption.precision;
        WorkerThreads.holdBackendsToOneThreadEach(options.threads());
        Map<String, String> skipped = new LinkedHashMap<>();
        BackendSelector selector = new BackendSelector(BackendOptions.notices(err, !output.quiet));
        List<LinearAlgebra> candidates = new ArrayList<>();
        for (LinearAlgebra backend : BackendOptions.usable(selector, "--backends", backendNames, skipped::put)) {
            if (backend.supportedPrecisions().contains(precision)) {
                candidates.add(backend.withPrecision(precision));
            } else {
                skipped.put(backend.name(), "computes only in " + backend.supportedPrecisions().stream()
                        .map(Precision::id).sorted().toList() + ", not " + precision.id());
            }
        }
        if (candidates.isEmpty()) {
            throw new UsageException("no backend to compare" + (skipped.isEmpty() ? "" : ": " + skipped));
        }

        DataOptions.LoadedData loaded = data.load(null, err);
        int[] layers = training.layersFor(loaded);
        Architecture architecture = training.architectureFor(layers);
        LabelledImages trainSet = loaded.trainingSamples(training.limit());
        TrainingSettings.checkFitsData(options, trainSet.size());
        int width = candidates.stream().mapToInt(b -> b.name().length()).max().orElse(0);
        if (!output.quiet) {
            out.printf(Locale.ROOT, "comparing %s on %s (%d training, %d test samples), %s, %s, on %s%n", architecture,
                    loaded.displayName(), trainSet.size(), loaded.test().size(), TrainingDescription.line(options),
                    precision.id(), String.join(", ", candidates.stream().map(LinearAlgebra::name).toList()));
            skipped.forEach((name, reason) -> out.println("skipping " + name + ": " + reason));
            out.flush();
        }

        List<Row> rows = new ArrayList<>();
        Parameters reference = null;
        for (LinearAlgebra backend : candidates) {
            String prefix = String.format(Locale.ROOT, "%-" + width + "s  ", backend.name());
            TrainingRun.Result result = TrainingRun.train(backend, architecture, trainSet, loaded.test(), options,
                    output.quiet ? null : nn.progressOutput(), output.quiet ? null : out, prefix);
            Parameters parameters = result.network().parameters();
            double[] difference = reference == null ? new double[2] : difference(reference, parameters);
            if (reference == null) {
                reference = parameters;
            }
            rows.add(new Row(backend.name(), backend.precision().id(), result, difference[0], difference[1]));
            TrainingRun.EpochStats kept = result.kept();
            String chance = kept != null
                    ? Warnings.chance("validation accuracy", kept.validationAccuracy(), Warnings.chanceLevel(trainSet),
                            options.learningRate())
                    : Warnings.chance("test accuracy", result.test().accuracy(), Warnings.chanceLevel(result.test()),
                            options.learningRate());
            if (chance != null) {
                err.println(backend.name() + ": " + chance);
                err.flush();
            }
        }

        String first = rows.get(0).backend();
        Format.Table table = new Format.Table("backend", "precision", "test accuracy", "test loss", "train time",
                "samples/s", "max |Δw| vs " + first, "max rel. Δw");
        for (Row row : rows) {
            table.row(row.backend(), row.precision(), Format.percent(row.result().test().accuracy()),
                    Format.loss(row.result().test().loss()), Format.seconds(row.result().trainSeconds()),
                    Format.rate(row.result().samplesPerSecond()), Format.difference(row.maxAbsoluteDifference()),
                    Format.difference(row.maxRelativeDifference()));
        }
        if (!output.quiet) {
            out.println();
        }
        out.print(table.render());
        out.println("(Δw: largest difference of any weight or bias from " + first
                + "'s after training; relative to the larger of the two values)");
        out.flush();

        output.printJson(spec, new Summary(loaded.id(), layers, TrainingDescription.optimizer(options.optimizer()),
                options.learningRate(), TrainingDescription.schedule(options.schedule()), options.batchSize(),
                options.epochs(), options.seed(), options.validationFraction(), trainSet.size(), precision.id(), first,
                rows.stream().map(Row::json).toList(),
                skipped.entrySet().stream().map(e -> new Skipped(e.getKey(), e.getValue())).toList()));
        return ErrorHandler.OK;
    }

    /** What {@code --json} prints. */
    record Summary(String dataset, int[] layers, Map<String, Object> optimizer, double learningRate,
            Map<String, Object> schedule, int batch, int epochs, long seed, double validationFraction, int trainSamples,
            String precision, String reference, List<Result> results, List<Skipped> skipped) {
    }

    /** One backend's outcome in {@code --json}. */
    record Result(String backend, String precision, double testAccuracy, double testLoss, double trainSeconds,
            double samplesPerSecond, double maxAbsWeightDifference, double maxRelWeightDifference,
            List<TrainingRun.EpochStats> history) {
    }

    /** A backend left out, and why. */
    record Skipped(String backend, String reason) {
    }

    /**
     * The largest absolute difference of any weight or bias, and the largest relative one,
     * {@code |a - b| / max(|a|, |b|)} (0 where both are 0).
     */
    static double[] difference(Parameters a, Parameters b) {
        double maxAbsolute = 0;
        double maxRelative = 0;
        for (int l = 0; l < a.layerCount(); l++) {
            for (double[][] pair : List.of(new double[][] {a.weights(l), b.weights(l)},
                    new double[][] {a.biases(l), b.biases(l)})) {
                for (int i = 0; i < pair[0].length; i++) {
                    double x = pair[0][i];
                    double y = pair[1][i];
                    double d = Math.abs(x - y);
                    maxAbsolute = Math.max(maxAbsolute, d);
                    double scale = Math.max(Math.abs(x), Math.abs(y));
                    if (d > 0 && scale > 0) {
                        maxRelative = Math.max(maxRelative, d / scale);
                    }
                }
            }
        }
        return new double[] {maxAbsolute, maxRelative};
    }
}
