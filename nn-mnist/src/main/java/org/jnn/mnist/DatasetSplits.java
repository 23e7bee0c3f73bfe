package org.jnn.mnist;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import org.jnn.core.Shuffle;

/**
 * The splits of one data set: training and test data, and optionally a validation set taken out of
 * the training data by {@link #withValidation}.
 */
public final class DatasetSplits {

    private final LabelledImages train;
    private final LabelledImages test;
    private final LabelledImages validation;

    /** Splits without a validation set. */
    public DatasetSplits(LabelledImages train, LabelledImages test) {
        this(train, test, null);
    }

    private DatasetSplits(LabelledImages train, LabelledImages test, LabelledImages validation) {
        this.train = Objects.requireNonNull(train, "train");
        this.test = Objects.requireNonNull(test, "test");
        this.validation = validation;
    }

    /** The training data (without the validation samples, if any were split off). */
    public LabelledImages train() {
        return train;
    }

    /** The test data. */
    public LabelledImages test() {
        return test;
    }

    /** The validation data, if {@link #withValidation} made one. */
    public Optional<LabelledImages> validation() {
        return Optional.ofNullable(validation);
    }

    /**
     * New splits in which {@code count} training samples, chosen by a shuffle seeded with {@code seed},
     * form the validation set and are removed from the training data. The same seed always picks the
     * same samples. No pixels are copied; both parts keep their samples in the original order.
     *
     * @throws IllegalArgumentException unless {@code 0 < count < train().size()}
     * @throws IllegalStateException if these splits already have a validation set
     */
    public DatasetSplits withValidation(int count, long seed) {
        if (validation != null) {
            throw new IllegalStateException("these splits already have a validation set of "
                    + validation.size() + " samples");
        }
        int n = train.size();
        if (count <= 0 || count >= n) {
            throw new IllegalArgumentException("validation count must be between 1 and " + (n - 1)
                    + " (the training set has " + n + " samples), got " + count);
        }
        int[] order = Shuffle.permutation(n, new Random(seed));
        int[] validationIndices = Arrays.copyOfRange(order, 0, count);
        int[] trainIndices = Arrays.copyOfRange(order, count, n);
        // Sorted, so that both parts read the shared pixel array front to back.
        Arrays.sort(validationIndices);
        Arrays.sort(trainIndices);
        return new DatasetSplits(train.subset(trainIndices), test, train.subset(validationIndices));
    }

    @Override
    public String toString() {
        return "DatasetSplits[train " + train.size() + ", test " + test.size()
                + (validation == null ? "" : ", validation " + validation.size()) + "]";
    }
}
