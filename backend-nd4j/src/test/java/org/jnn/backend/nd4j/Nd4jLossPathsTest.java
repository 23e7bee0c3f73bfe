package org.jnn.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.jnn.api.Matrix;
import org.junit.jupiter.api.Test;

/**
 * sumNegativeLogSoftmax has a fast path (ND4J's log_softmax, exact while every labelled probability is
 * a normal double, which a summed loss below -log(MIN_NORMAL) ≈ 708.4 guarantees) and an exact path
 * for the rest. These cases sit on both sides of that limit and are compared with a plain loop.
 */
class Nd4jLossPathsTest {

    private final Nd4jLinearAlgebra la = new Nd4jLinearAlgebra();

    /** Σ_i (max_i + log Σ_j exp(z_ij - max_i) - z_i,label), by hand. */
    private static double expected(int rows, int cols, double[] z, int[] labels) {
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, z[i * cols + j]);
            }
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += Math.exp(z[i * cols + j] - max);
            }
            sum += max + Math.log(s) - z[i * cols + labels[i]];
        }
        return sum;
    }

    private void check(int rows, int cols, double[] z, int[] labels) {
        Matrix logits = la.fromRowMajor(rows, cols, z);
        double want = expected(rows, cols, z, labels);
        assertEquals(want, la.sumNegativeLogSoftmax(logits, labels), 1e-12 * (rows + cols) * (Math.abs(want) + rows),
                "rows " + rows + ", cols " + cols);
    }

    @Test
    void singleTermsOnBothSidesOfTheLimit() {
        for (double gap : new double[] {0, 1, 30, 700, 708, 708.5, 709, 720, 740, 745, 750, 800, 2000, 1e6}) {
            check(1, 2, new double[] {0, -gap}, new int[] {1});
            check(1, 3, new double[] {gap, 0, -gap}, new int[] {1});
            check(2, 2, new double[] {0, -gap, 3, 2}, new int[] {1, 0});
        }
    }

    @Test
    void manyModerateTermsWhoseSumCrossesTheLimit() {
        Random random = new Random(7);
        for (int rows : new int[] {100, 300, 400, 1000}) {
            int cols = 10;
            double[] z = new double[rows * cols];
            int[] labels = new int[rows];
            for (int i = 0; i < z.length; i++) {
                z[i] = 3 * random.nextGaussian();
            }
            for (int i = 0; i < rows; i++) {
                labels[i] = random.nextInt(cols);
            }
            check(rows, cols, z, labels);
        }
    }
}
