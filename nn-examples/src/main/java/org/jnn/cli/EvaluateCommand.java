package org.jnn.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jnn.core.Evaluation;
import org.jnn.core.Network;
import org.jnn.core.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nn evaluate MODEL}: accuracy, loss, confusion matrix, precision and recall on the test data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Evaluates a saved model: accuracy, loss, confusion matrix, precision and recall.",
            "The model is evaluated on the test set of a data set, by default the one it was trained on.",
            ""})
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file written by `nn train --save`.")
    Path model;

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    BackendOptions backendOptions = new BackendOptions();

    @Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--plot", paramLabel = "DIR", description = "Write the confusion matrix as a PNG file into DIR.")
    Path plot;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.report(spec);
        PrintWriter err = spec.commandLine().getErr();
        Path plotDir = plot == null ? null : Charts.prepareDirectory(plot);
        SavedModel saved = Models.load(model, "");
        Models.printNotes(saved, model, err, spec.qualifiedName());
        BackendOptions.Chosen chosen = backendOptions.choose(precision.precision, BackendOptions.notices(err, !output.quiet));

        String trainedOn = saved.metadata().get(Models.DATASET);
        if (data.dataset == null && trainedOn != null && DataOptions.kindOf(trainedOn) == null
                && !Files.isDirectory(Path.of(trainedOn))) {
            throw new UsageException("model " + model + " was trained on the data in " + trainedOn
                    + ", which is not there any more; say which data to use with --dataset");
        }
        DataOptions.LoadedData loaded = data.load(trainedOn, err);
        Models.checkFits(saved, model, loaded);
        String otherData = Warnings.otherData(model, trainedOn, loaded.id());
        if (otherData != null) {
            err.println(otherData);
            err.flush();
        }
        Network network = saved.toNetwork(chosen.backend());
        Evaluation evaluation = network.evaluate(loaded.test());

        out.println("model     " + model + ": " + Models.describe(saved));
        out.println("data      " + loaded.displayName() + " test set, " + evaluation.samples() + " samples");
        out.println("backend   " + chosen.label() + ": " + chosen.reason());
        out.printf(Locale.ROOT, "accuracy  %s%nloss      %s%n", Format.percent(evaluation.accuracy()),
                Format.loss(evaluation.loss()));
        if (!output.quiet) {
            out.println();
            out.print(confusionTable(evaluation, loaded));
            out.println();
            out.print(classTable(evaluation, loaded));
        }
        String plotFile = null;
        if (plotDir != null) {
            plotFile = Charts.confusionMatrix(evaluation.confusionMatrix(), loaded.classNames(),
                    "Confusion matrix: " + loaded.displayName() + " test set",
                    Format.percent(evaluation.accuracy()) + " correct of " + evaluation.samples() + ", "
                            + TrainingSettings.architecture(Models.layerSizes(saved)) + " model " + model.getFileName(),
                    plotDir).toString();
            out.println();
            out.println("confusion matrix written to " + plotFile);
        }
        out.flush();

        List<Double> precisions = new ArrayList<>();
        List<Double> recalls = new ArrayList<>();
        for (int c = 0; c < evaluation.classCount(); c++) {
            precisions.add(evaluation.precision(c));
            recalls.add(evaluation.recall(c));
        }
        output.printJson(spec, new Summary(model.toString(), loaded.id(), chosen.backend().name(),
                chosen.backend().precision().id(), Models.layerSizes(saved), evaluation.samples(), evaluation.accuracy(),
                evaluation.loss(), loaded.classNames(), evaluation.confusionMatrix(), precisions, recalls, plotFile));
        return ErrorHandler.OK;
    }

    /** What {@code --json} prints; a class never predicted has no precision (null). */
    record Summary(String model, String dataset, String backend, String precision, int[] layers, int testSamples,
            double testAccuracy, double testLoss, List<String> classNames, int[][] confusionMatrix,
            List<Double> precisionPerClass, List<Double> recallPerClass, String plot) {
    }

    /** Rows are the actual classes, columns the predicted ones. */
    static String confusionTable(Evaluation evaluation, DataOptions.LoadedData data) {
        int[][] confusion = evaluation.confusionMatrix();
        int n = confusion.length;
        String[] header = new String[n + 1];
        header[0] = "actual \\ predicted";
        for (int c = 0; c < n; c++) {
            header[c + 1] = Integer.toString(c);
        }
        Format.Table table = new Format.Table(header);
        for (int actual = 0; actual < n; actual++) {
            Object[] row = new Object[n + 1];
            row[0] = data.hasClassNames() ? actual + " " + data.className(actual) : Integer.toString(actual);
            for (int predicted = 0; predicted < n; predicted++) {
                row[predicted + 1] = confusion[actual][predicted];
            }
            table.row(row);
        }
        return "confusion matrix (rows: actual class, columns: predicted class)" + System.lineSeparator()
                + table.render();
    }

    static String classTable(Evaluation evaluation, DataOptions.LoadedData data) {
        int[][] confusion = evaluation.confusionMatrix();
        Format.Table table = new Format.Table("class", "precision", "recall", "samples");
        for (int c = 0; c < evaluation.classCount(); c++) {
            int samples = 0;
            for (int count : confusion[c]) {
                samples += count;
            }
            table.row(data.hasClassNames() ? c + " " + data.className(c) : Integer.toString(c),
                    Format.percent(evaluation.precision(c)), Format.percent(evaluation.recall(c)), samples);
        }
        return table.render();
    }
}
