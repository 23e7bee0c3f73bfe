package org.jnn.core;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jnn.api.LinearAlgebra;
import org.jnn.core.optim.LearningRateSchedule;
import org.jnn.core.optim.Optimizer;
import org.jnn.core.optim.ScheduledRate;

/**
 * The state of a training run after an epoch, enough to continue it exactly: the weights, the
 * optimizer's state and step count, the epochs done and their results, the learning-rate schedule's
 * and early stopping's memory (with the best weights so far), and the options and architecture of the
 * run. The sample order and the dropout masks need no state of their own: they follow from the seed
 * and the epoch (see {@link TrainingLoop}).
 *
 * <p>A checkpoint is one file, {@value #FILE_NAME} in the checkpoint folder: a model file (any backend,
 * {@code ./nn evaluate} and Python's safetensors read its weights) whose metadata and extra tensors
 * hold the rest, replaced atomically after every epoch, so an interrupted run leaves the last complete
 * epoch's checkpoint and never half of one. A run interrupted and resumed from it ends with weights
 * bit-identical to the same run uninterrupted.
 *
 * <pre>{@code
 * Checkpoint checkpoint = Checkpoint.read(Path.of("runs/mnist"));
 * Network network = checkpoint.network(Backends.select());
 * TrainingHistory history = network.resume(checkpoint, mnist.train(), null, listener);
 * }</pre>
 */
public final class Checkpoint {

    /** The checkpoint's file in its folder. */
    public static final String FILE_NAME = "checkpoint.safetensors";

    private static final String OPTIONS_KEY = "training_options";
    private static final String PROGRESS_KEY = "training_progress";
    private static final String HISTORY_KEY = "training_history";
    private static final String OPTIMIZER_PREFIX = "optimizer.";
    private static final String BEST_PREFIX = "best.";

    private final Architecture architecture;
    private final Parameters parameters;
    private final TrainingOptions options;
    private final int epochsDone;
    private final long optimizerSteps;
    private final List<EpochResult> history;
    private final ScheduledRate.State schedule;
    private final TrainingLoop.EarlyStoppingState stopping;
    private final Parameters best;
    private final Map<String, double[]> optimizerState;
    private final boolean stoppedEarly;

    private Checkpoint(Architecture architecture, Parameters parameters, TrainingOptions options, int epochsDone,
            long optimizerSteps, List<EpochResult> history, ScheduledRate.State schedule,
            TrainingLoop.EarlyStoppingState stopping, Parameters best, Map<String, double[]> optimizerState,
            boolean stoppedEarly) {
        this.architecture = architecture;
        this.parameters = parameters;
        this.options = options;
        this.epochsDone = epochsDone;
        this.optimizerSteps = optimizerSteps;
        this.history = List.copyOf(history);
        this.schedule = schedule;
        this.stopping = stopping;
        this.best = best;
        this.optimizerState = optimizerState;
        this.stoppedEarly = stoppedEarly;
    }

    /** The state of {@code loop} now, at the end of an epoch. */
    static Checkpoint of(TrainingLoop loop) {
        Network network = loop.network();
        return new Checkpoint(network.architecture(), network.parameters(), loop.options(), loop.epochsDone(),
                loop.updater().steps(), loop.history(), loop.rate().state(), loop.stopping(), loop.best(),
                loop.updater().state(), loop.stoppedEarly());
    }

    /** The folder's checkpoint file. */
    public static Path file(Path directory) {
        return directory.resolve(FILE_NAME);
    }

    /**
     * Writes this checkpoint into {@code directory} (created if needed), replacing the previous one
     * atomically.
     *
     * @throws UncheckedIOException if it cannot be written; the previous checkpoint is then unchanged
     */
    void write(Path directory) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(OPTIONS_KEY, json(optionsMap(options)));
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("epochs_done", epochsDone);
        progress.put("optimizer_steps", optimizerSteps);
        progress.put("schedule_multiplier", schedule.multiplier());
        progress.put("schedule_best_loss", text(schedule.bestLoss()));
        progress.put("schedule_epochs_without_gain", schedule.epochsWithoutGain());
        progress.put("early_stopping_best_loss", text(stopping.bestLoss()));
        progress.put("early_stopping_best_epoch", stopping.bestEpoch());
        progress.put("early_stopping_epochs_without_gain", stopping.epochsWithoutGain());
        progress.put("stopped_early", stoppedEarly);
        metadata.put(PROGRESS_KEY, json(progress));
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (EpochResult e : history) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e.epoch());
            m.put("mean_loss", text(e.meanLoss()));
            m.put("samples", e.samples());
            m.put("seconds", text(e.seconds()));
            m.put("learning_rate", text(e.learningRate()));
            m.put("validation_loss", text(e.validationLoss()));
            m.put("validation_accuracy", text(e.validationAccuracy()));
            epochs.add(m);
        }
        metadata.put(HISTORY_KEY, json(epochs));
        Map<String, double[]> extras = new LinkedHashMap<>();
        optimizerState.forEach((name, values) -> extras.put(OPTIMIZER_PREFIX + name, values));
        if (best != null) {
            for (int l = 0; l < best.layerCount(); l++) {
                extras.put(BEST_PREFIX + l + ".weight", best.weights(l));
                extras.put(BEST_PREFIX + l + ".bias", best.biases(l));
            }
        }
        try {
            Files.createDirectories(directory);
            ModelFile.write(file(directory), ModelFile.CHECKPOINT_FORMAT, parameters,
                    ModelFile.withArchitecture(metadata, architecture), extras);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint into " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the checkpoint in {@code directory}.
     *
     * @throws java.nio.file.NoSuchFileException if there is none
     * @throws ModelFormatException if it is damaged, was edited, or is not a checkpoint of this library
     */
    public static Checkpoint read(Path directory) throws IOException {
        Path path = file(directory);
        Map<String, double[]> extras = new LinkedHashMap<>();
        SavedModel saved = ModelFile.readCheckpoint(path, extras);
        try {
            Map<String, String> metadata = saved.metadata();
            TrainingOptions options = options(JSON.std.mapFrom(required(metadata, OPTIONS_KEY)), directory);
            Map<String, Object> progress = JSON.std.mapFrom(required(metadata, PROGRESS_KEY));
            List<EpochResult> history = new ArrayList<>();
            for (Object o : JSON.std.listFrom(required(metadata, HISTORY_KEY))) {
                Map<?, ?> m = (Map<?, ?>) o;
                history.add(new EpochResult(integer(m.get("epoch")), number(m.get("mean_loss")), integer(m.get("samples")),
                        number(m.get("seconds")), number(m.get("learning_rate")), number(m.get("validation_loss")),
                        number(m.get("validation_accuracy"))));
            }
            Map<String, double[]> optimizer = new LinkedHashMap<>();
            Parameters best = null;
            List<double[]> bestWeights = new ArrayList<>();
            List<double[]> bestBiases = new ArrayList<>();
            int layers = saved.parameters().layerCount();
            for (Map.Entry<String, double[]> e : extras.entrySet()) {
                if (e.getKey().startsWith(OPTIMIZER_PREFIX)) {
                    optimizer.put(e.getKey().substring(OPTIMIZER_PREFIX.length()), e.getValue());
                }
            }
            if (extras.containsKey(BEST_PREFIX + "0.weight")) {
                for (int l = 0; l < layers; l++) {
                    bestWeights.add(required(extras, BEST_PREFIX + l + ".weight"));
                    bestBiases.add(required(extras, BEST_PREFIX + l + ".bias"));
                }
                best = Parameters.of(saved.parameters().layerSizes(), bestWeights, bestBiases);
            }
            int epochsDone = integer(progress.get("epochs_done"));
            if (history.size() != epochsDone) {
                throw new IllegalArgumentException("it records " + epochsDone + " epochs done but holds " + history.size()
                        + " epoch results");
            }
            return new Checkpoint(saved.architecture(), saved.parameters(), options, epochsDone,
                    longInteger(progress.get("optimizer_steps")), history,
                    new ScheduledRate.State(number(progress.get("schedule_multiplier")),
                            number(progress.get("schedule_best_loss")), integer(progress.get("schedule_epochs_without_gain"))),
                    new TrainingLoop.EarlyStoppingState(number(progress.get("early_stopping_best_loss")),
                            integer(progress.get("early_stopping_best_epoch")),
                            integer(progress.get("early_stopping_epochs_without_gain"))),
                    best, optimizer, Boolean.TRUE.equals(progress.get("stopped_early")));
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(path, "its training state is not usable: " + e.getMessage());
        }
    }

    /** The network's shape. */
    public Architecture architecture() {
        return architecture;
    }

    /** The options of the run; they continue unchanged. */
    public TrainingOptions options() {
        return options;
    }

    /** True when early stopping had ended the run: resuming it trains no further epoch. */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** Epochs finished when the checkpoint was written. */
    public int epochsDone() {
        return epochsDone;
    }

    /** The results of those epochs. */
    public List<EpochResult> history() {
        return history;
    }

    /** The weights after the last epoch done. */
    public Parameters parameters() {
        return parameters;
    }

    /** A network on {@code backend} with the checkpoint's architecture and weights, ready to {@link Network#resume}. */
    public Network network(LinearAlgebra backend) {
        return Network.create(backend, architecture, parameters);
    }

    /** Restores everything but the weights (which the network already has) into a loop about to run. */
    void restoreInto(TrainingLoop loop) {
        Objects.requireNonNull(loop, "loop");
        if (!loop.network().architecture().equals(architecture)) {
            throw new IllegalArgumentException("the checkpoint is of a " + architecture + " network, not of "
                    + loop.network().architecture());
        }
        loop.updater().restore(optimizerState, optimizerSteps);
        loop.rate().restore(schedule);
        loop.restore(epochsDone, history, stopping, best, stoppedEarly);
    }

    // ------------------------------------------------------------------ options as JSON

    private static Map<String, Object> optionsMap(TrainingOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learning_rate", text(o.learningRate()));
        m.put("batch_size", o.batchSize());
        m.put("epochs", o.epochs());
        m.put("seed", o.seed());
        Map<String, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("id", o.optimizer().id());
        optimizer.put("weight_decay", text(o.optimizer().weightDecay()));
        if (o.optimizer() instanceof Optimizer.Sgd s) {
            optimizer.put("momentum", text(s.momentum()));
            optimizer.put("nesterov", s.nesterov());
        } else if (o.optimizer() instanceof Optimizer.Adam a) {
            optimizer.put("beta1", text(a.beta1()));
            optimizer.put("beta2", text(a.beta2()));
            optimizer.put("epsilon", text(a.epsilon()));
        } else if (o.optimizer() instanceof Optimizer.RmsProp r) {
            optimizer.put("alpha", text(r.alpha()));
            optimizer.put("epsilon", text(r.epsilon()));
        }
        m.put("optimizer", optimizer);
        Map<String, Object> schedule = new LinkedHashMap<>();
        schedule.put("id", o.schedule().id());
        if (o.schedule() instanceof LearningRateSchedule.StepDecay s) {
            schedule.put("every_epochs", s.everyEpochs());
            schedule.put("factor", text(s.factor()));
        } else if (o.schedule() instanceof LearningRateSchedule.Exponential e) {
            schedule.put("factor", text(e.factor()));
        } else if (o.schedule() instanceof LearningRateSchedule.Cosine c) {
            schedule.put("minimum_rate", text(c.minimumRate()));
            schedule.put("warmup_epochs", text(c.warmupEpochs()));
        } else if (o.schedule() instanceof LearningRateSchedule.ReduceOnPlateau p) {
            schedule.put("factor", text(p.factor()));
            schedule.put("patience", p.patience());
            schedule.put("min_delta", text(p.minDelta()));
            schedule.put("minimum_rate", text(p.minimumRate()));
        }
        m.put("schedule", schedule);
        m.put("validation_fraction", text(o.validationFraction()));
        if (o.earlyStopping() != null) {
            Map<String, Object> stop = new LinkedHashMap<>();
            stop.put("patience", o.earlyStopping().patience());
            stop.put("min_delta", text(o.earlyStopping().minDelta()));
            stop.put("restore_best_weights", o.earlyStopping().restoreBestWeights());
            m.put("early_stopping", stop);
        }
        m.put("threads", o.threads()); // 1 or more than 1 changes the sums' order, so a resumed run keeps it
        return m;
    }

    private static TrainingOptions options(Map<String, Object> m, Path directory) {
        Map<?, ?> opt = (Map<?, ?>) m.get("optimizer");
        double decay = number(opt.get("weight_decay"));
        Optimizer optimizer = switch (String.valueOf(opt.get("id"))) {
            case "sgd" -> new Optimizer.Sgd(number(opt.get("momentum")), Boolean.TRUE.equals(opt.get("nesterov")), decay);
            case "adam", "adamw" -> new Optimizer.Adam(number(opt.get("beta1")), number(opt.get("beta2")),
                    number(opt.get("epsilon")), decay, "adamw".equals(opt.get("id")));
            case "rmsprop" -> new Optimizer.RmsProp(number(opt.get("alpha")), number(opt.get("epsilon")), decay);
            default -> throw new IllegalArgumentException("unknown optimizer " + opt.get("id"));
        };
        Map<?, ?> sch = (Map<?, ?>) m.get("schedule");
        LearningRateSchedule schedule = switch (String.valueOf(sch.get("id"))) {
            case "constant" -> LearningRateSchedule.constant();
            case "step" -> new LearningRateSchedule.StepDecay(integer(sch.get("every_epochs")), number(sch.get("factor")));
            case "exponential" -> new LearningRateSchedule.Exponential(number(sch.get("factor")));
            case "cosine" -> new LearningRateSchedule.Cosine(number(sch.get("minimum_rate")), number(sch.get("warmup_epochs")));
            case "plateau" -> new LearningRateSchedule.ReduceOnPlateau(number(sch.get("factor")), integer(sch.get("patience")),
                    number(sch.get("min_delta")), number(sch.get("minimum_rate")));
            default -> throw new IllegalArgumentException("unknown schedule " + sch.get("id"));
        };
        EarlyStopping stopping = null;
        if (m.get("early_stopping") instanceof Map<?, ?> stop) {
            stopping = new EarlyStopping(integer(stop.get("patience")), number(stop.get("min_delta")),
                    Boolean.TRUE.equals(stop.get("restore_best_weights")));
        }
        return new TrainingOptions(number(m.get("learning_rate")), integer(m.get("batch_size")), integer(m.get("epochs")),
                longInteger(m.get("seed")), optimizer, schedule, number(m.get("validation_fraction")), stopping, directory,
                m.containsKey("threads") ? integer(m.get("threads")) : 1);
    }

    // ------------------------------------------------------------------ values as JSON
    // Doubles travel as Java's own shortest decimal text (Double.toString), which reads back bit for
    // bit and also carries NaN and Infinity, which JSON numbers cannot.

    private static String text(double value) {
        return Double.toString(value);
    }

    private static double number(Object value) {
        if (value instanceof String s) {
            return Double.parseDouble(s);
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("expected a number, found " + value);
    }

    private static int integer(Object value) {
        return Math.toIntExact(longInteger(value));
    }

    private static long longInteger(Object value) {
        if (value instanceof Number n && n.doubleValue() == n.longValue()) {
            return n.longValue();
        }
        throw new IllegalArgumentException("expected a whole number, found " + value);
    }

    private static <V> V required(Map<String, V> map, String key) {
        V value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return value;
    }

    private static String json(Object value) {
        try {
            return JSON.std.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
