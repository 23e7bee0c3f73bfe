package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatasetKindTest {

    @Test
    void idsRoundTrip() {
        for (DatasetKind kind : DatasetKind.values()) {
            assertEquals(kind, DatasetKind.fromId(kind.id()));
        }
        assertEquals(DatasetKind.FASHION_MNIST, DatasetKind.fromId(" Fashion "));
        assertEquals(DatasetKind.FASHION_MNIST, DatasetKind.fromId("fashion_mnist"));
    }

    @Test
    void unknownIdListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetKind.fromId("cifar"));
        assertEquals("unknown data set 'cifar'; valid ids are: mnist, fashion", e.getMessage());
    }

    @Test
    void classesAndFiles() {
        assertEquals(10, DatasetKind.MNIST.classCount());
        assertEquals("7", DatasetKind.MNIST.className(7));
        assertEquals("T-shirt/top", DatasetKind.FASHION_MNIST.className(0));
        assertEquals("Ankle boot", DatasetKind.FASHION_MNIST.className(9));
        for (DatasetKind kind : DatasetKind.values()) {
            assertEquals(4, kind.files().size());
            kind.files().forEach(f -> assertEquals(64, f.sha256().length()));
            assertEquals(47_040_016L, kind.trainImages().size());
        }
    }
}
