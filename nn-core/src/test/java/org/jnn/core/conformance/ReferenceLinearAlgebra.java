package org.jnn.core.conformance;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.jnn.api.AbstractLinearAlgebra;
import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.Availability;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;

/**
 * The test oracle of the conformance suite: every operation of {@link LinearAlgebra} written the plain
 * way, on {@code double[][]} storage with straightforward loops, so that it is obviously correct.
 *
 * <p>In {@link Precision#F32} it stores and returns every value rounded to float, the way a single-precision
 * backend stores it, and computes in double in between; the suite itself always takes its expected values
 * from an F64 instance.
 *
 * <p>It is not a product backend. It is registered for nn-core's own tests only (so that the suite's
 * registration rule holds for it there), from {@code src/test/registration}, which nn-core's Surefire adds
 * to its class path: that folder is neither in the test-jar nor in {@code target/test-classes}, which every
 * backend module's tests see, and where it must not add a provider.
 *
 * <p>One deliberate strictness beyond the contract: the suite's oracle ({@link #oracle()}) and the other
 * instances do not accept each other's matrices (the base class only checks the matrix class). That lets
 * the suite's "matrix of another backend" rule run against the reference itself, with the oracle playing
 * the other backend. The other instances of one precision share their matrices, as the contract asks of
 * every backend (data-parallel training has worker instances read the network's weights).
 *
 * <p>Argument checks (shapes, aliasing, index ranges) are done by {@link AbstractLinearAlgebra}; the
 * {@code do...} methods are protected so that {@code ConformanceSelfTest} can derive deliberately broken
 * variants.
 */
public class ReferenceLinearAlgebra extends AbstractLinearAlgebra<ReferenceLinearAlgebra.ReferenceMatrix> {

    /** A dense matrix stored as {@code values[row][column]}. */
    public static final class ReferenceMatrix implements Matrix {

        private final ReferenceLinearAlgebra owner;
        private final double[][] values;

        private ReferenceMatrix(ReferenceLinearAlgebra owner, int rows, int cols) {
            this.owner = owner;
            this.values = new double[rows][cols];
        }

        @Override
        public int rows() {
            return values.length;
        }

        @Override
        public int cols() {
            return values[0].length;
        }

        @Override
        public LinearAlgebra backend() {
            return owner;
        }

        @Override
        public String toString() {
            return "ReferenceMatrix " + shape();
        }
    }

    private final Precision precision;
    /** Instances of one family share their matrices: the precision, or the oracle's own. */
    private final Object family;

    /** The F64 reference, as {@link java.util.ServiceLoader} creates it. */
    public ReferenceLinearAlgebra() {
        this(Precision.F64);
    }

    public ReferenceLinearAlgebra(Precision precision) {
        this(precision, Objects.requireNonNull(precision, "precision"));
    }

    private ReferenceLinearAlgebra(Precision precision, Object family) {
        super(ReferenceMatrix.class);
        this.precision = Objects.requireNonNull(precision, "precision");
        this.family = family;
    }

    /** An F64 instance that shares its matrices with no other, to play "another backend". */
    public static ReferenceLinearAlgebra oracle() {
        return new ReferenceLinearAlgebra(Precision.F64, new Object());
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "plain double[][] reference implementation (conformance-test oracle, " + precision.id() + ")";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public Set<Precision> supportedPrecisions() {
        return EnumSet.allOf(Precision.class);
    }

    @Override
    public LinearAlgebra withPrecision(Precision other) {
        return other == precision ? this : new ReferenceLinearAlgebra(other);
    }

    // ---------------------------------------------------------------- storage access

    /**
     * The storage of a matrix of this instance or one that shares its matrices. Every {@code do...} method fetches the storage of
     * all its arguments before writing anything, so a rejected call changes nothing.
     */
    protected final double[][] values(ReferenceMatrix m) {
        if (m.owner.family != family) {
            throw new IllegalArgumentException("a " + m.shape() + " matrix of an instance of backend '"
                    + Backends.label(m.owner) + "' that does not share its matrices was passed to this instance of backend '"
                    + Backends.label(this) + "'; create every matrix with the backend instance that operates on it");
        }
        return m.values;
    }

    /** A value as this instance stores it: rounded to float in F32. */
    private double stored(double value) {
        return precision == Precision.F32 ? (float) value : value;
    }

    /** Element {@code i} of a vector stored either as a row or as a column. */
    private static double vectorElement(double[][] v, int i) {
        return v.length == 1 ? v[0][i] : v[i][0];
    }

    /** {@code x} or its transpose, as a new array of rows. */
    private static double[][] op(double[][] x, boolean transposed) {
        if (!transposed) {
            return x;
        }
        double[][] t = new double[x[0].length][x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                t[j][i] = x[i][j];
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- data in and out

    @Override
    protected ReferenceMatrix doZeros(int rows, int cols) {
        return new ReferenceMatrix(this, rows, cols);
    }

    @Override
    protected void doSetRowMajor(ReferenceMatrix destination, double[] data) {
        double[][] d = values(destination);
        int cols = destination.cols();
        for (int i = 0; i < destination.rows(); i++) {
            for (int j = 0; j < cols; j++) {
                d[i][j] = stored(data[i * cols + j]);
            }
        }
    }

    @Override
    protected void doToRowMajor(ReferenceMatrix source, double[] destination) {
        double[][] s = values(source);
        int cols = source.cols();
        for (int i = 0; i < source.rows(); i++) {
            for (int j = 0; j < cols; j++) {
                destination[i * cols + j] = s[i][j];
            }
        }
    }

    @Override
    protected ReferenceMatrix doCopy(ReferenceMatrix source) {
        double[][] s = values(source);
        ReferenceMatrix copy = new ReferenceMatrix(this, source.rows(), source.cols());
        for (int i = 0; i < source.rows(); i++) {
            for (int j = 0; j < source.cols(); j++) {
                copy.values[i][j] = s[i][j];
            }
        }
        return copy;
    }

    // ---------------------------------------------------------------- level 3 and level 2

    @Override
    protected void doGemm(double alpha, ReferenceMatrix a, boolean transposeA, ReferenceMatrix b, boolean transposeB,
            double beta, ReferenceMatrix c) {
        double[][] av = op(values(a), transposeA);
        double[][] bv = op(values(b), transposeB);
        double[][] cv = values(c);
        int inner = bv.length;
        double[] sum = new double[c.cols()];
        // c is neither a nor b (checked by the base class), so c can be written while a and b are read.
        for (int i = 0; i < c.rows(); i++) {
            Arrays.fill(sum, 0);
            for (int p = 0; p < inner; p++) { // row i of op(a)·op(b) is the sum of the rows of op(b) scaled by op(a)[i][p]
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += av[i][p] * bv[p][j];
                }
            }
            for (int j = 0; j < sum.length; j++) {
                double old = beta == 0 ? 0 : beta * cv[i][j]; // beta == 0: the old c is never read
                cv[i][j] = stored(alpha * sum[j] + old);
            }
        }
    }

    @Override
    protected void doRankOneUpdate(double alpha, ReferenceMatrix x, ReferenceMatrix y, ReferenceMatrix a) {
        double[][] xv = values(x);
        double[][] yv = values(y);
        double[][] av = values(a);
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                av[i][j] = stored(av[i][j] + alpha * vectorElement(xv, i) * vectorElement(yv, j));
            }
        }
    }

    // ---------------------------------------------------------------- fused layer operations

    /** The base class's composition, once every argument is known to be this instance's (so a rejected call writes nothing). */
    @Override
    protected void doAffine(ReferenceMatrix x, ReferenceMatrix w, ReferenceMatrix bias, Activation activation,
            ReferenceMatrix out) {
        for (ReferenceMatrix m : new ReferenceMatrix[] {x, w, bias, out}) {
            values(m);
        }
        super.doAffine(x, w, bias, activation, out);
    }

    /** The base class's composition, once both matrices are known to be this instance's. */
    @Override
    protected double doSoftmaxCrossEntropy(ReferenceMatrix logits, int[] labels, ReferenceMatrix gradient) {
        values(logits);
        values(gradient);
        return super.doSoftmaxCrossEntropy(logits, labels, gradient);
    }

    // ---------------------------------------------------------------- element-wise and row-wise

    @Override
    protected void doAddRowVector(ReferenceMatrix a, ReferenceMatrix v, ReferenceMatrix out) {
        double[][] av = values(a);
        double[][] vv = values(v);
        double[][] ov = values(out);
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                ov[i][j] = stored(av[i][j] + vv[0][j]);
            }
        }
    }

    @Override
    protected void doActivate(Activation activation, ReferenceMatrix z, ReferenceMatrix out) {
        double[][] zv = values(z);
        double[][] ov = values(out);
        for (int i = 0; i < z.rows(); i++) {
            for (int j = 0; j < z.cols(); j++) {
                ov[i][j] = stored(apply(activation, zv[i][j]));
            }
        }
    }

    @Override
    protected void doActivationBackward(Activation activation, ReferenceMatrix gradient, ReferenceMatrix z,
            ReferenceMatrix a, ReferenceMatrix out) {
        double[][] gv = values(gradient);
        double[][] zv = values(z);
        double[][] av = values(a);
        double[][] ov = values(out);
        for (int i = 0; i < gradient.rows(); i++) {
            for (int j = 0; j < gradient.cols(); j++) {
                ov[i][j] = stored(gv[i][j] * derivative(activation, zv[i][j], av[i][j]));
            }
        }
    }

    /** {@code f(z)}, each function as {@link Activation} defines it, written the obvious way. */
    public static double apply(Activation activation, double z) {
        switch (activation) {
            case IDENTITY:
                return z;
            case RELU:
                return z > 0 ? z : 0.0;
            case LEAKY_RELU:
                return z > 0 ? z : Activation.LEAKY_RELU_SLOPE * z;
            case TANH:
                return Math.tanh(z);
            case SIGMOID:
                // e^-z overflows for z below about -709; the other form cannot.
                return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
            case GELU:
                return 0.5 * z * (1 + Math.tanh(geluArgument(z)));
            default:
                throw new AssertionError(activation);
        }
    }

    /** {@code f'(z)} given both {@code z} and {@code a = f(z)}, each from the one the formula uses. */
    public static double derivative(Activation activation, double z, double a) {
        switch (activation) {
            case IDENTITY:
                return 1;
            case RELU:
                return z > 0 ? 1 : 0;
            case LEAKY_RELU:
                return z > 0 ? 1 : Activation.LEAKY_RELU_SLOPE;
            case TANH:
                return 1 - a * a;
            case SIGMOID:
                return a * (1 - a);
            case GELU: {
                double t = Math.tanh(geluArgument(z));
                return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_SCALE * (1 + 3 * GELU_CUBIC * z * z);
            }
            default:
                throw new AssertionError(activation);
        }
    }

    /** GELU's {@code sqrt(2/π)}. */
    public static final double GELU_SCALE = Math.sqrt(2 / Math.PI);
    /** GELU's coefficient of {@code z³}. */
    public static final double GELU_CUBIC = 0.044715;

    /** GELU's {@code u = sqrt(2/π) (z + 0.044715 z³)}, whose tanh it takes. */
    public static double geluArgument(double z) {
        return GELU_SCALE * (z + GELU_CUBIC * z * z * z);
    }

    @Override
    protected void doMultiplyElements(ReferenceMatrix a, ReferenceMatrix b, ReferenceMatrix out) {
        double[][] av = values(a);
        double[][] bv = values(b);
        double[][] ov = values(out);
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                ov[i][j] = stored(av[i][j] * bv[i][j]);
            }
        }
    }

    @Override
    protected void doSoftmaxRows(ReferenceMatrix z, ReferenceMatrix out) {
        double[][] zv = values(z);
        double[][] ov = values(out);
        int cols = z.cols();
        double[] exps = new double[cols]; // out may be z: read the whole row before writing it
        for (int i = 0; i < z.rows(); i++) {
            double max = zv[i][0];
            for (int j = 1; j < cols; j++) {
                max = Math.max(max, zv[i][j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                exps[j] = Math.exp(zv[i][j] - max);
                sum += exps[j];
            }
            for (int j = 0; j < cols; j++) {
                ov[i][j] = stored(exps[j] / sum);
            }
        }
    }

    @Override
    protected double doSumNegativeLogSoftmax(ReferenceMatrix logits, int[] labels) {
        double[][] zv = values(logits);
        double total = 0;
        for (int i = 0; i < logits.rows(); i++) {
            double max = zv[i][0];
            for (int j = 1; j < logits.cols(); j++) {
                max = Math.max(max, zv[i][j]);
            }
            double sum = 0;
            for (int j = 0; j < logits.cols(); j++) {
                sum += Math.exp(zv[i][j] - max);
            }
            double logSumExp = max + Math.log(sum);
            total += logSumExp - zv[i][labels[i]];
        }
        return stored(total);
    }

    @Override
    protected void doAddAtColumns(ReferenceMatrix a, int[] columns, double value) {
        double[][] av = values(a);
        for (int i = 0; i < a.rows(); i++) {
            av[i][columns[i]] = stored(av[i][columns[i]] + value);
        }
    }

    @Override
    protected void doColumnSums(double alpha, ReferenceMatrix a, double beta, ReferenceMatrix out) {
        double[][] av = values(a);
        double[][] ov = values(out);
        for (int j = 0; j < a.cols(); j++) {
            double sum = 0;
            for (int i = 0; i < a.rows(); i++) {
                sum += av[i][j];
            }
            double old = beta == 0 ? 0 : beta * ov[0][j]; // beta == 0: the old out is never read
            ov[0][j] = stored(alpha * sum + old);
        }
    }

    @Override
    protected void doAxpy(double alpha, ReferenceMatrix x, ReferenceMatrix y) {
        double[][] xv = values(x);
        double[][] yv = values(y);
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                yv[i][j] = stored(yv[i][j] + alpha * xv[i][j]);
            }
        }
    }

    @Override
    protected void doScale(double alpha, ReferenceMatrix a) {
        double[][] av = values(a);
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                av[i][j] = stored(av[i][j] * alpha);
            }
        }
    }

    @Override
    protected void doFill(ReferenceMatrix a, double value) {
        double[][] av = values(a);
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                av[i][j] = stored(value);
            }
        }
    }

    @Override
    protected void doArgmaxRows(ReferenceMatrix a, int[] out) {
        double[][] av = values(a);
        for (int i = 0; i < a.rows(); i++) {
            int best = 0;
            for (int j = 1; j < a.cols(); j++) {
                if (av[i][j] > av[i][best]) { // strictly greater: the first index wins a tie
                    best = j;
                }
            }
            out[i] = best;
        }
    }

    // ---------------------------------------------------------------- optimizer steps, one element at a time

    @Override
    protected void doSgdStep(SgdUpdate step, ReferenceMatrix gradient, ReferenceMatrix velocity, ReferenceMatrix parameter) {
        double[][] gv = values(gradient);
        double[][] vv = velocity == null ? null : values(velocity);
        double[][] pv = values(parameter);
        for (int i = 0; i < parameter.rows(); i++) {
            for (int j = 0; j < parameter.cols(); j++) {
                double g = gv[i][j] + step.weightDecay() * pv[i][j];
                if (step.hasMomentum()) {
                    vv[i][j] = stored(step.momentum() * vv[i][j] + g);
                    g = step.nesterov() ? g + step.momentum() * vv[i][j] : vv[i][j];
                }
                pv[i][j] = stored(pv[i][j] - step.learningRate() * g);
            }
        }
    }

    @Override
    protected void doAdamStep(AdamUpdate step, ReferenceMatrix gradient, ReferenceMatrix firstMoment,
            ReferenceMatrix secondMoment, ReferenceMatrix parameter) {
        double[][] gv = values(gradient);
        double[][] mv = values(firstMoment);
        double[][] vv = values(secondMoment);
        double[][] pv = values(parameter);
        double correction1 = 1 - Math.pow(step.beta1(), step.step());
        double correction2 = 1 - Math.pow(step.beta2(), step.step());
        for (int i = 0; i < parameter.rows(); i++) {
            for (int j = 0; j < parameter.cols(); j++) {
                double g = gv[i][j];
                if (step.decoupledWeightDecay()) {
                    pv[i][j] = stored(pv[i][j] * (1 - step.learningRate() * step.weightDecay()));
                } else {
                    g += step.weightDecay() * pv[i][j];
                }
                mv[i][j] = stored(step.beta1() * mv[i][j] + (1 - step.beta1()) * g);
                vv[i][j] = stored(step.beta2() * vv[i][j] + (1 - step.beta2()) * g * g);
                double mHat = mv[i][j] / correction1;
                double vHat = vv[i][j] / correction2;
                pv[i][j] = stored(pv[i][j] - step.learningRate() * mHat / (Math.sqrt(vHat) + step.epsilon()));
            }
        }
    }

    @Override
    protected void doRmsPropStep(RmsPropUpdate step, ReferenceMatrix gradient, ReferenceMatrix meanSquare,
            ReferenceMatrix parameter) {
        double[][] gv = values(gradient);
        double[][] sv = values(meanSquare);
        double[][] pv = values(parameter);
        for (int i = 0; i < parameter.rows(); i++) {
            for (int j = 0; j < parameter.cols(); j++) {
                double g = gv[i][j] + step.weightDecay() * pv[i][j];
                sv[i][j] = stored(step.alpha() * sv[i][j] + (1 - step.alpha()) * g * g);
                pv[i][j] = stored(pv[i][j] - step.learningRate() * g / (Math.sqrt(sv[i][j]) + step.epsilon()));
            }
        }
    }
}
