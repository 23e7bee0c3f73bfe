package org.jnn.core;

import static org.jnn.core.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {

    /** 100 samples whose single feature is their index, so a view's rows say where they came from. */
    private static Dataset numbered(int n) {
        double[][] rows = new double[n][1];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i][0] = i;
            labels[i] = i % 3;
        }
        return Dataset.of(rows, labels, 3);
    }

    private static List<Integer> ids(Dataset d) {
        List<Integer> ids = new ArrayList<>();
        double[] row = new double[1];
        for (int i = 0; i < d.size(); i++) {
            d.copyFeatures(i, row, 0);
            ids.add((int) row[0]);
            assertEquals((int) row[0] % 3, d.label(i), "label travels with its sample");
        }
        return ids;
    }

    @Test
    void holdsOutTheRoundedShareAndKeepsEverySampleExactlyOnce() {
        ValidationSplit split = ValidationSplit.of(numbered(100), 0.1, 7);
        assertEquals(90, split.train().size());
        assertEquals(10, split.validation().size());
        Set<Integer> all = new HashSet<>(ids(split.train()));
        all.addAll(ids(split.validation()));
        assertEquals(100, all.size());
        List<Integer> train = ids(split.train());
        assertEquals(train.stream().sorted().toList(), train, "original order kept");
    }

    @Test
    void theSameSeedHoldsOutTheSameSamplesAndAnotherSeedOthers() {
        Dataset data = numbered(100);
        assertEquals(ids(ValidationSplit.of(data, 0.2, 1).validation()), ids(ValidationSplit.of(data, 0.2, 1).validation()));
        assertNotEquals(ids(ValidationSplit.of(data, 0.2, 1).validation()), ids(ValidationSplit.of(data, 0.2, 2).validation()));
    }

    @Test
    void eachPartKeepsAtLeastOneSample() {
        assertEquals(1, ValidationSplit.of(numbered(3), 0.01, 1).validation().size());
        assertEquals(1, ValidationSplit.of(numbered(3), 0.99, 1).train().size());
        assertTrue(ValidationSplit.of(numbered(2), 0.5, 1).train().size() == 1);
    }

    @Test
    void impossibleSplitsAreRejected() {
        assertRejected(() -> ValidationSplit.of(numbered(10), 0, 1), "validation fraction", "0.0");
        assertRejected(() -> ValidationSplit.of(numbered(10), 1, 1), "validation fraction", "1.0");
        assertRejected(() -> ValidationSplit.of(numbered(1), 0.5, 1), "at least 2 samples", "1");
    }
}
