package org.jnn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jnn.core.ModelFile;
import org.jnn.core.SavedModel;

/** Model files as the command line reads and writes them, with the metadata it records. */
final class Models {

    static final String DATASET = "dataset";
    static final String BACKEND = "backend";
    static final String PRECISION = "precision";
    static final String OPTIMIZER = "optimizer";
    static final String LEARNING_RATE = "learning_rate";
    static final String SCHEDULE = "schedule";
    static final String BATCH = "batch";
    static final String EPOCHS = "epochs";
    static final String SEED = "seed";
    static final String VALIDATION_FRACTION = "validation_fraction";
    static final String EARLY_STOPPING = "early_stopping";
    static final String TRAIN_SAMPLES = "train_samples";
    static final String VALIDATION_SAMPLES = "validation_samples";
    static final String EPOCHS_TRAINED = "epochs_trained";
    static final String BEST_EPOCH = "best_epoch";
    static final String STOPPED_EARLY = "stopped_early";
    static final String RESTORED_BEST = "restored_best";
    static final String VALIDATION_LOSS = "validation_loss";
    static final String VALIDATION_ACCURACY = "validation_accuracy";
    static final String TEST_ACCURACY = "test_accuracy";
    static final String TEST_LOSS = "test_loss";
    /** The per-epoch results, a JSON list as {@code --json} prints them. */
    static final String HISTORY = "history";

    private Models() {
    }

    /**
     * Reads a model file; a missing file is the user's mistake, and so is a corrupt one
     * ({@link org.jnn.core.ModelFormatException}, reported by the error handler).
     */
    static SavedModel load(Path file, String option) throws IOException {
        if (!Files.exists(file)) {
            throw new UsageException(option + file + ": no such model file");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException(option + file + ": not a file");
        }
        return ModelFile.load(file);
    }

    /**
     * Rejects a {@code --save} target that cannot be written, before training spends time on it
     * (see {@link OutputPaths#checkFile}); otherwise the save fails only after training.
     */
    static void checkSaveTarget(Path file) {
        if (file != null) {
            OutputPaths.checkFile("--save " + file, file);
        }
    }

    /**
     * Tells the user on {@code err} what reading {@code file} had to assume or could not verify (a
     * PyTorch file without this program's metadata, a file of the older format), one line per note.
     */
    static void printNotes(SavedModel model, Path file, PrintWriter err, String command) {
        for (String note : model.notes()) {
            err.println(command + ": " + file + ": " + note);
        }
        err.flush();
    }

    static int[] layerSizes(SavedModel model) {
        return model.parameters().layerSizes();
    }

    /** "784-200(relu)-200(relu)-10 network trained on mnist with ejml (f64), test accuracy 97.64%" */
    static String describe(SavedModel model) {
        Map<String, String> m = model.metadata();
        StringBuilder text = new StringBuilder(model.architecture().toString()).append(" network");
        if (m.containsKey(DATASET)) {
            text.append(" trained on ").append(m.get(DATASET));
        }
        if (m.containsKey(BACKEND)) {
            text.append(" with ").append(m.get(BACKEND));
            if (m.containsKey(PRECISION)) {
                text.append(" (").append(m.get(PRECISION)).append(')');
            }
        }
        if (m.containsKey(TEST_ACCURACY)) {
            try {
                text.append(", test accuracy ").append(Format.percent(Double.parseDouble(m.get(TEST_ACCURACY))));
            } catch (NumberFormatException e) {
                // metadata written by someone else; leave it out
            }
        }
        return text.toString();
    }

    /** Checks that {@code model} fits {@code data}: the same input width, enough outputs for the classes. */
    static void checkFits(SavedModel model, Path file, DataOptions.LoadedData data) {
        int[] sizes = layerSizes(model);
        if (sizes[0] != data.featureCount()) {
            throw new UsageException("model " + file + " takes " + sizes[0] + " inputs per sample but "
                    + data.displayName() + " has " + data.featureCount() + " (" + data.shape()
                    + "); it was made for other data (layers " + TrainingSettings.join(sizes) + ")");
        }
        int outputs = sizes[sizes.length - 1];
        if (outputs < data.classCount()) {
            throw new UsageException("model " + file + " has " + outputs + " outputs but " + data.displayName()
                    + " has " + data.classCount() + " classes; it was made for other data");
        }
    }

    /**
     * The metadata {@code nn train} stores with a model: how it was trained and how well it did. The layer
     * sizes, activations and dropout are the file format's own entries ({@link ModelFile}), so they are
     * not repeated here; settings with parts (optimizer, schedule, early stopping) and the per-epoch
     * history are JSON text.
     */
    static Map<String, String> metadata(TrainCommand.Summary s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(DATASET, s.dataset());
        m.put(BACKEND, s.backend());
        m.put(PRECISION, s.precision());
        m.put(OPTIMIZER, Json.write(s.optimizer()));
        m.put(LEARNING_RATE, Double.toString(s.learningRate()));
        m.put(SCHEDULE, Json.write(s.schedule()));
        m.put(BATCH, Integer.toString(s.batch()));
        m.put(EPOCHS, Integer.toString(s.epochs()));
        m.put(SEED, Long.toString(s.seed()));
        m.put(VALIDATION_FRACTION, Double.toString(s.validationFraction()));
        if (s.earlyStopping() != null) {
            m.put(EARLY_STOPPING, Json.write(s.earlyStopping()));
        }
        m.put(TRAIN_SAMPLES, Integer.toString(s.trainSamples()));
        m.put(VALIDATION_SAMPLES, Integer.toString(s.validationSamples()));
        m.put(EPOCHS_TRAINED, Integer.toString(s.epochsTrained()));
        if (s.bestEpoch() != null) {
            m.put(BEST_EPOCH, Integer.toString(s.bestEpoch()));
            m.put(STOPPED_EARLY, Boolean.toString(s.stoppedEarly()));
            m.put(RESTORED_BEST, Boolean.toString(s.restoredBest()));
            m.put(VALIDATION_LOSS, Double.toString(s.validationLoss()));
            m.put(VALIDATION_ACCURACY, Double.toString(s.validationAccuracy()));
        }
        m.put(TEST_ACCURACY, Double.toString(s.testAccuracy()));
        m.put(TEST_LOSS, Double.toString(s.testLoss()));
        m.put(HISTORY, Json.write(s.history()));
        return m;
    }
}
