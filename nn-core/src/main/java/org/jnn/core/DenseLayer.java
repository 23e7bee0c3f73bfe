package org.jnn.core;

import org.jnn.api.Activation;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * A fully connected layer {@code z = x Wᵀ + b} over a batch of rows, followed by its activation
 * {@code a = f(z)}: a hidden layer's non-linearity, or the identity for the output layer, whose
 * {@code z} (the logits) goes to {@link SoftmaxCrossEntropy}.
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
    final Activation activation;
    /** {@code Wᵀ}, {@code inputs × outputs}. */
    final Matrix weightsTransposed;
    /** {@code b}, {@code 1 × outputs}. */
    final Matrix biases;

    DenseLayer(LinearAlgebra la, int inputs, int outputs, Activation activation, double[] weights, double[] biases) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.activation = activation;
        this.weightsTransposed = la.fromRowMajor(inputs, outputs, transpose(weights, outputs, inputs));
        this.biases = la.fromRowMajor(1, outputs, biases);
    }

    /**
     * True when the backward pass needs {@code z} besides {@code a}: every activation but ReLU (whose
     * output is positive exactly where {@code z} is) and the identity. For those two the forward pass
     * is one fused call and {@code z} is never stored.
     */
    static boolean keepsPreActivation(Activation activation) {
        return activation != Activation.RELU && activation != Activation.IDENTITY;
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

    /**
     * {@code a = f(input · Wᵀ + b)} for a {@code rows × inputs} input; {@code z} receives the
     * pre-activation when {@link #keepsPreActivation} (else it is not touched and may be null).
     */
    void forward(LinearAlgebra la, Matrix input, Matrix z, Matrix a) {
        if (keepsPreActivation(activation)) {
            la.affine(input, weightsTransposed, biases, Activation.IDENTITY, z);
            la.activate(activation, z, a);
        } else {
            la.affine(input, weightsTransposed, biases, activation, a);
        }
    }

    /** {@code z = input · Wᵀ + b}, before any activation. */
    void preActivation(LinearAlgebra la, Matrix input, Matrix z) {
        la.affine(input, weightsTransposed, biases, Activation.IDENTITY, z);
    }

    /** Given {@code dL/dz} of this layer, writes {@code dL/dx = dL/dz · W}, the gradient at its input. */
    void inputGradient(LinearAlgebra la, Matrix gradient, Matrix inputGradient) {
        la.gemm(1.0, gradient, false, weightsTransposed, true, 0.0, inputGradient);
    }

    /**
     * Turns {@code dL/da} of this layer into {@code dL/dz}, in place: {@code gradient ⊙ f'(z)}.
     * {@code z} may be null when the layer does not {@linkplain #keepsPreActivation keep it}.
     */
    void activationBackward(LinearAlgebra la, Matrix gradient, Matrix z, Matrix a) {
        la.activationBackward(activation, gradient, z == null ? a : z, a, gradient);
    }

    /**
     * {@code T = alpha · inputᵀ · gradient + beta · T} and {@code t = alpha · 1ᵀ gradient + beta · t}
     * for targets {@code T} ({@code inputs × outputs}, the layout of {@code Wᵀ}) and {@code t}: with the
     * layer's own parameters, {@code beta = 1} and {@code alpha = -rate / rows} this is the plain SGD
     * step; into gradient buffers with {@code beta = 0} and {@code alpha = 1 / rows} it is the gradient
     * of the batch's mean loss.
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
