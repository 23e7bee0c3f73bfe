package org.jnn.core;

/**
 * Follows training as it happens, for progress bars and per-epoch reports. All methods do nothing
 * by default; they run on the training thread, so keep them quick.
 */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() { };

    /** Epoch {@code epoch} (from 1) starts and will run {@code batches} steps over {@code samples} samples. */
    default void epochStarted(int epoch, int batches, int samples) {
    }

    /** A training step finished; {@code batchSamples} samples had mean loss {@code meanLoss}. */
    default void batchFinished(int epoch, int batch, int batchSamples, double meanLoss) {
    }

    /** The epoch finished. */
    default void epochFinished(EpochResult result) {
    }
}
