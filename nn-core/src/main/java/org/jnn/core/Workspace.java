package org.jnn.core;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * Every buffer one forward and backward pass over a batch of {@code rows} samples needs, allocated
 * once and reused, so that training allocates nothing per step. Dropout's buffers are made the first
 * time a training step needs them, so evaluation workspaces never carry them.
 */
final class Workspace {

    final int rows;
    private final LinearAlgebra la;
    private final Architecture architecture;
    /** The batch's features, {@code rows × inputs}. */
    final Matrix input;
    /** Per layer, {@code z} where the layer keeps it (see {@link DenseLayer#keepsPreActivation}), else null. */
    final Matrix[] preActivations;
    /** Per layer, {@code a = f(z)}: the hidden layers' activations before dropout; the logits for the last. */
    final Matrix[] activations;
    /** Per layer, the gradient of the loss with respect to its {@code z}. */
    final Matrix[] gradients;
    /** Per hidden layer with dropout: the mask (0 or 1/keep) and the dropped output {@code a ⊙ mask}; lazily. */
    private final Matrix[] masks;
    private final Matrix[] dropped;
    /** Row-major staging areas: features for loading, mask values for dropout. */
    final double[] features;
    private final double[][] maskValues;
    final int[] labels;
    final int[] predicted;

    Workspace(LinearAlgebra la, Architecture architecture, int rows) {
        this.la = la;
        this.architecture = architecture;
        this.rows = rows;
        int[] sizes = architecture.layerSizes();
        this.input = la.zeros(rows, sizes[0]);
        int layers = sizes.length - 1;
        this.preActivations = new Matrix[layers];
        this.activations = new Matrix[layers];
        this.gradients = new Matrix[layers];
        this.masks = new Matrix[layers];
        this.dropped = new Matrix[layers];
        this.maskValues = new double[layers][];
        for (int l = 0; l < layers; l++) {
            if (DenseLayer.keepsPreActivation(architecture.activation(l))) {
                preActivations[l] = la.zeros(rows, sizes[l + 1]);
            }
            activations[l] = la.zeros(rows, sizes[l + 1]);
            gradients[l] = la.zeros(rows, sizes[l + 1]);
        }
        this.features = new double[rows * sizes[0]];
        this.labels = new int[rows];
        this.predicted = new int[rows];
    }

    /** The output layer's logits. */
    Matrix logits() {
        return activations[activations.length - 1];
    }

    /** Layer {@code layer}'s dropout mask, made on first use. */
    Matrix mask(int layer) {
        if (masks[layer] == null) {
            masks[layer] = la.zeros(rows, activations[layer].cols());
            dropped[layer] = la.zeros(rows, activations[layer].cols());
            maskValues[layer] = new double[rows * activations[layer].cols()];
        }
        return masks[layer];
    }

    /** Layer {@code layer}'s output after dropout; {@link #mask} must have been called. */
    Matrix dropped(int layer) {
        return dropped[layer];
    }

    /** Row-major staging for layer {@code layer}'s mask values; {@link #mask} must have been called. */
    double[] maskValues(int layer) {
        return maskValues[layer];
    }

    Architecture architecture() {
        return architecture;
    }
}
