package org.jnn.core.optim;

import java.util.Objects;

/**
 * A {@link LearningRateSchedule} in motion during one training run: the rate of every step, and the
 * plateau schedule's memory of the validation losses it has seen. Its {@linkplain #state() state} is
 * what a checkpoint stores to resume the run exactly.
 */
public final class ScheduledRate {

    /**
     * What a reduce-on-plateau schedule remembers between epochs; constant for the other schedules.
     *
     * @param multiplier the product of the reductions so far (1 at the start)
     * @param bestLoss the lowest validation loss seen (+∞ before any)
     * @param epochsWithoutGain epochs since the last gain of more than minDelta
     */
    public record State(double multiplier, double bestLoss, int epochsWithoutGain) {
        public static final State INITIAL = new State(1, Double.POSITIVE_INFINITY, 0);
    }

    private final LearningRateSchedule schedule;
    private final double baseRate;
    private final long totalSteps;
    private final int stepsPerEpoch;
    private final long warmupSteps;
    private State state = State.INITIAL;

    ScheduledRate(LearningRateSchedule schedule, double baseRate, int epochs, int stepsPerEpoch) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        Check.positive("learning rate", baseRate);
        Check.atLeast("epochs", epochs, 1);
        Check.atLeast("steps per epoch", stepsPerEpoch, 1);
        this.baseRate = baseRate;
        this.stepsPerEpoch = stepsPerEpoch;
        this.totalSteps = (long) epochs * stepsPerEpoch;
        if (schedule instanceof LearningRateSchedule.Cosine c) {
            if (c.minimumRate() >= baseRate) {
                throw new IllegalArgumentException("cosine minimum learning rate must be below the learning rate "
                        + baseRate + ", got " + c.minimumRate());
            }
            long warmup = Math.round(c.warmupEpochs() * stepsPerEpoch);
            if (warmup >= totalSteps) {
                throw new IllegalArgumentException("warm-up of " + c.warmupEpochs() + " epochs leaves no epoch to"
                        + " train after it; use fewer warm-up epochs than the " + epochs + " epochs of training");
            }
            this.warmupSteps = warmup;
        } else {
            this.warmupSteps = 0;
        }
    }

    /** The learning rate of step {@code step} (from 0) of epoch {@code epoch} (from 0). */
    public double rate(int epoch, int step) {
        long global = (long) epoch * stepsPerEpoch + step;
        if (schedule instanceof LearningRateSchedule.StepDecay s) {
            return baseRate * Math.pow(s.factor(), epoch / s.everyEpochs());
        }
        if (schedule instanceof LearningRateSchedule.Exponential e) {
            return baseRate * Math.pow(e.factor(), epoch);
        }
        if (schedule instanceof LearningRateSchedule.Cosine c) {
            if (global < warmupSteps) {
                return baseRate * (global + 1) / warmupSteps;
            }
            double progress = (double) (global - warmupSteps) / (totalSteps - warmupSteps);
            return c.minimumRate() + (baseRate - c.minimumRate()) * (1 + Math.cos(Math.PI * progress)) / 2;
        }
        if (schedule instanceof LearningRateSchedule.ReduceOnPlateau p) {
            return Math.max(p.minimumRate(), baseRate * state.multiplier());
        }
        return baseRate;
    }

    /**
     * Tells the schedule an epoch's validation loss; returns true when the rate was reduced because of
     * it. Schedules that do not follow the validation loss ignore it.
     */
    public boolean epochFinished(double validationLoss) {
        if (!(schedule instanceof LearningRateSchedule.ReduceOnPlateau p)) {
            return false;
        }
        if (validationLoss < state.bestLoss() - p.minDelta()) {
            state = new State(state.multiplier(), validationLoss, 0);
            return false;
        }
        int without = state.epochsWithoutGain() + 1;
        if (without >= p.patience() && baseRate * state.multiplier() > p.minimumRate()) {
            state = new State(state.multiplier() * p.factor(), state.bestLoss(), 0);
            return true;
        }
        state = new State(state.multiplier(), state.bestLoss(), without);
        return false;
    }

    /** What a checkpoint stores. */
    public State state() {
        return state;
    }

    /** Continues from a checkpoint's {@link #state()}. */
    public void restore(State saved) {
        this.state = Objects.requireNonNull(saved, "saved");
    }
}
