package org.jnn.core;

/**
 * Training stopped because the loss exploded: became NaN or infinite, or grew beyond any loss a
 * learning network has ({@value TrainingLoop#EXPLODED_LOSS} nats per sample). The message names the epoch and the
 * batch; a smaller learning rate usually helps.
 */
public class TrainingDivergedException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;

    public TrainingDivergedException(int epoch, int batch, double loss, double learningRate) {
        super("training diverged: the mean loss of a sample became " + readable(loss) + " in epoch " + epoch
                + ", batch " + batch + " (learning rate " + learningRate + "); try a smaller learning rate");
        this.epoch = epoch;
        this.batch = batch;
    }

    /** A loss as people read it: 2.20e+83 rather than 84 digits. */
    static String readable(double loss) {
        return Double.isFinite(loss) ? String.format(java.util.Locale.ROOT, "%.3g", loss) : Double.toString(loss);
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
