package org.jnn.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import org.jnn.core.optim.ScheduledRate;

/**
 * One training run of a {@link Network}: the epochs, the sample order, the learning-rate schedule,
 * the optimizer, validation, early stopping and checkpoints. Started afresh by
 * {@link Network#train}, or from a {@link Checkpoint} to continue an interrupted run exactly.
 *
 * <p>Everything random is a function of the options' seed: the sample order of epoch {@code e} is the
 * {@code e}-th shuffle of one generator seeded with it (so a resumed run replays the earlier shuffles
 * to reach the same state), and the dropout masks of a step are drawn from a generator seeded with
 * the seed, the epoch and the batch, so they need no state at all.
 */
final class TrainingLoop {

    /**
     * A batch whose mean loss per sample exceeds this many nats has diverged: cross-entropy starts at
     * about ln(classes) (2.3 for ten), and a network that learns never comes near a thousand, while one
     * whose learning rate is far too large gets there within a few steps (2.2e83 at rate 1000).
     */
    static final double EXPLODED_LOSS = 1000;

    private final Network network;
    private final Dataset train;
    private final Dataset validation;
    private final TrainingOptions options;
    private final TrainingListener listener;
    private final ParameterUpdater updater;
    private final ScheduledRate rate;
    private final int batchSize;
    private final int batches;

    private final List<EpochResult> history = new ArrayList<>();
    private int epochsDone;
    private EarlyStoppingState stopping = EarlyStoppingState.INITIAL;
    private Parameters best;
    /** True once early stopping ended the run; a checkpoint keeps it, so a resumed run does not go on. */
    private boolean stoppedEarly;

    /**
     * What early stopping remembers between epochs.
     *
     * @param bestLoss the lowest validation loss so far
     * @param bestEpoch the epoch it was reached in (0 before any)
     * @param epochsWithoutGain epochs since then without an improvement of more than minDelta
     */
    record EarlyStoppingState(double bestLoss, int bestEpoch, int epochsWithoutGain) {
        static final EarlyStoppingState INITIAL = new EarlyStoppingState(Double.POSITIVE_INFINITY, 0, 0);
    }

    TrainingLoop(Network network, Dataset data, Dataset validation, TrainingOptions options, TrainingListener listener,
            Checkpoint resumeFrom) {
        this.network = network;
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        network.checkFits(data);
        if (validation != null && options.validationFraction() > 0) {
            throw new IllegalArgumentException("a validation set was given and the options also ask to hold out "
                    + options.validationFraction() + " of the training data; use one or the other");
        }
        if (options.validationFraction() > 0) {
            ValidationSplit split = ValidationSplit.of(data, options.validationFraction(), Seeds.validation(options.seed()));
            this.train = split.train();
            this.validation = split.validation();
        } else {
            this.train = data;
            this.validation = validation;
        }
        if (this.validation != null) {
            network.checkFits(this.validation);
        } else if (options.earlyStopping() != null) {
            throw new IllegalArgumentException("early stopping watches the validation loss, so it needs a validation set:"
                    + " hold one out (validation fraction, e.g. 0.1) or give one");
        } else if (options.schedule().needsValidation()) {
            throw new IllegalArgumentException("the " + options.schedule().id() + " schedule follows the validation loss,"
                    + " so it needs a validation set: hold one out (validation fraction, e.g. 0.1) or give one");
        }
        int n = train.size();
        this.batchSize = Math.min(options.batchSize(), n);
        this.batches = (n + batchSize - 1) / batchSize;
        this.rate = options.schedule().start(options.learningRate(), options.epochs(), batches);
        this.updater = new ParameterUpdater(network.backend(), network.layers(), options.optimizer());
        if (resumeFrom != null) {
            resumeFrom.restoreInto(this);
        }
    }

    TrainingHistory run() {
        return options.threads() == 1 ? run(null) : runSharded(options.threads());
    }

    /**
     * The run with batches cut into shards over {@code workers} threads whatever the options' count:
     * {@link #run} from 2 threads on, and tests with 1, which computes the same shards in turn.
     */
    TrainingHistory runSharded(int workers) {
        if (DataParallelStep.shardCount(batchSize) == 1) {
            return run(null);
        }
        try (DataParallelStep parallel = new DataParallelStep(network, workers)) {
            return run(parallel);
        }
    }

    /** The run, with batches cut into shards when {@code parallel} is given and the batch is large enough. */
    private TrainingHistory run(DataParallelStep parallel) {
        int n = train.size();
        int[] order = new int[n];
        Random shuffle = new Random(options.seed());
        for (int e = 0; e < epochsDone; e++) {
            Shuffle.permute(order, shuffle); // the epochs a checkpoint already holds: same generator state
        }
        boolean dropout = network.architecture().hasDropout();
        while (epochsDone < options.epochs() && !stoppedEarly) {
            int epoch = epochsDone + 1;
            Shuffle.permute(order, shuffle);
            listener.epochStarted(epoch, batches, n);
            long start = System.nanoTime();
            double lossSum = 0;
            double stepRate = options.learningRate();
            for (int batch = 0; batch < batches; batch++) {
                int first = batch * batchSize;
                int rows = Math.min(batchSize, n - first);
                stepRate = rate.rate(epoch - 1, batch);
                SplittableRandom masks = dropout ? Seeds.dropout(options.seed(), epoch, batch) : null;
                double loss;
                if (parallel != null && DataParallelStep.shardCount(rows) > 1) {
                    loss = parallel.step(train, order, first, rows, updater, stepRate, masks);
                } else {
                    Workspace ws = network.workspace(rows);
                    network.load(ws, train, order, first);
                    loss = network.trainStep(ws, updater, stepRate, masks);
                }
                if (!(loss / rows <= EXPLODED_LOSS)) { // NaN too
                    throw new TrainingDivergedException(epoch, batch + 1, loss / rows, stepRate);
                }
                lossSum += loss;
                listener.batchFinished(epoch, batch + 1, rows, loss / rows);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double validationLoss = Double.NaN;
            double validationAccuracy = Double.NaN;
            if (validation != null) {
                Evaluation measured = network.evaluate(validation);
                validationLoss = measured.loss();
                validationAccuracy = measured.accuracy();
                rate.epochFinished(validationLoss);
                stoppedEarly = watch(epoch, validationLoss) && epoch < options.epochs();
            }
            EpochResult result = new EpochResult(epoch, lossSum / n, n, seconds, stepRate, validationLoss, validationAccuracy);
            history.add(result);
            epochsDone = epoch;
            // The checkpoint first: whatever the listener does, the epoch is kept.
            if (options.checkpointDirectory() != null) {
                Checkpoint.of(this).write(options.checkpointDirectory());
            }
            listener.epochFinished(result);
        }
        boolean restored = false;
        if (options.earlyStopping() != null && options.earlyStopping().restoreBestWeights() && best != null
                && stopping.bestEpoch() != epochsDone) {
            network.setParameters(best);
            restored = true;
        }
        int bestEpoch = validation != null && stopping.bestEpoch() > 0 ? stopping.bestEpoch() : epochsDone;
        return new TrainingHistory(history, bestEpoch, stoppedEarly, restored);
    }

    /** Records the epoch's validation loss; returns true when early stopping says to stop. */
    private boolean watch(int epoch, double validationLoss) {
        EarlyStopping rule = options.earlyStopping();
        double minDelta = rule == null ? 0 : rule.minDelta();
        if (validationLoss < stopping.bestLoss() - minDelta) {
            stopping = new EarlyStoppingState(validationLoss, epoch, 0);
            if (rule != null && rule.restoreBestWeights()) {
                best = network.parameters();
            }
            return false;
        }
        stopping = new EarlyStoppingState(stopping.bestLoss(), stopping.bestEpoch(), stopping.epochsWithoutGain() + 1);
        return rule != null && stopping.epochsWithoutGain() >= rule.patience();
    }

    // ------------------------------------------------------------------ for checkpoints

    Network network() {
        return network;
    }

    TrainingOptions options() {
        return options;
    }

    ParameterUpdater updater() {
        return updater;
    }

    ScheduledRate rate() {
        return rate;
    }

    List<EpochResult> history() {
        return history;
    }

    int epochsDone() {
        return epochsDone;
    }

    EarlyStoppingState stopping() {
        return stopping;
    }

    Parameters best() {
        return best;
    }

    boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** Continues from a checkpoint: called by {@link Checkpoint#restoreInto} before {@link #run}. */
    void restore(int epochs, List<EpochResult> results, EarlyStoppingState state, Parameters bestParameters,
            boolean stopped) {
        this.stoppedEarly = stopped;
        this.epochsDone = epochs;
        this.history.clear();
        this.history.addAll(results);
        this.stopping = state;
        this.best = bestParameters;
    }
}
