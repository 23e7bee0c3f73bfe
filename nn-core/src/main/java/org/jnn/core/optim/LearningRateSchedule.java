package org.jnn.core.optim;

/**
 * How the learning rate changes during training, relative to the base rate η₀ of the training
 * options. Epochs count from 0 here; steps are the batches of an epoch.
 *
 * <pre>{@code
 * LearningRateSchedule.constant()                 // η₀ throughout (the default)
 * LearningRateSchedule.stepDecay(10, 0.1)         // η₀ · 0.1^⌊epoch / 10⌋
 * LearningRateSchedule.exponential(0.95)          // η₀ · 0.95^epoch
 * LearningRateSchedule.cosine()                   // η₀ → 0 along half a cosine, step by step
 * LearningRateSchedule.cosine(0, 1)               // the same after one epoch of linear warm-up
 * LearningRateSchedule.reduceOnPlateau(0.1, 10, 1e-4) // ×0.1 after 10 epochs without validation-loss gain
 * }</pre>
 */
public sealed interface LearningRateSchedule permits LearningRateSchedule.Constant, LearningRateSchedule.StepDecay,
        LearningRateSchedule.Exponential, LearningRateSchedule.Cosine, LearningRateSchedule.ReduceOnPlateau {

    /** Short name, as on the command line: {@code constant}, {@code step}, {@code exponential}, {@code cosine}, {@code plateau}. */
    String id();

    /** True when the schedule follows the validation loss, so training needs a validation set. */
    default boolean needsValidation() {
        return false;
    }

    /** A schedule in motion for one training run; see {@link ScheduledRate}. */
    default ScheduledRate start(double baseRate, int epochs, int stepsPerEpoch) {
        return new ScheduledRate(this, baseRate, epochs, stepsPerEpoch);
    }

    static Constant constant() {
        return new Constant();
    }

    static StepDecay stepDecay(int everyEpochs, double factor) {
        return new StepDecay(everyEpochs, factor);
    }

    static Exponential exponential(double factor) {
        return new Exponential(factor);
    }

    static Cosine cosine() {
        return new Cosine(0, 0);
    }

    static Cosine cosine(double minimumRate, double warmupEpochs) {
        return new Cosine(minimumRate, warmupEpochs);
    }

    static ReduceOnPlateau reduceOnPlateau(double factor, int patience, double minDelta) {
        return new ReduceOnPlateau(factor, patience, minDelta, 0);
    }

    /** The base rate throughout. */
    record Constant() implements LearningRateSchedule {
        @Override
        public String id() {
            return "constant";
        }
    }

    /**
     * {@code η₀ · factor^⌊epoch / everyEpochs⌋}, PyTorch's {@code StepLR}.
     *
     * @param everyEpochs epochs between reductions, at least 1
     * @param factor multiplier per reduction, in (0, 1]
     */
    record StepDecay(int everyEpochs, double factor) implements LearningRateSchedule {
        public StepDecay {
            Check.atLeast("step-decay period (epochs)", everyEpochs, 1);
            Check.fraction("step-decay factor", factor, true);
        }

        @Override
        public String id() {
            return "step";
        }
    }

    /**
     * {@code η₀ · factor^epoch}, PyTorch's {@code ExponentialLR}.
     *
     * @param factor multiplier per epoch, in (0, 1]
     */
    record Exponential(double factor) implements LearningRateSchedule {
        public Exponential {
            Check.fraction("exponential decay factor", factor, true);
        }

        @Override
        public String id() {
            return "exponential";
        }
    }

    /**
     * Cosine annealing from η₀ to {@code minimumRate} over the whole run, updated every step, after an
     * optional linear warm-up: during the first {@code W} steps (W = warmupEpochs × steps per epoch,
     * rounded) the rate is {@code η₀ · (s+1) / W}; after it, with {@code p} the share of the remaining
     * steps done, {@code min + (η₀ - min) · (1 + cos πp) / 2}.
     *
     * @param minimumRate the rate reached at the end, at least 0 and below η₀
     * @param warmupEpochs length of the linear warm-up in epochs (fractions allowed), at least 0
     */
    record Cosine(double minimumRate, double warmupEpochs) implements LearningRateSchedule {
        public Cosine {
            Check.nonNegative("cosine minimum learning rate", minimumRate);
            Check.nonNegative("warm-up epochs", warmupEpochs);
        }

        @Override
        public String id() {
            return "cosine";
        }
    }

    /**
     * Multiplies the rate by {@code factor} whenever the validation loss has not fallen by more than
     * {@code minDelta} below its best for {@code patience} epochs in a row (then waits another
     * {@code patience} epochs), never going below {@code minimumRate}; Keras' {@code ReduceLROnPlateau}
     * with an absolute threshold, without cool-down.
     */
    record ReduceOnPlateau(double factor, int patience, double minDelta, double minimumRate)
            implements LearningRateSchedule {
        public ReduceOnPlateau {
            Check.fraction("plateau factor", factor, false);
            Check.atLeast("plateau patience (epochs)", patience, 1);
            Check.nonNegative("plateau minimum improvement", minDelta);
            Check.nonNegative("plateau minimum learning rate", minimumRate);
        }

        @Override
        public String id() {
            return "plateau";
        }

        @Override
        public boolean needsValidation() {
            return true;
        }
    }
}
