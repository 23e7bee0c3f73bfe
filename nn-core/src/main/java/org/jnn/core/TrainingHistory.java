package org.jnn.core;

import java.util.List;

/**
 * What a training run did, epoch by epoch, and how it ended.
 *
 * @param epochs one result per epoch trained (fewer than asked when training stopped early)
 * @param bestEpoch the epoch (from 1) with the lowest validation loss, or the last epoch without a
 *     validation set
 * @param stoppedEarly true when early stopping ended the run before its last epoch
 * @param restoredBest true when the network ends with the weights of {@code bestEpoch} rather than its last
 */
public record TrainingHistory(List<EpochResult> epochs, int bestEpoch, boolean stoppedEarly, boolean restoredBest) {

    public TrainingHistory {
        epochs = List.copyOf(epochs);
    }

    /** The last epoch trained. */
    public EpochResult last() {
        return epochs.get(epochs.size() - 1);
    }

    /** Training time of all epochs, in seconds. */
    public double seconds() {
        return epochs.stream().mapToDouble(EpochResult::seconds).sum();
    }

    /** Samples trained on, over all epochs. */
    public long samples() {
        return epochs.stream().mapToLong(EpochResult::samples).sum();
    }
}
