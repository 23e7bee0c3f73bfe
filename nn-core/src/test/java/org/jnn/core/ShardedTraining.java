package org.jnn.core;

/**
 * For tests, in the test-jar: training with every batch of 64 rows or more cut into shards over a chosen
 * number of workers, one included (which {@link TrainingOptions#threads} cannot ask for: one thread is the
 * unsharded step).
 */
public final class ShardedTraining {

    private ShardedTraining() {
    }

    /** Trains {@code network} as {@link Network#train(Dataset, TrainingOptions)} would with {@code workers} threads. */
    public static TrainingHistory train(Network network, Dataset data, TrainingOptions options, int workers) {
        return new TrainingLoop(network, data, null, options, TrainingListener.NONE, null).runSharded(workers);
    }
}
