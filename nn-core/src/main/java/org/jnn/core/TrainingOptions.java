package org.jnn.core;

/**
 * How to train: plain stochastic gradient descent in mini-batches.
 *
 * <p>The loss and its gradient are averaged over each batch, so a batch size of 1 is exactly
 * per-sample SGD. The training data are reshuffled at the start of every epoch with a generator
 * seeded by {@code shuffleSeed}, so the same options give the same order of samples on every backend.
 *
 * @param learningRate step size, finite and greater than 0
 * @param batchSize samples per step, at least 1; the last batch of an epoch may be smaller
 * @param epochs passes over the training data, at least 1
 * @param shuffleSeed seed of the per-epoch shuffle
 */
public record TrainingOptions(double learningRate, int batchSize, int epochs, long shuffleSeed) {

    /**
     * The reference experiment's settings: learning rate 0.01, batch size 1, 3 epochs, seed 42 (with a
     * 784-200-200-10 network they reach about 97.5% on MNIST).
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
    }
}
