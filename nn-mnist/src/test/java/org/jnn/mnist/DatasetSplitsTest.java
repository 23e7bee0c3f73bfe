package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetSplitsTest {

    /** 100 one-pixel images whose pixel value is the sample number, so samples can be recognised. */
    private static DatasetSplits splits() {
        byte[] pixels = new byte[100];
        byte[] labels = new byte[100];
        for (int i = 0; i < 100; i++) {
            pixels[i] = (byte) i;
            labels[i] = (byte) (i % 10);
        }
        LabelledImages train = new LabelledImages(pixels, labels, 1, 1, 10);
        LabelledImages test = new LabelledImages(new byte[] {1, 2}, new byte[] {3, 4}, 1, 1, 10);
        return new DatasetSplits(train, test);
    }

    private static Set<Integer> ids(LabelledImages data) {
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < data.size(); i++) {
            int id = data.pixel(i, 0, 0);
            assertEquals(id % 10, data.label(i), "label travels with its image");
            ids.add(id);
        }
        return ids;
    }

    @Test
    void validationIsTakenOutOfTraining() {
        DatasetSplits plain = splits();
        assertTrue(plain.validation().isEmpty());

        DatasetSplits split = plain.withValidation(20, 42);
        LabelledImages validation = split.validation().orElseThrow();
        assertEquals(20, validation.size());
        assertEquals(80, split.train().size());
        assertEquals(plain.test(), split.test());

        Set<Integer> trainIds = ids(split.train());
        Set<Integer> validationIds = ids(validation);
        assertEquals(80, trainIds.size());
        assertEquals(20, validationIds.size());
        Set<Integer> all = new HashSet<>(trainIds);
        all.addAll(validationIds);
        assertEquals(100, all.size(), "disjoint, and together all of the training data");
    }

    @Test
    void theSeedDecides() {
        Set<Integer> first = ids(splits().withValidation(20, 42).validation().orElseThrow());
        Set<Integer> again = ids(splits().withValidation(20, 42).validation().orElseThrow());
        Set<Integer> other = ids(splits().withValidation(20, 7).validation().orElseThrow());
        assertEquals(first, again);
        assertNotEquals(first, other);
    }

    @Test
    void badCounts() {
        assertThrows(IllegalArgumentException.class, () -> splits().withValidation(0, 1));
        assertThrows(IllegalArgumentException.class, () -> splits().withValidation(100, 1));
        assertThrows(IllegalStateException.class, () -> splits().withValidation(10, 1).withValidation(10, 1));
    }
}
