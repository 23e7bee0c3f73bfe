package org.jnn.core;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * Every buffer one forward and backward pass over a batch of {@code rows} samples needs, allocated
 * once and reused, so that training allocates nothing per step.
 */
final class Workspace {

    final int rows;
    /** The batch's features, {@code rows × inputs}. */
    final Matrix input;
    /** Per layer, its output: after ReLU for hidden layers, the logits for the last. */
    final Matrix[] activations;
    /** Per layer, the gradient of the loss with respect to its pre-activation {@code z}. */
    final Matrix[] gradients;
    /** Row-major staging area for loading features. */
    final double[] features;
    final int[] labels;
    final int[] predicted;

    Workspace(LinearAlgebra la, int[] layerSizes, int rows) {
        this.rows = rows;
        this.input = la.zeros(rows, layerSizes[0]);
        int layers = layerSizes.length - 1;
        this.activations = new Matrix[layers];
        this.gradients = new Matrix[layers];
        for (int l = 0; l < layers; l++) {
            activations[l] = la.zeros(rows, layerSizes[l + 1]);
            gradients[l] = la.zeros(rows, layerSizes[l + 1]);
        }
        this.features = new double[rows * layerSizes[0]];
        this.labels = new int[rows];
        this.predicted = new int[rows];
    }

    /** The output layer's logits. */
    Matrix logits() {
        return activations[activations.length - 1];
    }
}
