package org.jnn.core;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * A training set with part of it held out for validation: the samples the network is judged on while
 * it trains (early stopping, reduce-on-plateau), so the test set can stay untouched until the end.
 *
 * @param train the samples trained on
 * @param validation the held-out samples
 */
public record ValidationSplit(Dataset train, Dataset validation) {

    public ValidationSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
    }

    /**
     * Holds out {@code fraction} of {@code data}, chosen by a shuffle seeded with {@code seed}: the same
     * seed always holds out the same samples. Both parts keep their samples in the original order and
     * share the original's storage.
     *
     * @param fraction the share held out, in (0, 1); the count is rounded, and each part keeps at least one sample
     * @throws IllegalArgumentException if the fraction is outside (0, 1) or the data have fewer than two samples
     */
    public static ValidationSplit of(Dataset data, double fraction, long seed) {
        Objects.requireNonNull(data, "data");
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be between 0 and 1 (exclusive), got " + fraction);
        }
        int n = data.size();
        if (n < 2) {
            throw new IllegalArgumentException("holding out a validation set needs at least 2 samples, the data have " + n);
        }
        int count = (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
        int[] order = Shuffle.permutation(n, new Random(seed));
        int[] held = Arrays.copyOfRange(order, 0, count);
        int[] kept = Arrays.copyOfRange(order, count, n);
        // Sorted, so that both parts read the shared storage front to back.
        Arrays.sort(held);
        Arrays.sort(kept);
        return new ValidationSplit(new SubsetDataset(data, kept), new SubsetDataset(data, held));
    }
}
