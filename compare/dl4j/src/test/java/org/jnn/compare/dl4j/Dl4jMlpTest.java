package org.jnn.compare.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Deeplearning4j program trains the network the other comparison programs train: He-normal weights,
 * zero biases, and each {@code fit} one plain SGD step on the batch's mean softmax cross-entropy,
 * checked against the step written out by hand.
 */
class Dl4jMlpTest {

    private static final int[] LAYERS = Dl4jMlp.LAYERS;

    @Test
    void initialWeightsAreHeNormalAndBiasesZero() {
        MultiLayerNetwork network = Dl4jMlp.network(3, DataType.DOUBLE, 0.1);
        for (int l = 0; l + 1 < LAYERS.length; l++) {
            INDArray weights = network.getParam(l + "_W");
            assertEquals(LAYERS[l], weights.rows());
            assertEquals(LAYERS[l + 1], weights.columns());
            double expected = Math.sqrt(2.0 / LAYERS[l]);
            assertEquals(1, weights.stdNumber().doubleValue() / expected, 0.05, "layer " + l);
            assertEquals(0, weights.meanNumber().doubleValue(), 0.2 * expected, "layer " + l);
            assertEquals(0, network.getParam(l + "_b").norm1Number().doubleValue(), 0, "layer " + l);
        }
    }

    @Test
    void oneFitIsOneSgdStepOnTheMeanCrossEntropyOfTheBatch() {
        double rate = 0.5;
        int batch = 4;
        Random random = new Random(7);
        double[][] pixels = new double[batch][LAYERS[0]];
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < LAYERS[0]; j++) {
                pixels[i][j] = random.nextDouble();
            }
            labels[i] = random.nextInt(LAYERS[3]);
        }
        MultiLayerNetwork network = Dl4jMlp.network(11, DataType.DOUBLE, rate);
        double[][][] w = new double[3][][];
        double[][] b = new double[3][];
        for (int l = 0; l < 3; l++) {
            w[l] = network.getParam(l + "_W").toDoubleMatrix();
            b[l] = network.getParam(l + "_b").toDoubleVector();
        }

        // the step by hand: forward, softmax, gradient of the batch's mean loss, backward
        double[][] h1 = relu(affine(pixels, w[0], b[0]));
        double[][] h2 = relu(affine(h1, w[1], b[1]));
        double[][] z = affine(h2, w[2], b[2]);
        double meanLoss = 0;
        double[][] dz = new double[batch][];
        for (int i = 0; i < batch; i++) {
            double max = java.util.Arrays.stream(z[i]).max().orElseThrow();
            double sum = java.util.Arrays.stream(z[i]).map(v -> Math.exp(v - max)).sum();
            meanLoss += (Math.log(sum) + max - z[i][labels[i]]) / batch;
            dz[i] = new double[z[i].length];
            for (int k = 0; k < z[i].length; k++) {
                dz[i][k] = (Math.exp(z[i][k] - max) / sum - (k == labels[i] ? 1 : 0)) / batch;
            }
        }
        double[][] dh2 = reluBackward(times(dz, transpose(w[2])), h2);
        double[][] dh1 = reluBackward(times(dh2, transpose(w[1])), h1);
        double[][][] inputs = {pixels, h1, h2};
        double[][][] gradients = {dh1, dh2, dz};

        int[] order = {0, 1, 2, 3};
        INDArray[] arrays = Dl4jMlp.batchArrays(new Dl4jMlp.Images(pixels, labels), order, 0, batch, DataType.DOUBLE);
        network.fit(arrays[0], arrays[1]);

        assertEquals(meanLoss, network.score(), 1e-10, "score: the batch's mean cross-entropy");
        for (int l = 0; l < 3; l++) {
            double[][] weightGradient = times(transpose(inputs[l]), gradients[l]);
            double[][] after = network.getParam(l + "_W").toDoubleMatrix();
            double[] biasAfter = network.getParam(l + "_b").toDoubleVector();
            for (int r = 0; r < after.length; r++) {
                for (int c = 0; c < after[r].length; c++) {
                    assertEquals(w[l][r][c] - rate * weightGradient[r][c], after[r][c], 1e-10,
                            "layer " + l + " weight " + r + "," + c);
                }
            }
            for (int c = 0; c < biasAfter.length; c++) {
                double biasGradient = 0;
                for (double[] row : gradients[l]) {
                    biasGradient += row[c];
                }
                assertEquals(b[l][c] - rate * biasGradient, biasAfter[c], 1e-10, "layer " + l + " bias " + c);
            }
        }
        assertTrue(meanLoss > 0);
    }

    private static double[][] affine(double[][] x, double[][] w, double[] bias) {
        double[][] out = times(x, w);
        for (double[] row : out) {
            for (int c = 0; c < row.length; c++) {
                row[c] += bias[c];
            }
        }
        return out;
    }

    private static double[][] relu(double[][] z) {
        double[][] out = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            out[i] = java.util.Arrays.stream(z[i]).map(v -> Math.max(0, v)).toArray();
        }
        return out;
    }

    private static double[][] reluBackward(double[][] gradient, double[][] activation) {
        double[][] out = new double[gradient.length][gradient[0].length];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = activation[i][j] > 0 ? gradient[i][j] : 0;
            }
        }
        return out;
    }

    private static double[][] times(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                for (int j = 0; j < b[0].length; j++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }

    private static double[][] transpose(double[][] a) {
        double[][] out = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                out[j][i] = a[i][j];
            }
        }
        return out;
    }
}
