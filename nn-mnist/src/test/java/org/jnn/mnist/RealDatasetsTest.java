package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The real MNIST and Fashion-MNIST files, from the default data directory ({@code -Dnn.data.dir},
 * {@code NN_DATA_DIR} or the user cache), fetched through the real sources when absent. Never skipped:
 * if the data cannot be had, the test fails with the fetcher's message.
 */
class RealDatasetsTest {

    private static final int[] MNIST_TRAIN = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    private static final int[] MNIST_TEST = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};

    private static void check(DatasetKind kind, DatasetSplits data, int[] trainHistogram, int[] testHistogram)
            throws Exception {
        assertEquals(60_000, data.train().size());
        assertEquals(10_000, data.test().size());
        assertEquals(784, data.train().featureCount());
        assertEquals(28, data.test().rows());
        assertEquals(10, data.train().classCount());
        assertArrayEquals(trainHistogram, data.train().labelHistogram());
        assertArrayEquals(testHistogram, data.test().labelHistogram());

        Path folder = DataDirectory.folder(DataDirectory.root(), kind);
        for (DatasetKind.FileSpec spec : kind.files()) {
            assertNull(DatasetFetcher.problem(folder.resolve(spec.name()), spec), spec.name());
        }

        double[] row = new double[784];
        double max = 0;
        for (int i = 0; i < 100; i++) {
            data.train().copyFeatures(i, row, 0);
            for (double v : row) {
                max = Math.max(max, v);
                assertEquals(true, v >= 0 && v <= 1);
            }
        }
        assertEquals(1.0, max, "some pixels are full white");

        DatasetSplits split = data.withValidation(5_000, 42);
        assertEquals(55_000, split.train().size());
        assertEquals(5_000, split.validation().orElseThrow().size());
    }

    @Test
    void mnist() throws Exception {
        DatasetSplits data = Mnist.load();
        check(DatasetKind.MNIST, data, MNIST_TRAIN, MNIST_TEST);
    }

    @Test
    void fashionMnist() throws Exception {
        int[] train = new int[10];
        int[] test = new int[10];
        java.util.Arrays.fill(train, 6000);
        java.util.Arrays.fill(test, 1000);
        check(DatasetKind.FASHION_MNIST, Mnist.load(DatasetKind.FASHION_MNIST), train, test);
    }

    @Test
    void fetchCommandSucceeds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = FetchDatasets.run(new String[] {"mnist,fashion"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, new DatasetFetcher());
        assertEquals(0, status);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(true, text.contains("mnist: ") && text.contains("fashion: "), text);
    }
}
