package org.jnn.api;

import java.util.Objects;

/**
 * Base class for backends: checks every argument (null, ownership, shapes, array lengths, aliasing,
 * index ranges) once, with uniform error messages, and hands the library-specific arithmetic to the
 * protected {@code do...} methods, which receive matrices already cast to the backend's own type.
 *
 * <p>Subclasses implement the {@code do...} methods with their library's operations and may assume
 * every precondition documented on {@link LinearAlgebra} holds.
 *
 * <h2>Ownership is checked by class</h2>
 * A matrix belongs to this backend when it is an instance of the class given to the constructor; any
 * other is refused with an {@link IllegalArgumentException} naming both backends as
 * {@link Backends#label} writes them ({@code "... is a matrix of backend 'nd4j (f32)' but this is backend
 * 'ejml (f64)'"}). Two instances of the same class and precision therefore share their matrices.
 *
 * <h2>Two precisions</h2>
 * Since ownership is checked by class, each precision needs its own matrix class, or an F32 matrix would
 * be accepted by the F64 instance. Either subclass one matrix type per precision and pass the subclass
 * for this instance's precision to the constructor, as {@code backend-template}'s {@code ArrayLinearAlgebra}
 * ({@code ArrayMatrix.F64}, {@code ArrayMatrix.F32}) and ND4J's backend do:
 *
 * <pre>{@code
 * @SuppressWarnings("unchecked") // both are MyMatrix
 * private MyLinearAlgebra(Precision precision) {
 *     super((Class<MyMatrix>) (Class<? extends MyMatrix>)
 *             (precision == Precision.F64 ? MyMatrix.F64.class : MyMatrix.F32.class));
 *     this.precision = precision;
 * }
 * }</pre>
 *
 * or write one backend class per precision, each with its own matrix type, as EJML's backend does
 * ({@code EjmlLinearAlgebra} on {@code DMatrixRMaj}, {@code EjmlFloatLinearAlgebra} on
 * {@code FMatrixRMaj}). Either way {@link #withPrecision} returns the instance for the other precision,
 * with the same {@link #name()}.
 *
 * @param <M> the backend's matrix type
 */
public abstract class AbstractLinearAlgebra<M extends Matrix> implements LinearAlgebra {

    private final Class<M> matrixType;

    /**
     * @param matrixType the backend's matrix class for this instance's precision; handles of any other
     *     class are rejected
     */
    protected AbstractLinearAlgebra(Class<M> matrixType) {
        this.matrixType = Objects.requireNonNull(matrixType, "matrixType");
    }

    /** Name and precision, as used in messages: {@code ejml (f64)}. */
    @Override
    public String toString() {
        return Backends.label(this);
    }

    // ---------------------------------------------------------------- hooks for the library

    /** A zero matrix; sizes are at least 1. */
    protected abstract M doZeros(int rows, int cols);

    /** Overwrites {@code destination} from a row-major array of the right length. */
    protected abstract void doSetRowMajor(M destination, double[] data);

    /** Copies {@code source} into a row-major array of the right length. */
    protected abstract void doToRowMajor(M source, double[] destination);

    /** A new matrix with the contents of {@code source}. */
    protected abstract M doCopy(M source);

    protected abstract void doGemm(double alpha, M a, boolean transposeA, M b, boolean transposeB, double beta, M c);

    /** {@code x} has {@code a.rows()} elements and {@code y} has {@code a.cols()}, in either orientation. */
    protected abstract void doRankOneUpdate(double alpha, M x, M y, M a);

    /**
     * {@code out = f(x · w + bias)}; by default {@link #doGemm}, {@link #doAddRowVector} and
     * {@link #doActivate} in turn. Override where the library has a fused operation.
     */
    protected void doAffine(M x, M w, M bias, Activation activation, M out) {
        doGemm(1.0, x, false, w, false, 0.0, out);
        doAddRowVector(out, bias, out);
        if (activation != Activation.IDENTITY) {
            doActivate(activation, out, out);
        }
    }

    /**
     * The summed loss, and {@code gradient = softmax(logits) - onehot(labels)}; by default
     * {@link #doSumNegativeLogSoftmax}, {@link #doSoftmaxRows} and {@link #doAddAtColumns} in turn.
     * Override where the library can share work between them.
     */
    protected double doSoftmaxCrossEntropy(M logits, int[] labels, M gradient) {
        double loss = doSumNegativeLogSoftmax(logits, labels);
        doSoftmaxRows(logits, gradient);
        doAddAtColumns(gradient, labels, -1.0);
        return loss;
    }

    protected abstract void doAddRowVector(M a, M v, M out);

    /** {@code out = f(z)}; {@code out} may be {@code z}. */
    protected abstract void doActivate(Activation activation, M z, M out);

    /** {@code out = gradient ⊙ f'(z)}; {@code out} may be {@code gradient}, {@code z} may be {@code a}. */
    protected abstract void doActivationBackward(Activation activation, M gradient, M z, M a, M out);

    /** {@code out = a ⊙ b}; {@code out} may be {@code a} or {@code b}. */
    protected abstract void doMultiplyElements(M a, M b, M out);

    /** {@code velocity} is null exactly when the step has no momentum; the gradient may be overwritten. */
    protected abstract void doSgdStep(SgdUpdate step, M gradient, M velocity, M parameter);

    /** The gradient may be overwritten. */
    protected abstract void doAdamStep(AdamUpdate step, M gradient, M firstMoment, M secondMoment, M parameter);

    /** The gradient may be overwritten. */
    protected abstract void doRmsPropStep(RmsPropUpdate step, M gradient, M meanSquare, M parameter);

    protected abstract void doSoftmaxRows(M z, M out);

    protected abstract double doSumNegativeLogSoftmax(M logits, int[] labels);

    protected abstract void doAddAtColumns(M a, int[] columns, double value);

    protected abstract void doColumnSums(double alpha, M a, double beta, M out);

    protected abstract void doAxpy(double alpha, M x, M y);

    protected abstract void doScale(double alpha, M a);

    protected abstract void doFill(M a, double value);

    protected abstract void doArgmaxRows(M a, int[] out);

    // ---------------------------------------------------------------- checked entry points

    @Override
    public final Matrix zeros(int rows, int cols) {
        checkSize("zeros", rows, cols);
        return doZeros(rows, cols);
    }

    @Override
    public final Matrix fromRowMajor(int rows, int cols, double[] data) {
        checkSize("fromRowMajor", rows, cols);
        Objects.requireNonNull(data, "data");
        if (data.length != (long) rows * cols) {
            throw new IllegalArgumentException("fromRowMajor: a " + rows + "×" + cols + " matrix needs "
                    + (long) rows * cols + " values but the array holds " + data.length);
        }
        M m = doZeros(rows, cols);
        doSetRowMajor(m, data);
        return m;
    }

    @Override
    public final Matrix copy(Matrix source) {
        return doCopy(own("copy", "source", source));
    }

    @Override
    public final void setRowMajor(Matrix destination, double[] data) {
        M d = own("setRowMajor", "destination", destination);
        Objects.requireNonNull(data, "data");
        checkLength("setRowMajor", d, data.length);
        doSetRowMajor(d, data);
    }

    @Override
    public final void toRowMajor(Matrix source, double[] destination) {
        M s = own("toRowMajor", "source", source);
        Objects.requireNonNull(destination, "destination");
        checkLength("toRowMajor", s, destination.length);
        doToRowMajor(s, destination);
    }

    @Override
    public final void gemm(double alpha, Matrix a, boolean transposeA, Matrix b, boolean transposeB,
            double beta, Matrix c) {
        M ma = own("gemm", "a", a);
        M mb = own("gemm", "b", b);
        M mc = own("gemm", "c", c);
        int m = transposeA ? ma.cols() : ma.rows();
        int k = transposeA ? ma.rows() : ma.cols();
        int kb = transposeB ? mb.cols() : mb.rows();
        int n = transposeB ? mb.rows() : mb.cols();
        if (k != kb) {
            throw new IllegalArgumentException("gemm: inner dimensions differ: op(a) is " + m + "×" + k
                    + describeOp("a", ma, transposeA) + " but op(b) is " + kb + "×" + n + describeOp("b", mb, transposeB));
        }
        if (mc.rows() != m || mc.cols() != n) {
            throw new IllegalArgumentException("gemm: output c is " + mc.shape() + " but op(a)·op(b) is "
                    + m + "×" + n + " (op(a) " + m + "×" + k + ", op(b) " + kb + "×" + n + ")");
        }
        notSame("gemm", "c", mc, "a", ma);
        notSame("gemm", "c", mc, "b", mb);
        doGemm(alpha, ma, transposeA, mb, transposeB, beta, mc);
    }

    @Override
    public final void rankOneUpdate(double alpha, Matrix x, Matrix y, Matrix a) {
        M mx = own("rankOneUpdate", "x", x);
        M my = own("rankOneUpdate", "y", y);
        M ma = own("rankOneUpdate", "a", a);
        if (!isVector(mx) || vectorLength(mx) != ma.rows() || !isVector(my) || vectorLength(my) != ma.cols()) {
            throw new IllegalArgumentException("rankOneUpdate: a is " + ma.shape() + ", so x must be a vector of "
                    + ma.rows() + " and y a vector of " + ma.cols() + " elements, but x is " + mx.shape()
                    + " and y is " + my.shape());
        }
        notSame("rankOneUpdate", "a", ma, "x", mx);
        notSame("rankOneUpdate", "a", ma, "y", my);
        doRankOneUpdate(alpha, mx, my, ma);
    }

    @Override
    public final void affine(Matrix x, Matrix w, Matrix bias, Activation activation, Matrix out) {
        Objects.requireNonNull(activation, "activation");
        M mx = own("affine", "x", x);
        M mw = own("affine", "w", w);
        M mb = own("affine", "bias", bias);
        M mo = own("affine", "out", out);
        if (mx.cols() != mw.rows()) {
            throw new IllegalArgumentException("affine: inner dimensions differ: x is " + mx.shape() + " but w is "
                    + mw.shape() + "; x · w needs w to have " + mx.cols() + " rows");
        }
        if (mb.rows() != 1 || mb.cols() != mw.cols()) {
            throw new IllegalArgumentException("affine: bias must be a 1×" + mw.cols() + " row for w of "
                    + mw.shape() + " but bias is " + mb.shape());
        }
        if (mo.rows() != mx.rows() || mo.cols() != mw.cols()) {
            throw new IllegalArgumentException("affine: out is " + mo.shape() + " but x · w is " + mx.rows() + "×"
                    + mw.cols() + " (x " + mx.shape() + ", w " + mw.shape() + ")");
        }
        notSame("affine", "out", mo, "x", mx);
        notSame("affine", "out", mo, "w", mw);
        notSame("affine", "out", mo, "bias", mb);
        doAffine(mx, mw, mb, activation, mo);
    }

    @Override
    public final double softmaxCrossEntropy(Matrix logits, int[] labels, Matrix gradient) {
        M ml = own("softmaxCrossEntropy", "logits", logits);
        M mg = own("softmaxCrossEntropy", "gradient", gradient);
        checkColumnIndices("softmaxCrossEntropy", "labels", labels, ml);
        sameShape("softmaxCrossEntropy", "gradient", mg, "logits", ml);
        notSame("softmaxCrossEntropy", "gradient", mg, "logits", ml);
        return doSoftmaxCrossEntropy(ml, labels, mg);
    }

    @Override
    public final void addRowVector(Matrix a, Matrix v, Matrix out) {
        M ma = own("addRowVector", "a", a);
        M mv = own("addRowVector", "v", v);
        M mo = own("addRowVector", "out", out);
        if (mv.rows() != 1 || mv.cols() != ma.cols()) {
            throw new IllegalArgumentException("addRowVector: v must be a 1×" + ma.cols()
                    + " row to add to every row of a (" + ma.shape() + ") but v is " + mv.shape());
        }
        sameShape("addRowVector", "out", mo, "a", ma);
        notSame("addRowVector", "out", mo, "v", mv);
        doAddRowVector(ma, mv, mo);
    }

    @Override
    public final void activate(Activation activation, Matrix z, Matrix out) {
        Objects.requireNonNull(activation, "activation");
        M mz = own("activate", "z", z);
        M mo = own("activate", "out", out);
        sameShape("activate", "out", mo, "z", mz);
        doActivate(activation, mz, mo);
    }

    @Override
    public final void activationBackward(Activation activation, Matrix gradient, Matrix z, Matrix a, Matrix out) {
        Objects.requireNonNull(activation, "activation");
        String op = "activationBackward";
        M mg = own(op, "gradient", gradient);
        M mz = own(op, "z", z);
        M ma = own(op, "a", a);
        M mo = own(op, "out", out);
        sameShape(op, "z", mz, "gradient", mg);
        sameShape(op, "a", ma, "gradient", mg);
        sameShape(op, "out", mo, "gradient", mg);
        notSame(op, "out", mo, "z", mz);
        notSame(op, "out", mo, "a", ma);
        doActivationBackward(activation, mg, mz, ma, mo);
    }

    @Override
    public final void multiplyElements(Matrix a, Matrix b, Matrix out) {
        M ma = own("multiplyElements", "a", a);
        M mb = own("multiplyElements", "b", b);
        M mo = own("multiplyElements", "out", out);
        sameShape("multiplyElements", "b", mb, "a", ma);
        sameShape("multiplyElements", "out", mo, "a", ma);
        doMultiplyElements(ma, mb, mo);
    }

    @Override
    public final void softmaxRows(Matrix z, Matrix out) {
        M mz = own("softmaxRows", "z", z);
        M mo = own("softmaxRows", "out", out);
        sameShape("softmaxRows", "out", mo, "z", mz);
        doSoftmaxRows(mz, mo);
    }

    @Override
    public final double sumNegativeLogSoftmax(Matrix logits, int[] labels) {
        M ml = own("sumNegativeLogSoftmax", "logits", logits);
        checkColumnIndices("sumNegativeLogSoftmax", "labels", labels, ml);
        return doSumNegativeLogSoftmax(ml, labels);
    }

    @Override
    public final void addAtColumns(Matrix a, int[] columns, double value) {
        M ma = own("addAtColumns", "a", a);
        checkColumnIndices("addAtColumns", "columns", columns, ma);
        doAddAtColumns(ma, columns, value);
    }

    @Override
    public final void columnSums(double alpha, Matrix a, double beta, Matrix out) {
        M ma = own("columnSums", "a", a);
        M mo = own("columnSums", "out", out);
        if (mo.rows() != 1 || mo.cols() != ma.cols()) {
            throw new IllegalArgumentException("columnSums: out must be 1×" + ma.cols() + " for a of "
                    + ma.shape() + " but out is " + mo.shape());
        }
        notSame("columnSums", "out", mo, "a", ma);
        doColumnSums(alpha, ma, beta, mo);
    }

    @Override
    public final void axpy(double alpha, Matrix x, Matrix y) {
        M mx = own("axpy", "x", x);
        M my = own("axpy", "y", y);
        sameShape("axpy", "y", my, "x", mx);
        doAxpy(alpha, mx, my);
    }

    @Override
    public final void scale(double alpha, Matrix a) {
        doScale(alpha, own("scale", "a", a));
    }

    @Override
    public final void fill(Matrix a, double value) {
        doFill(own("fill", "a", a), value);
    }

    @Override
    public final void argmaxRows(Matrix a, int[] out) {
        M ma = own("argmaxRows", "a", a);
        Objects.requireNonNull(out, "out");
        if (out.length != ma.rows()) {
            throw new IllegalArgumentException("argmaxRows: a is " + ma.shape() + " so out needs "
                    + ma.rows() + " entries but has " + out.length);
        }
        doArgmaxRows(ma, out);
    }

    @Override
    public final void sgdStep(SgdUpdate step, Matrix gradient, Matrix velocity, Matrix parameter) {
        Objects.requireNonNull(step, "step");
        M mg = own("sgdStep", "gradient", gradient);
        M mp = own("sgdStep", "parameter", parameter);
        // A velocity is checked whenever one is given, and used only with momentum.
        M given = velocity == null && !step.hasMomentum() ? null : own("sgdStep", "velocity", velocity);
        M mv = step.hasMomentum() ? given : null;
        distinctSameShape("sgdStep", "gradient", mg, "velocity", given, "parameter", mp, null, null);
        doSgdStep(step, mg, mv, mp);
    }

    @Override
    public final void adamStep(AdamUpdate step, Matrix gradient, Matrix firstMoment, Matrix secondMoment, Matrix parameter) {
        Objects.requireNonNull(step, "step");
        M mg = own("adamStep", "gradient", gradient);
        M mm = own("adamStep", "firstMoment", firstMoment);
        M mv = own("adamStep", "secondMoment", secondMoment);
        M mp = own("adamStep", "parameter", parameter);
        distinctSameShape("adamStep", "gradient", mg, "firstMoment", mm, "secondMoment", mv, "parameter", mp);
        doAdamStep(step, mg, mm, mv, mp);
    }

    @Override
    public final void rmsPropStep(RmsPropUpdate step, Matrix gradient, Matrix meanSquare, Matrix parameter) {
        Objects.requireNonNull(step, "step");
        M mg = own("rmsPropStep", "gradient", gradient);
        M ms = own("rmsPropStep", "meanSquare", meanSquare);
        M mp = own("rmsPropStep", "parameter", parameter);
        distinctSameShape("rmsPropStep", "gradient", mg, "meanSquare", ms, "parameter", mp, null, null);
        doRmsPropStep(step, mg, ms, mp);
    }

    // ---------------------------------------------------------------- checks

    /**
     * Casts a handle to this backend's matrix type, rejecting null and handles of other backends (or
     * of this backend in another precision) with a message that names both.
     */
    protected final M own(String operation, String argument, Matrix matrix) {
        if (matrix == null) {
            throw new NullPointerException(operation + ": argument " + argument + " is null");
        }
        if (!matrixType.isInstance(matrix)) {
            throw new IllegalArgumentException(operation + ": argument " + argument + " is a matrix of backend '"
                    + Backends.label(matrix.backend()) + "' but this is backend '" + Backends.label(this)
                    + "'; create every matrix with the backend that operates on it");
        }
        return matrixType.cast(matrix);
    }

    private static void checkSize(String operation, int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(operation + ": a matrix needs at least one row and one column, got "
                    + rows + "×" + cols);
        }
    }

    private static void checkLength(String operation, Matrix m, int length) {
        if (length != m.rows() * m.cols()) {
            throw new IllegalArgumentException(operation + ": the matrix is " + m.shape() + " ("
                    + m.rows() * m.cols() + " values) but the array holds " + length);
        }
    }

    private static void sameShape(String operation, String name, Matrix m, String otherName, Matrix other) {
        if (m.rows() != other.rows() || m.cols() != other.cols()) {
            throw new IllegalArgumentException(operation + ": " + name + " is " + m.shape() + " but "
                    + otherName + " is " + other.shape() + "; they must have the same shape");
        }
    }

    private static void notSame(String operation, String name, Matrix m, String otherName, Matrix other) {
        if (m == other) {
            throw new IllegalArgumentException(operation + ": " + name + " and " + otherName
                    + " are the same matrix (" + m.shape() + "); this operation needs a separate output");
        }
    }

    private static void checkColumnIndices(String operation, String name, int[] indices, Matrix m) {
        Objects.requireNonNull(indices, name);
        if (indices.length != m.rows()) {
            throw new IllegalArgumentException(operation + ": the matrix is " + m.shape() + " so " + name
                    + " needs " + m.rows() + " entries, one per row, but has " + indices.length);
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= m.cols()) {
                throw new IllegalArgumentException(operation + ": " + name + "[" + i + "] is " + indices[i]
                        + ", outside the column range [0, " + m.cols() + ") of a " + m.shape() + " matrix");
            }
        }
    }

    /**
     * The optimizer steps' rule: every given matrix (nulls are skipped) has the first one's shape, and no
     * two are the same. Fixed arguments rather than arrays, so that a checked step allocates nothing.
     */
    private static void distinctSameShape(String operation, String n0, Matrix m0, String n1, Matrix m1, String n2,
            Matrix m2, String n3, Matrix m3) {
        sameShapeIfGiven(operation, n1, m1, n0, m0);
        sameShapeIfGiven(operation, n2, m2, n0, m0);
        sameShapeIfGiven(operation, n3, m3, n0, m0);
        notSameIfGiven(operation, n1, m1, n0, m0);
        notSameIfGiven(operation, n2, m2, n0, m0);
        notSameIfGiven(operation, n2, m2, n1, m1);
        notSameIfGiven(operation, n3, m3, n0, m0);
        notSameIfGiven(operation, n3, m3, n1, m1);
        notSameIfGiven(operation, n3, m3, n2, m2);
    }

    private static void sameShapeIfGiven(String operation, String name, Matrix m, String otherName, Matrix other) {
        if (m != null) {
            sameShape(operation, name, m, otherName, other);
        }
    }

    private static void notSameIfGiven(String operation, String name, Matrix m, String otherName, Matrix other) {
        if (m != null && other != null) {
            notSame(operation, name, m, otherName, other);
        }
    }

    private static boolean isVector(Matrix m) {
        return m.rows() == 1 || m.cols() == 1;
    }

    private static int vectorLength(Matrix m) {
        return m.rows() * m.cols();
    }

    private static String describeOp(String name, Matrix m, boolean transposed) {
        return transposed ? " (" + name + " " + m.shape() + " transposed)" : "";
    }
}
