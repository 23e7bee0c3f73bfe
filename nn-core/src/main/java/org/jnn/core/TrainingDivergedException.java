package org.jnn.core;

/**
 * Training stopped because the loss became NaN or infinite. The message names the epoch and the
 * batch; a smaller learning rate usually helps.
 */
public class TrainingDivergedException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;

    public TrainingDivergedException(int epoch, int batch, double loss, double learningRate) {
        super("training diverged: the loss became " + loss + " in epoch " + epoch + ", batch " + batch
                + " (learning rate " + learningRate + "); try a smaller learning rate");
        this.epoch = epoch;
        this.batch = batch;
    }

    /** The epoch, from 1. */
    public int epoch() {
        return epoch;
    }

    /** The batch within the epoch, from 1. */
    public int batch() {
        return batch;
    }
}
