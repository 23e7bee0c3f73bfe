package org.jnn.core;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * A fully connected layer {@code z = x Wᵀ + b} over a batch of rows, followed by ReLU when it is a
 * hidden layer. The output layer leaves its {@code z} (the logits) to {@link SoftmaxCrossEntropy}.
 *
 * <p>Weights are stored {@code outputs × inputs} so that row {@code i} belongs to output unit
 * {@code i}, as in {@link Parameters}.
 */
final class DenseLayer {

    final int inputs;
    final int outputs;
    final boolean relu;
    final Matrix weights;
    final Matrix biases;

    DenseLayer(LinearAlgebra la, int inputs, int outputs, boolean relu, double[] weights, double[] biases) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.relu = relu;
        this.weights = la.fromRowMajor(outputs, inputs, weights);
        this.biases = la.fromRowMajor(1, outputs, biases);
    }

    /** {@code output = φ(input · Wᵀ + b)} for a {@code rows × inputs} input; φ is ReLU or the identity. */
    void forward(LinearAlgebra la, Matrix input, Matrix output) {
        la.gemm(1.0, input, false, weights, true, 0.0, output);
        la.addRowVector(output, biases, output);
        if (relu) {
            // ReLU in place: the output is positive exactly where z was, which is all reluBackward needs.
            la.relu(output, output);
        }
    }

    /**
     * Given {@code dL/dz} of this layer, writes {@code dL/dz} of the layer below into
     * {@code inputGradient}: through the weights ({@code dL/dx = dL/dz · W}), then through the lower
     * layer's ReLU, whose output is {@code input}.
     */
    void backpropagate(LinearAlgebra la, Matrix gradient, Matrix input, Matrix inputGradient) {
        la.gemm(1.0, gradient, false, weights, false, 0.0, inputGradient);
        la.reluBackward(inputGradient, input, inputGradient);
    }

    /**
     * {@code W' = alpha · gradientᵀ · input + beta · W'} and {@code b' = alpha · 1ᵀ gradient + beta · b'}
     * for targets {@code W'} and {@code b'}: with the layer's own parameters, {@code beta = 1} and
     * {@code alpha = -rate / rows} this is the SGD step; into zeroed buffers with {@code beta = 0} and
     * {@code alpha = 1 / rows} it is the gradient itself.
     */
    void accumulate(LinearAlgebra la, double alpha, Matrix gradient, Matrix input, double beta,
            Matrix weightTarget, Matrix biasTarget) {
        if (gradient.rows() == 1 && beta == 1.0) {
            // One sample: the weight gradient is an outer product, a rank-1 update of W.
            la.rankOneUpdate(alpha, gradient, input, weightTarget);
            la.axpy(alpha, gradient, biasTarget);
        } else {
            la.gemm(alpha, gradient, true, input, false, beta, weightTarget);
            la.columnSums(alpha, gradient, beta, biasTarget);
        }
    }
}
