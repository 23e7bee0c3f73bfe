package org.jnn.core;

/**
 * Stop training when the validation loss has not improved for a while: Keras' {@code EarlyStopping}
 * watching {@code val_loss}.
 *
 * @param patience epochs without an improvement of more than {@code minDelta} after which training
 *     stops, at least 1
 * @param minDelta the least fall of the validation loss below its best that counts as an improvement, at least 0
 * @param restoreBestWeights whether the network ends with the weights of its best epoch (otherwise
 *     with those of its last)
 */
public record EarlyStopping(int patience, double minDelta, boolean restoreBestWeights) {

    public EarlyStopping {
        if (patience < 1) {
            throw new IllegalArgumentException("early-stopping patience must be at least 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("early-stopping minimum improvement must be a finite number of at least 0, got "
                    + minDelta);
        }
    }

    /** Stop after {@code patience} epochs without improvement, ending with the best epoch's weights. */
    public static EarlyStopping after(int patience) {
        return new EarlyStopping(patience, 0, true);
    }

    /** The same with another minimum improvement. */
    public EarlyStopping withMinDelta(double value) {
        return new EarlyStopping(patience, value, restoreBestWeights);
    }

    /** The same, keeping the last epoch's weights instead of the best. */
    public EarlyStopping keepingLastWeights() {
        return new EarlyStopping(patience, minDelta, false);
    }
}
