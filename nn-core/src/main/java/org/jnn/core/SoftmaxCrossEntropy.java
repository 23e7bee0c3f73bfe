package org.jnn.core;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * Softmax output fused with cross-entropy loss. For logits {@code z} and one-hot targets {@code y},
 * the loss of a row is {@code -log softmax(z)[label] = logsumexp(z) - z[label]}, computed by the
 * backend with the max shift so it is finite for any finite logits, and its gradient with respect to
 * {@code z} is simply {@code softmax(z) - y}: the softmax Jacobian and the derivative of the log
 * cancel, which is why the two are fused rather than differentiated one after the other.
 */
final class SoftmaxCrossEntropy {

    private SoftmaxCrossEntropy() {
    }

    /** Summed loss over the rows of {@code logits}. */
    static double loss(LinearAlgebra la, Matrix logits, int[] labels) {
        return la.sumNegativeLogSoftmax(logits, labels);
    }

    /**
     * Returns the summed loss over the rows and writes each row's gradient {@code softmax(z) - y}
     * (not yet divided by the number of rows) into {@code gradient}.
     */
    static double lossAndGradient(LinearAlgebra la, Matrix logits, int[] labels, Matrix gradient) {
        return la.softmaxCrossEntropy(logits, labels, gradient);
    }
}
