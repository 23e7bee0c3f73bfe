package org.jnn.core;

import java.util.SplittableRandom;

/**
 * The generators derived from a run's one seed, so that each random choice (the validation split,
 * each step's dropout masks) gets its own stream and none depends on how many numbers another drew.
 */
final class Seeds {

    private Seeds() {
    }

    /** Seed of the validation split: unlike the first epoch's shuffle, which uses the seed itself. */
    static long validation(long seed) {
        return new SplittableRandom(seed).split().nextLong();
    }

    /** The generator of the dropout masks of one step: a function of seed, epoch and batch alone. */
    static SplittableRandom dropout(long seed, int epoch, int batch) {
        return new SplittableRandom(seed ^ (epoch * 0x9E3779B97F4A7C15L) ^ (batch * 0xC2B2AE3D27D4EB4FL));
    }
}
