package org.jnn.core;

/**
 * What one epoch of training did.
 *
 * @param epoch the epoch number, counting from 1
 * @param meanLoss mean cross-entropy over the epoch's training samples (each batch's loss taken
 *     before its update)
 * @param samples number of training samples seen
 * @param seconds wall-clock time of the epoch's training steps
 */
public record EpochResult(int epoch, double meanLoss, int samples, double seconds) {

    /** Training throughput of the epoch. */
    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : Double.POSITIVE_INFINITY;
    }
}
