package org.jnn.core;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * A fully connected layer {@code z = x Wᵀ + b} over a batch of rows, followed by ReLU when it is a
 * hidden layer. The output layer leaves its {@code z} (the logits) to {@link SoftmaxCrossEntropy}.
 *
 * <p>{@link Parameters} hold {@code W} as {@code outputs × inputs} (row {@code i} belongs to output unit
 * {@code i}, as in PyTorch and the model files), but the backend matrix holds its transpose,
 * {@code inputs × outputs}, so that the forward product is {@code x · Wᵀ} with no transposed operand. At
 * batch size 1 that turns the largest product of a step into a sum of scaled rows of {@code Wᵀ}, which
 * row-major libraries vectorise, instead of one long dot product per output unit, which they cannot;
 * the transposed product moves to the much smaller input gradients of the upper layers.
 */
final class DenseLayer {

    final int inputs;
    final int outputs;
    final boolean relu;
    /** {@code Wᵀ}, {@code inputs × outputs}. */
    final Matrix weightsTransposed;
    /** {@code b}, {@code 1 × outputs}. */
    final Matrix biases;

    DenseLayer(LinearAlgebra la, int inputs, int outputs, boolean relu, double[] weights, double[] biases) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.relu = relu;
        this.weightsTransposed = la.fromRowMajor(inputs, outputs, transpose(weights, outputs, inputs));
        this.biases = la.fromRowMajor(1, outputs, biases);
    }

    /** {@code W} as {@link Parameters} hold it: {@code outputs × inputs}, row-major. */
    double[] weights(LinearAlgebra la) {
        return transpose(la.toRowMajor(weightsTransposed), inputs, outputs);
    }

    /** Replaces {@code W} and {@code b}, given as {@link Parameters} hold them. */
    void setParameters(LinearAlgebra la, double[] weights, double[] biasValues) {
        la.setRowMajor(weightsTransposed, transpose(weights, outputs, inputs));
        la.setRowMajor(biases, biasValues);
    }

    /** {@code output = φ(input · Wᵀ + b)} for a {@code rows × inputs} input; φ is ReLU or the identity. */
    void forward(LinearAlgebra la, Matrix input, Matrix output) {
        // Hidden layers keep only ReLU's output: it is positive exactly where z was, all reluBackward needs.
        la.affine(input, weightsTransposed, biases, relu, output);
    }

    /** {@code z = input · Wᵀ + b}, before any activation. */
    void preActivation(LinearAlgebra la, Matrix input, Matrix z) {
        la.affine(input, weightsTransposed, biases, false, z);
    }

    /**
     * Given {@code dL/dz} of this layer, writes {@code dL/dz} of the layer below into
     * {@code inputGradient}: through the weights ({@code dL/dx = dL/dz · W}), then through the lower
     * layer's ReLU, whose output is {@code input}.
     */
    void backpropagate(LinearAlgebra la, Matrix gradient, Matrix input, Matrix inputGradient) {
        la.gemm(1.0, gradient, false, weightsTransposed, true, 0.0, inputGradient);
        la.reluBackward(inputGradient, input, inputGradient);
    }

    /**
     * {@code T = alpha · inputᵀ · gradient + beta · T} and {@code t = alpha · 1ᵀ gradient + beta · t}
     * for targets {@code T} ({@code inputs × outputs}, the layout of {@code Wᵀ}) and {@code t}: with the
     * layer's own parameters, {@code beta = 1} and {@code alpha = -rate / rows} this is the SGD step;
     * into zeroed buffers with {@code beta = 0} and {@code alpha = 1 / rows} it is the gradient itself.
     */
    void accumulate(LinearAlgebra la, double alpha, Matrix gradient, Matrix input, double beta,
            Matrix weightTarget, Matrix biasTarget) {
        if (gradient.rows() == 1 && beta == 1.0) {
            // One sample: the weight gradient is an outer product, a rank-1 update of Wᵀ.
            la.rankOneUpdate(alpha, input, gradient, weightTarget);
            la.axpy(alpha, gradient, biasTarget);
        } else {
            la.gemm(alpha, input, true, gradient, false, beta, weightTarget);
            la.columnSums(alpha, gradient, beta, biasTarget);
        }
    }

    /** The transpose of a row-major {@code rows × cols} matrix, row-major. */
    static double[] transpose(double[] m, int rows, int cols) {
        double[] t = new double[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }
}
