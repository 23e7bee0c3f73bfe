package org.jnn.core;

import java.nio.file.Path;
import java.util.Objects;
import org.jnn.core.optim.LearningRateSchedule;
import org.jnn.core.optim.Optimizer;

/**
 * How to train: the optimizer and its learning rate (with an optional schedule), the batch size and
 * number of epochs, the seed of the sample order, and what to do with a validation set.
 *
 * <p>The loss and its gradient are averaged over each batch, so a batch size of 1 is per-sample
 * training. The training data are reshuffled at the start of every epoch with a generator seeded by
 * {@code seed} (which also picks the validation samples and the dropout masks), so the same options
 * give the same run on every backend.
 *
 * <pre>{@code
 * TrainingOptions options = TrainingOptions.builder()
 *         .optimizer(Optimizer.adam()).learningRate(1e-3)
 *         .schedule(LearningRateSchedule.cosine())
 *         .batchSize(64).epochs(30)
 *         .validation(0.1).earlyStopping(EarlyStopping.after(5))
 *         .build();
 * }</pre>
 *
 * @param learningRate base step size η₀, finite and greater than 0
 * @param batchSize samples per step, at least 1; the last batch of an epoch may be smaller
 * @param epochs passes over the training data, at least 1 (early stopping may end sooner)
 * @param seed seed of the per-epoch shuffle, the validation split and the dropout masks
 * @param optimizer how a gradient changes the parameters
 * @param schedule how the learning rate changes over the run
 * @param validationFraction share of the training data held out for validation, in [0, 1); 0 for
 *     none (unless a validation set is given to {@link Network#train(Dataset, Dataset, TrainingOptions, TrainingListener)})
 * @param earlyStopping when to stop before {@code epochs}, or null for never; needs a validation set
 * @param checkpointDirectory where each epoch's checkpoint is written, or null for none
 * @param threads worker threads per batch, 1 to {@value #MAX_THREADS}. With 1 (the default) every batch
 *     is one pass on the network's backend. With 2 or more, every batch of at least 64 rows is cut into
 *     shards of 21 to 32 consecutive rows, a layout that depends on the batch size alone; each shard's
 *     gradient is computed on a worker thread with its own instance of the backend, and the gradients are
 *     added in shard order before one optimizer step. So 2, 3 or 16 threads give the same weights bit for
 *     bit; they differ from 1 thread's in the last bits (the sums over a batch are taken in another order),
 *     except at batch sizes below 64, which are never cut. Dropout drops the same units with any number
 *     of threads.
 */
public record TrainingOptions(double learningRate, int batchSize, int epochs, long seed, Optimizer optimizer,
        LearningRateSchedule schedule, double validationFraction, EarlyStopping earlyStopping,
        Path checkpointDirectory, int threads) {

    /**
     * The reference experiment: plain SGD, learning rate 0.01, batch size 1, 3 epochs, seed 42 (which,
     * for the 784-200-200-10 ReLU network, reaches about 97.5% test accuracy on MNIST).
     */
    public static final TrainingOptions REFERENCE_EXPERIMENT = new TrainingOptions(0.01, 1, 3, 42);

    public TrainingOptions {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number greater than 0, got " + learningRate);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("number of epochs must be at least 1, got " + epochs);
        }
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be at least 0 and below 1, got " + validationFraction);
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + threads);
        }
    }

    /** The most worker threads a run may ask for. */
    public static final int MAX_THREADS = 256;

    /** These options on one thread (see {@link #threads}). */
    public TrainingOptions(double learningRate, int batchSize, int epochs, long seed, Optimizer optimizer,
            LearningRateSchedule schedule, double validationFraction, EarlyStopping earlyStopping,
            Path checkpointDirectory) {
        this(learningRate, batchSize, epochs, seed, optimizer, schedule, validationFraction, earlyStopping,
                checkpointDirectory, 1);
    }

    /** Plain SGD at a constant rate, no validation: the options of the reference experiment's kind. */
    public TrainingOptions(double learningRate, int batchSize, int epochs, long seed) {
        this(learningRate, batchSize, epochs, seed, Optimizer.sgd(), LearningRateSchedule.constant(), 0, null, null);
    }

    /** A builder starting from the reference experiment's options. */
    public static Builder builder() {
        return new Builder(REFERENCE_EXPERIMENT);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link TrainingOptions}; every value is checked by {@link #build()}. */
    public static final class Builder {
        private double learningRate;
        private int batchSize;
        private int epochs;
        private long seed;
        private Optimizer optimizer;
        private LearningRateSchedule schedule;
        private double validationFraction;
        private EarlyStopping earlyStopping;
        private Path checkpointDirectory;
        private int threads;

        private Builder(TrainingOptions o) {
            learningRate = o.learningRate;
            batchSize = o.batchSize;
            epochs = o.epochs;
            seed = o.seed;
            optimizer = o.optimizer;
            schedule = o.schedule;
            validationFraction = o.validationFraction;
            earlyStopping = o.earlyStopping;
            checkpointDirectory = o.checkpointDirectory;
            threads = o.threads;
        }

        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder epochs(int value) {
            epochs = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder optimizer(Optimizer value) {
            optimizer = value;
            return this;
        }

        public Builder schedule(LearningRateSchedule value) {
            schedule = value;
            return this;
        }

        /** Hold out this share of the training data for validation; 0 for none. */
        public Builder validation(double fraction) {
            validationFraction = fraction;
            return this;
        }

        /** Stop early as {@code value} says; null for never. */
        public Builder earlyStopping(EarlyStopping value) {
            earlyStopping = value;
            return this;
        }

        /** Write a checkpoint into {@code directory} after every epoch; null for none. */
        public Builder checkpoints(Path directory) {
            checkpointDirectory = directory;
            return this;
        }

        /**
         * Compute each batch on this many worker threads, each with its own instance of the backend; 1
         * (the default) for none. See {@link TrainingOptions#threads} for what changes.
         */
        public Builder threads(int value) {
            threads = value;
            return this;
        }

        public TrainingOptions build() {
            return new TrainingOptions(learningRate, batchSize, epochs, seed, optimizer, schedule, validationFraction,
                    earlyStopping, checkpointDirectory, threads);
        }
    }
}
