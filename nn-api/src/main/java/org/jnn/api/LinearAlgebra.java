package org.jnn.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * The service-provider interface a linear-algebra backend implements: dense row-major matrices and
 * the handful of operations a batched training step of a neural network needs.
 *
 * <h2>Registration and life cycle</h2>
 * A backend registers its implementation in {@code META-INF/services/org.jnn.api.LinearAlgebra} and
 * is found with {@link Backends}. Constructing an implementation must be cheap and must not load
 * native code: {@link #name()}, {@link #priority()} and {@link #precision()} are constants, while
 * {@link #availability()} may load the library (once, lazily) to find out whether it works here. The
 * instance {@code Backends} creates reports the same metadata as any other instance of the same class
 * in the same precision.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Every operation writes into an output argument that the caller allocated once; nothing is
 *       allocated per call (except by {@link #zeros}, {@link #fromRowMajor}, {@link #copy} and the
 *       array-returning {@link #toRowMajor(Matrix)}).
 *   <li>Arguments are checked before any work, and a refused call changes nothing:
 *       <ul>
 *         <li>a {@code null} matrix or array throws {@link NullPointerException} whose message names the
 *             argument;
 *         <li>a shape mismatch throws {@link IllegalArgumentException} naming the operation and both
 *             shapes; an array has exactly one entry per element ({@code rows * cols}) or per row, and
 *             a longer one is as wrong as a shorter one; a vector is a {@code 1×n} or {@code n×1}
 *             matrix, never a matrix of the right element count;
 *         <li>a label or column index outside {@code [0, cols)} throws {@link IllegalArgumentException};
 *         <li>a matrix created by another backend, or by this backend in another precision, throws
 *             {@link IllegalArgumentException} naming both backends as {@link Backends#label} writes
 *             them, {@code name (precision)}: for example {@code "gemm: argument a is a matrix of backend
 *             'nd4j (f32)' but this is backend 'ejml (f64)'"}.
 *       </ul>
 *   <li>Aliasing: each method says which arguments may be the same matrix. Passing the same matrix
 *       where it is not allowed throws {@link IllegalArgumentException}.
 *   <li>Outputs are overwritten, never read, unless the method says otherwise (for example a
 *       {@code beta} of 0 ignores the old contents of the output even when they are NaN).
 *   <li>An instance may keep scratch space or values derived from a matrix (a transpose, say) between
 *       calls, but every call gives the same result as on a fresh instance; use one instance per thread.
 *   <li>Instances of one backend in one precision share their matrices: any of them may operate on a
 *       matrix another made, and several, each on its own thread, may read one matrix at the same time
 *       while none writes it. Data-parallel training relies on it: each worker thread's instance reads the
 *       network's weights and writes into buffers the network's instance made. {@link AbstractLinearAlgebra},
 *       which tells its matrices by class, gives this; the conformance suite trains that way.
 * </ul>
 *
 * <h2>Precisions</h2>
 * An instance stores and computes in one {@link #precision()}. {@link #supportedPrecisions()} always
 * contains {@link Precision#F64}; {@link #withPrecision withPrecision(p)} gives the same backend (the same
 * {@link #name()}, a {@link #description()} that names {@code p}) in {@code p}, whose matrices the other
 * precisions refuse. An F32 instance stores every value as the nearest float, so every value it returns
 * is a float value.
 *
 * <p>Backends normally extend {@link AbstractLinearAlgebra}, which performs all checks and leaves the
 * arithmetic to the library. A backend that implements this interface directly must make the same
 * checks; the conformance suite in nn-core's test-jar ({@code org.jnn.core.conformance.BackendConformance})
 * holds every backend to every rule here.
 */
public interface LinearAlgebra {

    // ---------------------------------------------------------------- metadata

    /**
     * Short, stable name used to select the backend: {@code ejml}, {@code nd4j}, {@code commons-math}. One
     * word (letters, digits, {@code .}, {@code _}, {@code -}), the same in every precision.
     */
    String name();

    /** One line for people: the library, its version if known, and the precision (so it differs between precisions). */
    String description();

    /** Used when several backends are usable and none was asked for: the highest priority wins. */
    int priority();

    /**
     * Whether the backend works on this machine; may load the backing library the first time it is
     * called, never throws.
     */
    Availability availability();

    /** The precision this instance stores and computes in. */
    Precision precision();

    /** Precisions {@link #withPrecision} accepts; F64 is always among them. */
    default Set<Precision> supportedPrecisions() {
        return EnumSet.of(Precision.F64);
    }

    /**
     * An instance of the same backend computing in {@code precision}.
     *
     * @throws UnsupportedOperationException when the library has no such precision, naming the ones it has
     */
    default LinearAlgebra withPrecision(Precision precision) {
        if (precision == precision()) {
            return this;
        }
        throw new UnsupportedOperationException("backend '" + name() + "' computes only in "
                + supportedPrecisions() + ", not " + precision.id());
    }

    // ---------------------------------------------------------------- data in and out

    /** A new {@code rows×cols} matrix of zeros; both sizes must be at least 1. */
    Matrix zeros(int rows, int cols);

    /**
     * A new matrix holding a copy of {@code data}, read in row-major order; later changes to the
     * array do not affect the matrix.
     *
     * @throws IllegalArgumentException if {@code data.length != rows * cols}
     */
    Matrix fromRowMajor(int rows, int cols, double[] data);

    /** A new matrix with the same shape and contents as {@code source}. */
    Matrix copy(Matrix source);

    /**
     * Overwrites all of {@code destination} with {@code data}, read in row-major order; the array is
     * not modified.
     *
     * @throws IllegalArgumentException if the lengths differ
     */
    void setRowMajor(Matrix destination, double[] data);

    /** The contents of {@code source} in row-major order, in a new array. */
    default double[] toRowMajor(Matrix source) {
        double[] out = new double[source.rows() * source.cols()];
        toRowMajor(source, out);
        return out;
    }

    /**
     * Copies the contents of {@code source} into {@code destination} in row-major order.
     *
     * @throws IllegalArgumentException if {@code destination.length != rows * cols}
     */
    void toRowMajor(Matrix source, double[] destination);

    // ---------------------------------------------------------------- level 3 and level 2

    /**
     * General matrix multiply: {@code c = alpha * op(a) * op(b) + beta * c}, where {@code op(x)} is
     * {@code x} or its transpose as the flags say. With {@code beta == 0} the old contents of
     * {@code c} are ignored (NaN included). Modifies {@code c} only.
     *
     * <p>Aliasing: {@code c} must not be {@code a} or {@code b}; {@code a} and {@code b} may be the same.
     */
    void gemm(double alpha, Matrix a, boolean transposeA, Matrix b, boolean transposeB, double beta, Matrix c);

    /**
     * Rank-1 update {@code a += alpha * x * yᵀ}, where {@code x} is a vector of {@code a.rows()}
     * elements and {@code y} of {@code a.cols()} elements (each may be a row or a column). Modifies
     * {@code a} only. This is the per-sample weight update.
     *
     * <p>Aliasing: {@code a} must not be {@code x} or {@code y}; {@code x} and {@code y} may be the same.
     */
    void rankOneUpdate(double alpha, Matrix x, Matrix y, Matrix a);

    // ---------------------------------------------------------------- fused layer operations

    /**
     * The forward pass of a dense layer in one call: {@code out = f(x · w + bias)}, where {@code x}
     * is {@code m×k}, {@code w} is {@code k×n}, {@code bias} is a {@code 1×n} row added to every row,
     * and {@code f} is {@code activation} applied element by element. The result equals
     * {@code gemm(1, x, false, w, false, 0, out)}, {@code addRowVector(out, bias, out)} and
     * {@code activate(activation, out, out)}; a backend whose library fuses them does it in fewer
     * calls. The old contents of {@code out} are ignored. Modifies {@code out} only.
     *
     * <p>Aliasing: {@code out} must not be {@code x}, {@code w} or {@code bias}.
     */
    void affine(Matrix x, Matrix w, Matrix bias, Activation activation, Matrix out);

    /**
     * Softmax with cross-entropy over a batch, loss and gradient in one call: returns
     * {@link #sumNegativeLogSoftmax sumNegativeLogSoftmax(logits, labels)} and writes
     * {@code gradient = softmax(logits) - onehot(labels)}, row by row (the gradient of the summed
     * loss with respect to the logits). Equal to {@code sumNegativeLogSoftmax},
     * {@code softmaxRows(logits, gradient)} and {@code addAtColumns(gradient, labels, -1)} in turn. The
     * old contents of {@code gradient} are ignored. Modifies {@code gradient} only.
     *
     * <p>Aliasing: {@code gradient} must not be {@code logits}.
     *
     * @param labels one column index per row of {@code logits}, each in {@code [0, logits.cols())}
     */
    double softmaxCrossEntropy(Matrix logits, int[] labels, Matrix gradient);

    // ---------------------------------------------------------------- element-wise and row-wise

    /**
     * Adds the {@code 1×n} row vector {@code v} to every row of the {@code m×n} matrix {@code a},
     * writing {@code out} ({@code m×n}).
     *
     * <p>Aliasing: {@code out} may be {@code a} (in place); {@code out} must not be {@code v}.
     */
    void addRowVector(Matrix a, Matrix v, Matrix out);

    /**
     * {@code out = f(z)} element by element, {@code f} as {@link Activation} defines it. Sigmoid and
     * GELU must stay finite and correct for large |z| (no overflow of {@code e^-z} into NaN).
     *
     * <p>Aliasing: {@code out} may be {@code z}.
     */
    void activate(Activation activation, Matrix z, Matrix out);

    /**
     * Backward pass of an activation: {@code out = gradient ⊙ f'(z)}, where {@code z} is the
     * pre-activation and {@code a = f(z)} the activation of the same layer (the formulas in
     * {@link Activation}: tanh and sigmoid take the derivative from {@code a}, GELU from {@code z},
     * ReLU and leaky ReLU from the sign of either). For {@link Activation#RELU} and
     * {@link Activation#LEAKY_RELU}, whose {@code z} and {@code a} are positive at the same places, a
     * caller that keeps only {@code a} may pass it as both.
     *
     * <p>Aliasing: {@code out} may be {@code gradient}; {@code z} may be {@code a}; {@code out} must not
     * be {@code z} or {@code a}.
     */
    void activationBackward(Activation activation, Matrix gradient, Matrix z, Matrix a, Matrix out);

    /**
     * The element-wise (Hadamard) product {@code out = a ⊙ b}; all three have the same shape. Dropout
     * multiplies activations and their gradients by its mask with it.
     *
     * <p>Aliasing: {@code out} may be {@code a} or {@code b}.
     */
    void multiplyElements(Matrix a, Matrix b, Matrix out);

    /**
     * Numerically stable softmax of each row: {@code out[i,j] = exp(z[i,j] - m_i) / Σ_k exp(z[i,k] - m_i)}
     * with {@code m_i} the row maximum, so every row of finite values gives finite probabilities that
     * sum to 1.
     *
     * <p>Aliasing: {@code out} may be {@code z}.
     */
    void softmaxRows(Matrix z, Matrix out);

    /**
     * Sum over rows of the negative log-softmax at each row's label:
     * {@code Σ_i (log Σ_j exp(z[i,j]) - z[i, labels[i]])}, computed with the log-sum-exp shift so it is
     * finite for any finite logits. This is the summed cross-entropy loss of a batch. Reads only.
     *
     * @param labels one column index per row of {@code logits}, each in {@code [0, logits.cols())}
     */
    double sumNegativeLogSoftmax(Matrix logits, int[] labels);

    /**
     * Adds {@code value} to one element of each row: {@code a[i, columns[i]] += value}. With a value of
     * -1 this turns softmax probabilities into the cross-entropy gradient {@code p - y}. Modifies
     * {@code a} only.
     *
     * @param columns one column index per row of {@code a}, each in {@code [0, a.cols())}
     */
    void addAtColumns(Matrix a, int[] columns, double value);

    /**
     * Column sums with scaling: {@code out = alpha * 1ᵀa + beta * out}, where {@code out} is a
     * {@code 1×n} row for the {@code m×n} matrix {@code a}. With {@code beta == 0} the old contents of
     * {@code out} are ignored. Modifies {@code out} only.
     *
     * <p>Aliasing: {@code out} must not be {@code a}.
     */
    void columnSums(double alpha, Matrix a, double beta, Matrix out);

    /**
     * {@code y += alpha * x} element by element; both have the same shape. Modifies {@code y} only.
     *
     * <p>Aliasing: {@code x} may be {@code y}.
     */
    void axpy(double alpha, Matrix x, Matrix y);

    /** {@code a *= alpha} element by element, in place. */
    void scale(double alpha, Matrix a);

    /** Sets every element of {@code a} to {@code value}. */
    void fill(Matrix a, double value);

    /**
     * Index of the largest element of each row (the first one on ties) into {@code out}, which has
     * one entry per row. Reads {@code a} only.
     */
    void argmaxRows(Matrix a, int[] out);

    // ---------------------------------------------------------------- optimizer steps

    /**
     * One SGD step on a parameter tensor, as {@link SgdUpdate} defines it: with its weight decay,
     * momentum and Nesterov flag. Modifies {@code parameter} and {@code velocity}; afterwards the
     * contents of {@code gradient} are unspecified (the backend may use it as scratch space).
     *
     * <p>All matrices have the same shape and are distinct.
     *
     * @param velocity the momentum buffer, zero before the first step; may be null when the step has
     *     no momentum, and is then not touched
     */
    void sgdStep(SgdUpdate step, Matrix gradient, Matrix velocity, Matrix parameter);

    /**
     * One Adam or AdamW step on a parameter tensor, as {@link AdamUpdate} defines it, bias
     * correction included. Modifies {@code parameter}, {@code firstMoment} and {@code secondMoment};
     * afterwards the contents of {@code gradient} are unspecified (the backend may use it as scratch
     * space). With zero moments (before the first step) a zero gradient leaves the parameter unchanged
     * except for weight decay; with moments from earlier steps it still moves by m̂/(sqrt(v̂)+ε).
     *
     * <p>All matrices have the same shape and are distinct.
     *
     * @param firstMoment m, zero before the first step
     * @param secondMoment v, zero before the first step
     */
    void adamStep(AdamUpdate step, Matrix gradient, Matrix firstMoment, Matrix secondMoment, Matrix parameter);

    /**
     * One RMSProp step on a parameter tensor, as {@link RmsPropUpdate} defines it. Modifies
     * {@code parameter} and {@code meanSquare}; afterwards the contents of {@code gradient} are
     * unspecified (the backend may use it as scratch space).
     *
     * <p>All matrices have the same shape and are distinct.
     *
     * @param meanSquare v, the running mean of squared gradients, zero before the first step
     */
    void rmsPropStep(RmsPropUpdate step, Matrix gradient, Matrix meanSquare, Matrix parameter);
}
