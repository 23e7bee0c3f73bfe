package org.jnn.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jnn.api.Activation;
import org.jnn.core.Architecture;
import org.jnn.core.Checkpoint;
import org.jnn.core.ModelFile;
import org.jnn.core.SavedModel;
import org.jnn.core.TrainingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nn info MODEL}: what a model file or a checkpoint holds, without computing anything. */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Describes a model file or a training checkpoint: its layers, activations, dropout and parameter count, "
                    + "how it was trained and how well it did, as the file records it, and what the reader had to "
                    + "assume (for a PyTorch file, say).",
            ""})
final class InfoCommand implements Callable<Integer> {

    /** Metadata shown in the lines above "other metadata", or part of the file format. */
    private static final Set<String> SHOWN = Set.of(ModelFile.FORMAT_KEY, ModelFile.LAYER_SIZES_KEY,
            ModelFile.ACTIVATIONS_KEY, ModelFile.DROPOUT_KEY, ModelFile.CHECKSUM_KEY, ModelFile.CHECKSUM_COVERS_KEY,
            ModelFile.LEGACY_CHECKSUM_KEY, Models.DATASET, Models.BACKEND, Models.PRECISION, Models.OPTIMIZER,
            Models.LEARNING_RATE, Models.SCHEDULE, Models.BATCH, Models.EPOCHS, Models.SEED, Models.VALIDATION_FRACTION,
            Models.EARLY_STOPPING, Models.TRAIN_SAMPLES, Models.VALIDATION_SAMPLES, Models.EPOCHS_TRAINED,
            Models.BEST_EPOCH, Models.STOPPED_EARLY, Models.RESTORED_BEST, Models.VALIDATION_LOSS,
            Models.VALIDATION_ACCURACY, Models.TEST_ACCURACY, Models.TEST_LOSS, Models.HISTORY);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "A model file (`nn train --save`, or a PyTorch Sequential saved with safetensors), a "
                    + "checkpoint file, or the folder of `nn train --checkpoint`.")
    Path model;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.report(spec);
        Path file = model;
        if (Files.isDirectory(model)) {
            file = Checkpoint.file(model);
            if (!Files.exists(file)) {
                throw new UsageException(model + ": a folder without a checkpoint (" + Checkpoint.FILE_NAME + "); give a "
                        + "model file, or the folder of `nn train --checkpoint`");
            }
        }
        SavedModel saved = Models.load(file, "");
        Map<String, String> metadata = saved.metadata();
        String format = metadata.get(ModelFile.FORMAT_KEY);
        Checkpoint checkpoint = null;
        CheckpointFolder.Run run = null;
        if (ModelFile.CHECKPOINT_FORMAT.equals(format) && file.getFileName().toString().equals(Checkpoint.FILE_NAME)) {
            Path folder = file.toAbsolutePath().getParent();
            checkpoint = Checkpoint.read(folder);
            run = CheckpointFolder.readRun("", folder);
        }

        Architecture architecture = saved.architecture();
        List<Layer> layers = layers(architecture);
        long parameters = layers.stream().mapToLong(Layer::parameters).sum();
        line(out, "file", file + ": " + kind(format) + (format != null && !ModelFile.LEGACY_FORMAT.equals(format)
                ? ", checksum verified" : ""));
        line(out, "network", architecture + ", softmax output; " + String.format(Locale.ROOT, "%,d", parameters)
                + " parameters");
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            line(out, "  layer " + (l + 1), String.format(Locale.ROOT, "%d → %d, %s%s, %,d parameters", layer.inputs(),
                    layer.outputs(), layer.activation(), layer.dropout() > 0 ? ", dropout " + Format.number(layer.dropout())
                            : "", layer.parameters()));
        }
        CheckpointInfo state = null;
        List<TrainingRun.EpochStats> history;
        if (checkpoint != null) {
            TrainingOptions options = checkpoint.options();
            state = new CheckpointInfo(checkpoint.epochsDone(), options.epochs(),
                    TrainingDescription.optimizer(options.optimizer()), options.learningRate(),
                    TrainingDescription.schedule(options.schedule()), options.batchSize(), options.seed(),
                    options.validationFraction(), TrainingDescription.earlyStopping(options.earlyStopping()), run,
                    checkpoint.history().stream().map(TrainingRun.EpochStats::of).toList());
            history = state.history();
            line(out, "checkpoint", "after epoch " + checkpoint.epochsDone() + " of " + options.epochs()
                    + (run != null && run.ended() != null ? "; the run has ended (" + run.ended() + ")"
                            : "; `nn train --resume " + file.toAbsolutePath().getParent() + "` continues it"));
            line(out, "training", TrainingDescription.line(options));
            if (run != null) {
                line(out, "data", run.dataset() + ", " + (run.limit() == null ? "all " : "the first ") + run.trainSamples()
                        + " training samples");
            }
        } else {
            history = history(metadata.get(Models.HISTORY));
            describeTraining(out, metadata);
        }
        if (!output.quiet && !history.isEmpty()) {
            Format.Table table = new Format.Table("epoch", "training loss", "learning rate", "validation loss",
                    "validation accuracy", "seconds");
            for (TrainingRun.EpochStats s : history) {
                table.row(s.epoch(), Format.loss(s.trainLoss()), Format.number(s.learningRate()),
                        s.hasValidation() ? Format.loss(s.validationLoss()) : "-", Format.percent(s.validationAccuracy()),
                        Format.seconds(s.seconds()));
            }
            out.println();
            out.print(table.render());
            out.println();
        }
        if (checkpoint == null) {
            metadata.entrySet().stream().filter(e -> !SHOWN.contains(e.getKey())).sorted(Map.Entry.comparingByKey())
                    .forEach(e -> line(out, e.getKey(), e.getValue()));
        }
        for (String note : saved.notes()) {
            line(out, "note", note);
        }
        out.flush();
        output.printJson(spec, new Summary(file.toString(), checkpoint != null ? "checkpoint" : "model", format,
                architecture.layerSizes(), Arrays.stream(architecture.activations()).map(Activation::id).toList(),
                architecture.dropout(), parameters, layers, checkpoint != null ? Map.of() : new java.util.TreeMap<>(metadata),
                saved.notes(), state));
        return ErrorHandler.OK;
    }

    /** The lines a model file's training metadata gives: each only if the file has what it needs. */
    private static void describeTraining(PrintWriter out, Map<String, String> m) {
        if (m.containsKey(Models.DATASET)) {
            StringBuilder data = new StringBuilder(m.get(Models.DATASET));
            if (m.containsKey(Models.TRAIN_SAMPLES)) {
                data.append(", ").append(m.get(Models.TRAIN_SAMPLES)).append(" training samples");
                String validation = m.get(Models.VALIDATION_SAMPLES);
                if (validation != null && !validation.equals("0")) {
                    data.append(" and ").append(validation).append(" held out for validation");
                }
            }
            if (m.containsKey(Models.BACKEND)) {
                data.append(", with ").append(m.get(Models.BACKEND))
                        .append(m.containsKey(Models.PRECISION) ? " (" + m.get(Models.PRECISION) + ")" : "");
            }
            line(out, "trained on", data.toString());
        }
        String settings = TrainingDescription.line(new TrainingDescription.Settings(map(m.get(Models.OPTIMIZER)),
                number(m.get(Models.LEARNING_RATE)), map(m.get(Models.SCHEDULE)), integer(m.get(Models.BATCH)),
                integer(m.get(Models.EPOCHS)), m.containsKey(Models.SEED) && integer(m.get(Models.SEED)) != null
                        ? Long.parseLong(m.get(Models.SEED)) : null,
                number(m.get(Models.VALIDATION_FRACTION)), map(m.get(Models.EARLY_STOPPING))));
        if (!settings.isEmpty()) {
            line(out, "training", settings);
        }
        if (m.containsKey(Models.EPOCHS_TRAINED)) {
            StringBuilder result = new StringBuilder(m.get(Models.EPOCHS_TRAINED)).append(" epochs trained");
            if (m.containsKey(Models.BEST_EPOCH)) {
                result.append("; best epoch ").append(m.get(Models.BEST_EPOCH)).append(" by validation loss");
                if ("true".equals(m.get(Models.STOPPED_EARLY))) {
                    result.append("; stopped early");
                }
                if ("true".equals(m.get(Models.RESTORED_BEST))) {
                    result.append("; the weights are the best epoch's");
                }
            }
            line(out, "result", result.toString());
        }
        if (m.containsKey(Models.VALIDATION_ACCURACY)) {
            line(out, "validation", "accuracy " + percent(m.get(Models.VALIDATION_ACCURACY)) + ", loss "
                    + loss(m.get(Models.VALIDATION_LOSS)) + " (the weights kept)");
        }
        if (m.containsKey(Models.TEST_ACCURACY)) {
            line(out, "test", "accuracy " + percent(m.get(Models.TEST_ACCURACY)) + ", loss " + loss(m.get(Models.TEST_LOSS))
                    + " (measured once, after training)");
        }
    }

    /** A number of the metadata, or null if it is missing or not a number. */
    private static Double number(String text) {
        try {
            return text == null ? null : Double.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer integer(String text) {
        Double value = number(text);
        return value != null && value == Math.rint(value) && Math.abs(value) < Integer.MAX_VALUE ? value.intValue() : null;
    }

    private static Map<String, Object> map(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The history a model file records (see {@link Models#HISTORY}); none if it has none or it is unreadable. */
    static List<TrainingRun.EpochStats> history(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            List<Map<String, Object>> epochs = Json.MAPPER.readValue(json, new TypeReference<List<Map<String, Object>>>() { });
            List<TrainingRun.EpochStats> history = new ArrayList<>();
            for (Map<String, Object> e : epochs) {
                history.add(new TrainingRun.EpochStats(((Number) e.get("epoch")).intValue(), number(e.get("train_loss")),
                        number(e.get("learning_rate")), number(e.get("validation_loss")),
                        number(e.get("validation_accuracy")), number(e.get("seconds")),
                        number(e.get("samples_per_second"))));
            }
            return history;
        } catch (JacksonException | RuntimeException e) {
            return List.of(); // metadata of someone else's making; the raw text is in --json's metadata
        }
    }

    /** JSON null (NaN, no validation) back to NaN. */
    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String percent(String value) {
        try {
            return Format.percent(Double.parseDouble(value));
        } catch (NumberFormatException | NullPointerException e) {
            return String.valueOf(value);
        }
    }

    private static String loss(String value) {
        try {
            return Format.loss(Double.parseDouble(value));
        } catch (NumberFormatException | NullPointerException e) {
            return String.valueOf(value);
        }
    }

    private static String kind(String format) {
        if (format == null) {
            return "safetensors without jnn metadata";
        }
        return switch (format) {
            case ModelFile.CHECKPOINT_FORMAT -> "a training checkpoint (" + format + ")";
            case ModelFile.LEGACY_FORMAT -> "a model file of the earlier format " + format;
            default -> "a model file (" + format + ")";
        };
    }

    private static void line(PrintWriter out, String label, String text) {
        out.printf(Locale.ROOT, "%-12s %s%n", label, text);
    }

    static List<Layer> layers(Architecture architecture) {
        int[] sizes = architecture.layerSizes();
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < sizes.length - 1; l++) {
            boolean output = l == sizes.length - 2;
            layers.add(new Layer(sizes[l], sizes[l + 1], output ? "softmax" : architecture.activation(l).id(),
                    architecture.dropout(l), (long) sizes[l] * sizes[l + 1] + sizes[l + 1]));
        }
        return layers;
    }

    /** One dense layer: its sizes, activation (softmax for the output), dropout after it, weights and biases. */
    record Layer(int inputs, int outputs, String activation, double dropout, long parameters) {
    }

    /** A checkpoint's training state in {@code --json}. */
    record CheckpointInfo(int epochsDone, int epochs, Map<String, Object> optimizer, double learningRate,
            Map<String, Object> schedule, int batch, long seed, double validationFraction,
            Map<String, Object> earlyStopping, CheckpointFolder.Run run, List<TrainingRun.EpochStats> history) {
    }

    /**
     * What {@code --json} prints: the network, the file's metadata as stored (for a model file) and the
     * reader's notes, and for a checkpoint its training state.
     */
    record Summary(String file, String kind, String format, int[] layers, List<String> activations, double[] dropout,
            long parameters, List<Layer> layerDetails, Map<String, String> metadata, List<String> notes,
            CheckpointInfo checkpoint) {
    }
}
