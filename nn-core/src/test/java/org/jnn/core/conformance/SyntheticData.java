package org.jnn.core.conformance;

import java.util.Random;
import org.jnn.core.Dataset;

/** Small generated data sets for tests that train or differentiate a network. */
public final class SyntheticData {

    private SyntheticData() {
    }

    /**
     * Points in the square [-1, 1]² labelled by whether they lie in the first or third quadrant (class
     * 1) or the second or fourth (class 0): an XOR that no linear model separates, so a network must
     * use its hidden layers. A margin of 0.1 around the axes keeps the classes apart.
     */
    public static Dataset quadrants(int samples, long seed) {
        Random random = new Random(seed);
        double[][] points = new double[samples][];
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            double x;
            double y;
            do {
                x = 2 * random.nextDouble() - 1;
                y = 2 * random.nextDouble() - 1;
            } while (Math.abs(x) < 0.1 || Math.abs(y) < 0.1);
            points[i] = new double[] {x, y};
            labels[i] = x * y > 0 ? 1 : 0;
        }
        return Dataset.of(points, labels, 2);
    }

    /** Features uniform in [-1, 1] with uniformly drawn labels: for gradient checks, not for learning. */
    public static Dataset uniform(int samples, int features, int classes, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[samples][features];
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < features; j++) {
                rows[i][j] = 2 * random.nextDouble() - 1;
            }
            labels[i] = random.nextInt(classes);
        }
        return Dataset.of(rows, labels, classes);
    }
}
