package org.jnn.mnist;

import static org.jnn.mnist.IdxFiles.gzip;
import static org.jnn.mnist.IdxFiles.images;
import static org.jnn.mnist.IdxFiles.labels;
import static org.jnn.mnist.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.jnn.core.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelledImagesTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void readsAPairScaledToUnitRange(boolean gzip) throws Exception {
        Path imageFile = write(dir, "train-images-idx3-ubyte", images(3, 2, 3), gzip);
        Path labelFile = write(dir, "train-labels-idx1-ubyte", labels(7, 0, 9), gzip);
        LabelledImages data = LabelledImages.read(imageFile, labelFile, 10);

        assertEquals(3, data.size());
        assertEquals(6, data.featureCount());
        assertEquals(10, data.classCount());
        assertEquals(2, data.rows());
        assertEquals(3, data.cols());
        assertEquals(7, data.label(0));
        assertEquals(9, data.label(2));

        double[] row = new double[8];
        data.copyFeatures(1, row, 1); // image 1: pixels 50..55
        assertEquals(0.0, row[0]);
        assertEquals(0.0, row[7]);
        for (int k = 0; k < 6; k++) {
            assertEquals((50 + k) / 255.0, row[1 + k], 1e-12);
        }
        assertEquals(53, data.pixel(1, 1, 0));
        assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0, 0, 1, 0, 1}, data.labelHistogram());
    }

    @Test
    void fullRangePixelsScaleToZeroAndOne() {
        LabelledImages data = new LabelledImages(new byte[] {0, (byte) 255, (byte) 128, 1}, new byte[] {1}, 2, 2, 2);
        double[] row = new double[4];
        data.copyFeatures(0, row, 0);
        assertArrayEquals(new double[] {0.0, 1.0, 128 / 255.0, 1 / 255.0}, row, 1e-12);
        for (double v : row) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void everyByteAnIdxFileCanHoldBecomesAFiniteFeature() {
        // IDX pixels are unsigned bytes scaled by 1/255: no file can bring a NaN or an infinity in.
        byte[] pixels = new byte[256];
        for (int v = 0; v < 256; v++) {
            pixels[v] = (byte) v;
        }
        double[] row = new double[256];
        new LabelledImages(pixels, new byte[] {0}, 16, 16, 1).copyFeatures(0, row, 0);
        for (int v = 0; v < 256; v++) {
            assertTrue(Double.isFinite(row[v]) && row[v] >= 0 && row[v] <= 1, "byte " + v + " became " + row[v]);
        }
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void imageAndLabelCountsThatDiffer(boolean gzip) {
        Path imageFile = write(dir, "train-images-idx3-ubyte", images(3, 2, 2), gzip);
        Path labelFile = write(dir, "train-labels-idx1-ubyte", labels(1, 2), gzip);
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> LabelledImages.read(imageFile, labelFile, 10));
        assertEquals("train-images-idx3-ubyte: holds 3 images but train-labels-idx1-ubyte holds 2 labels",
                e.getMessage());
    }

    @Test
    void countsAreComparedBeforeTheDataAreRead() {
        // The images file's header is intact but its compressed data are cut off, so reading its data would
        // fail; the headers alone show that the pair does not belong together, and that is what is reported.
        byte[] compressed = gzip(images(300, 8, 8));
        Path imageFile = write(dir, "train-images-idx3-ubyte", Arrays.copyOf(compressed, compressed.length / 2));
        Path labelFile = write(dir, "train-labels-idx1-ubyte", labels(1, 2));
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> LabelledImages.read(imageFile, labelFile, 10));
        assertEquals("train-images-idx3-ubyte: holds 300 images but train-labels-idx1-ubyte holds 2 labels",
                e.getMessage());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void labelOutsideTheClassRange(boolean gzip) {
        Path imageFile = write(dir, "t10k-images-idx3-ubyte", images(3, 2, 2), gzip);
        Path labelFile = write(dir, "t10k-labels-idx1-ubyte", labels(1, 10, 2), gzip);
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> LabelledImages.read(imageFile, labelFile, 10));
        assertEquals("t10k-labels-idx1-ubyte: label 10 at index 1 is outside the class range 0..9", e.getMessage());
    }

    @Test
    void constructorChecksShapesAndLabels() {
        assertThrows(IllegalArgumentException.class, () -> new LabelledImages(new byte[5], new byte[1], 2, 2, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LabelledImages(new byte[4], new byte[] {10}, 2, 2, 10));
        assertTrue(e.getMessage().contains("label 10"), e.getMessage());
    }

    @Test
    void subsetsShareDataAndCompose() {
        byte[] pixels = {10, 11, 20, 21, 30, 31, 40, 41};
        LabelledImages data = new LabelledImages(pixels, new byte[] {0, 1, 2, 3}, 1, 2, 4);
        LabelledImages subset = data.subset(new int[] {3, 1});
        assertEquals(2, subset.size());
        assertEquals(3, subset.label(0));
        assertEquals(1, subset.label(1));
        double[] row = new double[2];
        subset.copyFeatures(0, row, 0);
        assertArrayEquals(new double[] {40 / 255.0, 41 / 255.0}, row, 1e-12);

        LabelledImages nested = subset.subset(new int[] {1});
        assertEquals(1, nested.label(0));
        assertEquals(21, nested.pixel(0, 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> subset.label(2));
        assertThrows(IndexOutOfBoundsException.class, () -> data.subset(new int[] {4}));
        Dataset asDataset = nested;
        assertEquals(2, asDataset.featureCount());
    }
}
