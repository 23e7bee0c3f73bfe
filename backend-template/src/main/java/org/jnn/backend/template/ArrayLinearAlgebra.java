package org.jnn.backend.template;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.jnn.api.AbstractLinearAlgebra;
import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.Availability;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;

/**
 * The template for a new backend: every operation of {@link LinearAlgebra} in plain loops over Java
 * arrays ({@link ArrayMatrix}), in double and in single precision. A real backend keeps this shape and
 * calls its library in the {@code do...} methods.
 *
 * <p>{@link AbstractLinearAlgebra} checks every argument first (null, ownership, shapes, aliasing, index
 * ranges), so the {@code do...} methods may assume that every precondition in {@link LinearAlgebra}'s
 * javadoc holds. It tells this backend's matrices from others by their class, so each precision has its
 * own matrix class ({@link ArrayMatrix.F64}, {@link ArrayMatrix.F32}) and an f32 matrix handed to the f64
 * instance is refused, naming both.
 *
 * <p>Registered in {@code META-INF/services/org.jnn.api.LinearAlgebra}; {@code ArrayConformanceTest} runs
 * the conformance suite against it in both precisions.
 */
public final class ArrayLinearAlgebra extends AbstractLinearAlgebra<ArrayMatrix> {

    /** The name that selects this backend ({@code Backends.byName("arrays")}). */
    public static final String NAME = "arrays";

    private final Precision precision;

    /** The f64 backend, as {@link java.util.ServiceLoader} creates it: cheap, loads nothing. */
    public ArrayLinearAlgebra() {
        this(Precision.F64);
    }

    @SuppressWarnings("unchecked") // ArrayMatrix.F64 and .F32 are both ArrayMatrix
    private ArrayLinearAlgebra(Precision precision) {
        super((Class<ArrayMatrix>) (Class<? extends ArrayMatrix>) (precision == Precision.F64 ? ArrayMatrix.F64.class
                : ArrayMatrix.F32.class));
        this.precision = precision;
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "plain Java arrays (the backend template), " + (precision == Precision.F64 ? "64-bit double"
                : "32-bit float") + " precision";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.available(); // pure Java: nothing to load
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public Set<Precision> supportedPrecisions() {
        return EnumSet.of(Precision.F64, Precision.F32);
    }

    @Override
    public LinearAlgebra withPrecision(Precision other) {
        return Objects.requireNonNull(other, "precision") == precision ? this : new ArrayLinearAlgebra(other);
    }

    // ---------------------------------------------------------------- data in and out

    @Override
    protected ArrayMatrix doZeros(int rows, int cols) {
        return precision == Precision.F64 ? new ArrayMatrix.F64(this, rows, cols) : new ArrayMatrix.F32(this, rows, cols);
    }

    @Override
    protected void doSetRowMajor(ArrayMatrix destination, double[] data) {
        for (int i = 0; i < data.length; i++) {
            destination.set(i, data[i]);
        }
    }

    @Override
    protected void doToRowMajor(ArrayMatrix source, double[] destination) {
        for (int i = 0; i < destination.length; i++) {
            destination[i] = source.get(i);
        }
    }

    @Override
    protected ArrayMatrix doCopy(ArrayMatrix source) {
        ArrayMatrix copy = doZeros(source.rows(), source.cols());
        for (int i = 0; i < source.rows() * source.cols(); i++) {
            copy.set(i, source.get(i));
        }
        return copy;
    }

    // ---------------------------------------------------------------- level 3 and level 2

    /** Element {@code (i, j)} of {@code x}, or of its transpose. */
    private static double at(ArrayMatrix x, boolean transposed, int i, int j) {
        return transposed ? x.get(j * x.cols() + i) : x.get(i * x.cols() + j);
    }

    @Override
    protected void doGemm(double alpha, ArrayMatrix a, boolean transposeA, ArrayMatrix b, boolean transposeB,
            double beta, ArrayMatrix c) {
        int inner = transposeA ? a.rows() : a.cols();
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                double sum = 0;
                for (int p = 0; p < inner; p++) {
                    sum += at(a, transposeA, i, p) * at(b, transposeB, p, j);
                }
                int ij = i * c.cols() + j;
                c.set(ij, alpha * sum + (beta == 0 ? 0 : beta * c.get(ij))); // beta = 0: the old c is never read
            }
        }
    }

    @Override
    protected void doRankOneUpdate(double alpha, ArrayMatrix x, ArrayMatrix y, ArrayMatrix a) {
        // x and y are vectors, rows or columns: either way element k is at index k.
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                int ij = i * a.cols() + j;
                a.set(ij, a.get(ij) + alpha * x.get(i) * y.get(j));
            }
        }
    }

    // ---------------------------------------------------------------- element-wise and row-wise

    @Override
    protected void doAddRowVector(ArrayMatrix a, ArrayMatrix v, ArrayMatrix out) {
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                out.set(i * a.cols() + j, a.get(i * a.cols() + j) + v.get(j));
            }
        }
    }

    // Element by element, each element read before it is written: that is what lets out be z (activate),
    // the gradient (activationBackward), a or b (multiplyElements).

    @Override
    protected void doActivate(Activation activation, ArrayMatrix z, ArrayMatrix out) {
        for (int i = 0; i < z.rows() * z.cols(); i++) {
            out.set(i, apply(activation, z.get(i)));
        }
    }

    @Override
    protected void doActivationBackward(Activation activation, ArrayMatrix gradient, ArrayMatrix z, ArrayMatrix a,
            ArrayMatrix out) {
        for (int i = 0; i < gradient.rows() * gradient.cols(); i++) {
            out.set(i, gradient.get(i) * derivative(activation, z.get(i), a.get(i)));
        }
    }

    /** {@code f(z)}, as {@link Activation} defines each function. */
    private static double apply(Activation activation, double z) {
        return switch (activation) {
            case IDENTITY -> z;
            case RELU -> z > 0 ? z : 0.0;
            case LEAKY_RELU -> z > 0 ? z : Activation.LEAKY_RELU_SLOPE * z;
            case TANH -> Math.tanh(z);
            // Below about z = -709, e^-z overflows and 1 / (1 + e^-z) loses the tiny result; e^z / (1 + e^z) cannot.
            case SIGMOID -> z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
            case GELU -> 0.5 * z * (1 + Math.tanh(geluArgument(z)));
        };
    }

    /** {@code f'(z)}, from {@code z} or from {@code a = f(z)}, whichever the formula is written in. */
    private static double derivative(Activation activation, double z, double a) {
        return switch (activation) {
            case IDENTITY -> 1;
            case RELU -> z > 0 ? 1 : 0;
            case LEAKY_RELU -> z > 0 ? 1 : Activation.LEAKY_RELU_SLOPE;
            case TANH -> 1 - a * a;
            case SIGMOID -> a * (1 - a);
            case GELU -> {
                double t = Math.tanh(geluArgument(z));
                yield 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_SCALE * (1 + 3 * GELU_CUBIC * z * z);
            }
        };
    }

    private static final double GELU_SCALE = Math.sqrt(2 / Math.PI);
    private static final double GELU_CUBIC = 0.044715;

    /** {@code u = sqrt(2/π) (z + 0.044715 z³)}, the argument of GELU's tanh. */
    private static double geluArgument(double z) {
        return GELU_SCALE * (z + GELU_CUBIC * z * z * z);
    }

    @Override
    protected void doMultiplyElements(ArrayMatrix a, ArrayMatrix b, ArrayMatrix out) {
        for (int i = 0; i < a.rows() * a.cols(); i++) {
            out.set(i, a.get(i) * b.get(i));
        }
    }

    private static double rowMaximum(ArrayMatrix z, int row) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < z.cols(); j++) {
            max = Math.max(max, z.get(row * z.cols() + j));
        }
        return max;
    }

    @Override
    protected void doSoftmaxRows(ArrayMatrix z, ArrayMatrix out) {
        for (int i = 0; i < z.rows(); i++) {
            double max = rowMaximum(z, i); // subtracted so that exp never overflows
            double sum = 0;
            for (int j = 0; j < z.cols(); j++) {
                sum += Math.exp(z.get(i * z.cols() + j) - max);
            }
            for (int j = 0; j < z.cols(); j++) { // out may be z: element j is read before it is written
                out.set(i * z.cols() + j, Math.exp(z.get(i * z.cols() + j) - max) / sum);
            }
        }
    }

    @Override
    protected double doSumNegativeLogSoftmax(ArrayMatrix logits, int[] labels) {
        double total = 0;
        for (int i = 0; i < logits.rows(); i++) {
            double max = rowMaximum(logits, i);
            double sum = 0;
            for (int j = 0; j < logits.cols(); j++) {
                sum += Math.exp(logits.get(i * logits.cols() + j) - max);
            }
            total += max + Math.log(sum) - logits.get(i * logits.cols() + labels[i]);
        }
        return total;
    }

    @Override
    protected void doAddAtColumns(ArrayMatrix a, int[] columns, double value) {
        for (int i = 0; i < a.rows(); i++) {
            int at = i * a.cols() + columns[i];
            a.set(at, a.get(at) + value);
        }
    }

    @Override
    protected void doColumnSums(double alpha, ArrayMatrix a, double beta, ArrayMatrix out) {
        for (int j = 0; j < a.cols(); j++) {
            double sum = 0;
            for (int i = 0; i < a.rows(); i++) {
                sum += a.get(i * a.cols() + j);
            }
            out.set(j, alpha * sum + (beta == 0 ? 0 : beta * out.get(j))); // beta = 0: the old out is never read
        }
    }

    @Override
    protected void doAxpy(double alpha, ArrayMatrix x, ArrayMatrix y) {
        for (int i = 0; i < x.rows() * x.cols(); i++) {
            y.set(i, y.get(i) + alpha * x.get(i));
        }
    }

    @Override
    protected void doScale(double alpha, ArrayMatrix a) {
        for (int i = 0; i < a.rows() * a.cols(); i++) {
            a.set(i, alpha * a.get(i));
        }
    }

    @Override
    protected void doFill(ArrayMatrix a, double value) {
        for (int i = 0; i < a.rows() * a.cols(); i++) {
            a.set(i, value);
        }
    }

    @Override
    protected void doArgmaxRows(ArrayMatrix a, int[] out) {
        for (int i = 0; i < a.rows(); i++) {
            int best = 0;
            for (int j = 1; j < a.cols(); j++) {
                if (a.get(i * a.cols() + j) > a.get(i * a.cols() + best)) { // strictly greater: the first index wins a tie
                    best = j;
                }
            }
            out[i] = best;
        }
    }

    // ---------------------------------------------------------------- optimizer steps

    // One element at a time, each formula of SgdUpdate, AdamUpdate and RmsPropUpdate as written there. The
    // gradient with its weight decay stays in a local variable; a stored state is read back after set(), so
    // that in f32 the next formula uses the rounded value, as the reference implementation does.

    @Override
    protected void doSgdStep(SgdUpdate step, ArrayMatrix gradient, ArrayMatrix velocity, ArrayMatrix parameter) {
        for (int i = 0; i < parameter.rows() * parameter.cols(); i++) {
            double g = gradient.get(i) + step.weightDecay() * parameter.get(i);
            if (step.hasMomentum()) {
                velocity.set(i, step.momentum() * velocity.get(i) + g);
                g = step.nesterov() ? g + step.momentum() * velocity.get(i) : velocity.get(i);
            }
            parameter.set(i, parameter.get(i) - step.learningRate() * g);
        }
    }

    @Override
    protected void doAdamStep(AdamUpdate step, ArrayMatrix gradient, ArrayMatrix firstMoment, ArrayMatrix secondMoment,
            ArrayMatrix parameter) {
        double correction1 = step.firstMomentCorrection();
        double correction2 = step.secondMomentCorrection();
        for (int i = 0; i < parameter.rows() * parameter.cols(); i++) {
            double g = gradient.get(i);
            if (step.decoupledWeightDecay()) {
                parameter.set(i, parameter.get(i) * (1 - step.learningRate() * step.weightDecay()));
            } else {
                g += step.weightDecay() * parameter.get(i);
            }
            firstMoment.set(i, step.beta1() * firstMoment.get(i) + (1 - step.beta1()) * g);
            secondMoment.set(i, step.beta2() * secondMoment.get(i) + (1 - step.beta2()) * g * g);
            double mHat = firstMoment.get(i) / correction1;
            double vHat = secondMoment.get(i) / correction2;
            parameter.set(i, parameter.get(i) - step.learningRate() * mHat / (Math.sqrt(vHat) + step.epsilon()));
        }
    }

    @Override
    protected void doRmsPropStep(RmsPropUpdate step, ArrayMatrix gradient, ArrayMatrix meanSquare, ArrayMatrix parameter) {
        for (int i = 0; i < parameter.rows() * parameter.cols(); i++) {
            double g = gradient.get(i) + step.weightDecay() * parameter.get(i);
            meanSquare.set(i, step.alpha() * meanSquare.get(i) + (1 - step.alpha()) * g * g);
            parameter.set(i, parameter.get(i) - step.learningRate() * g / (Math.sqrt(meanSquare.get(i)) + step.epsilon()));
        }
    }
}
