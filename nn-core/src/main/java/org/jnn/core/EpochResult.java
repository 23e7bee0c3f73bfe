package org.jnn.core;

/**
 * What one epoch of training did.
 *
 * @param epoch the epoch number, counting from 1
 * @param meanLoss mean cross-entropy over the epoch's training samples (each batch's loss taken
 *     before its update, with dropout as trained)
 * @param samples number of training samples seen
 * @param seconds wall-clock time of the epoch's training steps (validation excluded)
 * @param learningRate the learning rate of the epoch's last step
 * @param validationLoss mean loss on the validation set after the epoch, or NaN without one
 * @param validationAccuracy share of the validation set classified correctly after the epoch, or NaN without one
 */
public record EpochResult(int epoch, double meanLoss, int samples, double seconds, double learningRate,
        double validationLoss, double validationAccuracy) {

    /** Training throughput of the epoch. */
    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : Double.POSITIVE_INFINITY;
    }

    /** True when the epoch was measured on a validation set. */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }
}
