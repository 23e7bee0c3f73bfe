package org.jnn.backend.ejml;

import java.util.Set;

import org.ejml.EjmlParameters;
import org.ejml.UtilEjml;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.IGrowArray;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.mult.MatrixMatrixMult_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;
import org.ejml.ops.DOperatorUnary;
import org.jnn.api.AbstractLinearAlgebra;
import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.Availability;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;

/**
 * {@link LinearAlgebra} on EJML's dense row-major {@link DMatrixRMaj} in double precision, with
 * {@link CommonOps_DDRM} and its kin.
 *
 * <p>Both precisions are compiled from this one source: the f64 class is written by hand and the build
 * generates the f32 class from it by textual rules (EJML's type names, the element type, literals, class
 * names, the precision), listed in this module's pom, as EJML itself generates its float code. Three
 * conventions keep those rules exact: the SPI's own scalars and arrays keep the SPI's names ({@code alpha},
 * {@code beta}, {@code value}, {@code data}, {@code destination}) and their declared type; every scalar
 * handed to EJML goes through {@link #element}; and the one job done with different EJML calls per
 * precision, moving the SPI's arrays in and out, is in {@link RowMajorArrays}. A slip in any of them stops
 * the f32 class from compiling.
 *
 * <p>Every operation is done by EJML's own routines ({@link CommonOps_DDRM}, {@link CommonOps_MT_DDRM},
 * {@link MatrixMatrixMult_DDRM}, {@link VectorVectorMult_DDRM}); the backend composes them. Row-wise
 * broadcasts (adding a row vector to every row, subtracting each row's maximum) are rank-1 updates with a
 * vector of ones. Two operations have no EJML routine and are loops over EJML's element accessors:
 * {@link #doAddAtColumns} (EJML gathers elements by position but has no scatter-add) and {@link
 * #doArgmaxRows} (EJML's {@code elementMax} with a location scans a whole matrix and keeps the last
 * maximum, where the SPI wants the first of each row). The activations EJML has no routine for (ReLU,
 * leaky ReLU, tanh, the sigmoid, GELU), the derivatives not made of its element-wise arithmetic, and the
 * square root are EJML element-wise operators ({@link DOperatorUnary}) run by {@link CommonOps_DDRM#apply};
 * the optimizer steps chain EJML's element-wise routines ({@code add}, {@code addEquals}, {@code elementMult},
 * {@code elementDiv}, ...), none of which has a multi-threaded variant. Scratch matrices live in fields and
 * only grow, so after the first call at a given size nothing is allocated; an instance is therefore for one
 * thread at a time.
 *
 * <p>Matrix products with at least {@link Ejml#DEFAULT_PARALLEL_THRESHOLD} multiply-adds use EJML's
 * multi-threaded {@link CommonOps_MT_DDRM} when the machine has more than one processor; smaller ones,
 * which lose to the thread hand-off, use the single-threaded routines. A product {@code a·bᵀ} with at
 * least two rows goes through {@link CommonOps_DDRM#transpose} into scratch and EJML's row-reordered
 * {@code mult}, which is over twice as fast as its dot-product {@code multTransB}.
 */
public final class EjmlLinearAlgebra extends AbstractLinearAlgebra<EjmlMatrix> {

    // The activations, derivatives and square root EJML has no routine for, as its element-wise operators.
    // Constants and results pass through element, so the f32 class computes in float. CommonOps_DDRM.apply
    // runs over its input's whole data array, not just its shape, so the input is always a caller's matrix
    // (whose array is exactly its size), never grown scratch.
    private static final double LEAKY_SLOPE = element(Activation.LEAKY_RELU_SLOPE);
    private static final double HALF = element(0.5);
    private static final double GELU_SCALE = element(Math.sqrt(2 / Math.PI));
    private static final double GELU_CUBIC = element(0.044715);

    private static final DOperatorUnary RELU_FUNCTION = x -> Math.max(0.0, x);
    private static final DOperatorUnary RELU_DERIVATIVE = x -> x > 0.0 ? 1.0 : 0.0;
    private static final DOperatorUnary LEAKY_RELU_FUNCTION = x -> x > 0.0 ? x : LEAKY_SLOPE * x;
    private static final DOperatorUnary LEAKY_RELU_DERIVATIVE = x -> x > 0.0 ? 1.0 : LEAKY_SLOPE;
    private static final DOperatorUnary TANH_FUNCTION = x -> element(Math.tanh(x));
    /** 1 / (1 + e^-z) for z >= 0 and e^z / (1 + e^z) below, so e^-|z| never overflows. */
    private static final DOperatorUnary SIGMOID_FUNCTION = x -> {
        double e = element(Math.exp(-Math.abs(x)));
        return x >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    };
    /** z/2 (1 + tanh u), u = sqrt(2/π) (z + 0.044715 z³): in the tails tanh u is ±1, so the result stays finite. */
    private static final DOperatorUnary GELU_FUNCTION = x -> HALF * x * (1.0 + geluTanh(x));
    private static final DOperatorUnary GELU_DERIVATIVE = x -> {
        double t = geluTanh(x);
        return HALF * (1.0 + t) + HALF * x * (1.0 - t * t) * GELU_SCALE * (1.0 + 3 * GELU_CUBIC * x * x);
    };
    /** EJML's own square root, elementPower(·, 0.5), is a Math.pow per element: 300 µs against 39 on 784×200. */
    private static final DOperatorUnary SQUARE_ROOT = x -> element(Math.sqrt(x));

    private final long parallelThreshold;
    private final RowMajorArrays arrays = new RowMajorArrays();

    // Scratch, grown on demand and never shrunk (DMatrixRMaj.reshape keeps a larger array).
    private final DMatrixRMaj ones = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj rowMax = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj rowSum = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj rowPicked = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj colSum = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj work = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj transposed = new DMatrixRMaj(1, 1);
    private final IGrowArray labelPositions = new IGrowArray();
    private double[] aux = new double[1];

    /** With the default threading rule; cheap, loads nothing (this is what ServiceLoader creates). */
    public EjmlLinearAlgebra() {
        this(Ejml.defaultParallelThreshold());
    }

    /**
     * @param parallelThreshold products of at least this many multiply-adds use EJML's multi-threaded
     *     routines; {@link Long#MAX_VALUE} never, 0 always
     */
    EjmlLinearAlgebra(long parallelThreshold) {
        super(EjmlMatrix.class);
        this.parallelThreshold = parallelThreshold;
        ones.fill(1.0);
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public String name() {
        return Ejml.NAME;
    }

    @Override
    public String description() {
        return Ejml.description(precision());
    }

    @Override
    public int priority() {
        return Ejml.PRIORITY;
    }

    @Override
    public Availability availability() {
        return Ejml.availability("org.ejml.data.DMatrixRMaj");
    }

    @Override
    public Precision precision() {
        return Precision.F64;
    }

    @Override
    public Set<Precision> supportedPrecisions() {
        return Ejml.supportedPrecisions();
    }

    /** This instance in its own precision; in the other, a new instance with the same threading rule. */
    @Override
    public LinearAlgebra withPrecision(Precision precision) {
        return precision == precision() ? this : Ejml.inPrecision(precision, parallelThreshold);
    }

    // ---------------------------------------------------------------- data in and out

    @Override
    protected EjmlMatrix doZeros(int rows, int cols) {
        return wrap(new DMatrixRMaj(rows, cols));
    }

    @Override
    protected void doSetRowMajor(EjmlMatrix destination, double[] data) {
        arrays.copy(data, destination.dense());
    }

    @Override
    protected void doToRowMajor(EjmlMatrix source, double[] destination) {
        arrays.copy(source.dense(), destination);
    }

    @Override
    protected EjmlMatrix doCopy(EjmlMatrix source) {
        return wrap(source.dense().copy());
    }

    private EjmlMatrix wrap(DMatrixRMaj m) {
        return new EjmlMatrix(this, m);
    }

    // ---------------------------------------------------------------- level 3 and level 2

    @Override
    protected void doGemm(double alpha, EjmlMatrix a, boolean transposeA, EjmlMatrix b, boolean transposeB,
            double beta, EjmlMatrix c) {
        DMatrixRMaj ma = a.dense();
        DMatrixRMaj mb = b.dense();
        DMatrixRMaj mc = c.dense();
        if (alpha == 0.0) {
            // As in BLAS, op(a)·op(b) is not computed at all (so NaN in a or b does not reach c).
            scaleOrZero(beta, mc);
            return;
        }
        if (transposeB && mc.numRows >= 2 && mc.numCols >= EjmlParameters.MULT_COLUMN_SWITCH) {
            // EJML's a·bᵀ is a dot product per element, about 2.4 times slower than its row-reordered a·b
            // for the same work. From two rows of output on, transposing b into scratch and using the
            // reordered product wins (measured: 64×784·(200×784)ᵀ 10.0 ms -> 4.2 ms, transpose included;
            // at one row the transpose costs what it saves).
            CommonOps_DDRM.transpose(mb, transposed);
            mb = transposed;
            transposeB = false;
        }
        long k = transposeA ? ma.numRows : ma.numCols;
        boolean parallel = (long) mc.numRows * mc.numCols * k >= parallelThreshold;
        if (beta == 0.0) {
            // EJML's mult* routines assign c (C.set), never read it, so NaN in the old c is ignored.
            multiply(element(alpha), ma, transposeA, mb, transposeB, mc, parallel);
        } else {
            scaleOrZero(beta, mc);
            multiplyAdd(element(alpha), ma, transposeA, mb, transposeB, mc, parallel);
        }
    }

    /** {@code c = factor·op(a)·op(b)}. */
    private void multiply(double factor, DMatrixRMaj a, boolean ta, DMatrixRMaj b, boolean tb, DMatrixRMaj c,
            boolean parallel) {
        if (parallel) {
            if (!ta && !tb) {
                CommonOps_MT_DDRM.mult(factor, a, b, c);
            } else if (ta && !tb) {
                CommonOps_MT_DDRM.multTransA(factor, a, b, c);
            } else if (!ta) {
                CommonOps_MT_DDRM.multTransB(factor, a, b, c);
            } else {
                CommonOps_MT_DDRM.multTransAB(factor, a, b, c);
            }
        } else if (!ta && !tb) {
            CommonOps_DDRM.mult(factor, a, b, c);
        } else if (ta && !tb) {
            CommonOps_DDRM.multTransA(factor, a, b, c);
        } else if (!ta) {
            CommonOps_DDRM.multTransB(factor, a, b, c);
        } else if (a.numCols >= EjmlParameters.MULT_TRANAB_COLUMN_SWITCH) {
            // Same choice as CommonOps_DDRM.multTransAB, but with our own column buffer: CommonOps
            // passes null, which makes EJML allocate one per call.
            MatrixMatrixMult_DDRM.multTransAB_aux(factor, a, b, c, aux(a.numRows));
        } else {
            CommonOps_DDRM.multTransAB(factor, a, b, c);
        }
    }

    /** {@code c += factor·op(a)·op(b)}. */
    private void multiplyAdd(double factor, DMatrixRMaj a, boolean ta, DMatrixRMaj b, boolean tb, DMatrixRMaj c,
            boolean parallel) {
        if (parallel) {
            if (!ta && !tb) {
                CommonOps_MT_DDRM.multAdd(factor, a, b, c);
            } else if (ta && !tb) {
                CommonOps_MT_DDRM.multAddTransA(factor, a, b, c);
            } else if (!ta) {
                CommonOps_MT_DDRM.multAddTransB(factor, a, b, c);
            } else {
                CommonOps_MT_DDRM.multAddTransAB(factor, a, b, c);
            }
        } else if (!ta && !tb) {
            CommonOps_DDRM.multAdd(factor, a, b, c);
        } else if (ta && !tb) {
            CommonOps_DDRM.multAddTransA(factor, a, b, c);
        } else if (!ta) {
            CommonOps_DDRM.multAddTransB(factor, a, b, c);
        } else if (a.numCols >= EjmlParameters.MULT_TRANAB_COLUMN_SWITCH) {
            MatrixMatrixMult_DDRM.multAddTransAB_aux(factor, a, b, c, aux(a.numRows));
        } else {
            CommonOps_DDRM.multAddTransAB(factor, a, b, c);
        }
    }

    @Override
    protected void doRankOneUpdate(double alpha, EjmlMatrix x, EjmlMatrix y, EjmlMatrix a) {
        // addOuterProd reads x and y by their linear index, so rows and columns both work.
        VectorVectorMult_DDRM.addOuterProd(element(alpha), x.dense(), y.dense(), a.dense());
    }

    // ---------------------------------------------------------------- element-wise and row-wise

    @Override
    protected void doAddRowVector(EjmlMatrix a, EjmlMatrix v, EjmlMatrix out) {
        DMatrixRMaj mo = out.dense();
        if (out != a) {
            mo.setTo(a.dense());
        }
        // out += 1·vᵀ: the broadcast as a rank-1 update with a column of ones (1·v[j] is exact).
        VectorVectorMult_DDRM.addOuterProd(1.0, ones(mo.numRows), v.dense(), mo);
    }

    @Override
    protected void doActivate(Activation activation, EjmlMatrix z, EjmlMatrix out) {
        DMatrixRMaj mz = z.dense();
        DMatrixRMaj mo = out.dense();
        switch (activation) {
            case IDENTITY -> mo.setTo(mz);
            case RELU -> CommonOps_DDRM.apply(mz, RELU_FUNCTION, mo);
            case LEAKY_RELU -> CommonOps_DDRM.apply(mz, LEAKY_RELU_FUNCTION, mo);
            case TANH -> CommonOps_DDRM.apply(mz, TANH_FUNCTION, mo);
            case SIGMOID -> CommonOps_DDRM.apply(mz, SIGMOID_FUNCTION, mo);
            case GELU -> CommonOps_DDRM.apply(mz, GELU_FUNCTION, mo);
        }
    }

    @Override
    protected void doActivationBackward(Activation activation, EjmlMatrix gradient, EjmlMatrix z, EjmlMatrix a,
            EjmlMatrix out) {
        // f' goes to scratch first and is then multiplied in, so out may be the gradient.
        CommonOps_DDRM.elementMult(gradient.dense(), derivative(activation, z.dense(), a.dense()), out.dense());
    }

    /**
     * {@code f'(z)} into {@link #work}, from {@code z} or from {@code a = f(z)} as {@link Activation}'s
     * formulas take it: EJML's element-wise arithmetic where the formula is made of it, an operator otherwise.
     */
    private DMatrixRMaj derivative(Activation activation, DMatrixRMaj z, DMatrixRMaj a) {
        switch (activation) {
            case IDENTITY -> {
                work.reshape(z.numRows, z.numCols);
                CommonOps_DDRM.fill(work, 1.0);
            }
            case RELU -> CommonOps_DDRM.apply(z, RELU_DERIVATIVE, work);
            case LEAKY_RELU -> CommonOps_DDRM.apply(z, LEAKY_RELU_DERIVATIVE, work);
            case TANH -> {
                CommonOps_DDRM.elementMult(a, a, work);
                CommonOps_DDRM.subtract(1.0, work, work); // 1 - a²
            }
            case SIGMOID -> {
                CommonOps_DDRM.subtract(1.0, a, work);
                CommonOps_DDRM.elementMult(a, work, work); // a (1 - a)
            }
            case GELU -> CommonOps_DDRM.apply(z, GELU_DERIVATIVE, work);
        }
        return work;
    }

    @Override
    protected void doMultiplyElements(EjmlMatrix a, EjmlMatrix b, EjmlMatrix out) {
        CommonOps_DDRM.elementMult(a.dense(), b.dense(), out.dense());
    }

    @Override
    protected void doSoftmaxRows(EjmlMatrix z, EjmlMatrix out) {
        DMatrixRMaj mz = z.dense();
        DMatrixRMaj mo = out.dense();
        CommonOps_DDRM.maxRows(mz, rowMax);
        if (out != z) {
            mo.setTo(mz);
        }
        shiftRowsAndExp(mo);
        CommonOps_DDRM.sumRows(mo, rowSum);
        CommonOps_DDRM.divideRows(rowSum.data, mo);
    }

    @Override
    protected double doSumNegativeLogSoftmax(EjmlMatrix logits, int[] labels) {
        DMatrixRMaj ml = logits.dense();
        int rows = ml.numRows;
        CommonOps_DDRM.maxRows(ml, rowMax);
        work.setTo(ml);
        shiftRowsAndExp(work);
        CommonOps_DDRM.sumRows(work, rowSum);
        CommonOps_DDRM.elementLog(rowSum, rowSum); // log Σ_j exp(z_ij - m_i), between 0 and log n
        // z_i,label of every row, gathered by EJML from the elements' positions in the row-major array.
        int[] positions = UtilEjml.adjust(labelPositions, rows);
        for (int i = 0; i < rows; i++) {
            positions[i] = i * ml.numCols + labels[i];
        }
        CommonOps_DDRM.extract(ml, positions, rows, rowPicked);
        // Per row (m_i - z_i,label) + log Σ: both terms are >= 0 and m_i - z_i,label is exact 0 at the
        // maximum, so a confident correct row gives its tiny loss, not the rounding error of m_i.
        CommonOps_DDRM.subtract(rowMax, rowPicked, rowPicked);
        CommonOps_DDRM.addEquals(rowSum, rowPicked);
        return CommonOps_DDRM.elementSum(rowSum);
    }

    /** {@code m[i,j] = exp(m[i,j] - rowMax[i])}, the row maxima already in {@link #rowMax}. */
    private void shiftRowsAndExp(DMatrixRMaj m) {
        VectorVectorMult_DDRM.addOuterProd(-1.0, rowMax, ones(m.numCols), m);
        CommonOps_DDRM.elementExp(m, m);
    }

    @Override
    protected void doAddAtColumns(EjmlMatrix a, int[] columns, double value) {
        // A scatter-add, one element per row: EJML can gather by position (extract) but not add at one.
        DMatrixRMaj ma = a.dense();
        double v = element(value);
        for (int i = 0; i < columns.length; i++) {
            ma.add(i, columns[i], v);
        }
    }

    @Override
    protected void doColumnSums(double alpha, EjmlMatrix a, double beta, EjmlMatrix out) {
        DMatrixRMaj mo = out.dense();
        if (beta == 0.0) {
            CommonOps_DDRM.sumCols(a.dense(), mo); // assigns, so old contents (NaN too) are ignored
            if (alpha != 1.0) {
                CommonOps_DDRM.scale(element(alpha), mo);
            }
        } else {
            CommonOps_DDRM.sumCols(a.dense(), colSum);
            CommonOps_DDRM.add(element(alpha), colSum, element(beta), mo, mo);
        }
    }

    @Override
    protected void doAxpy(double alpha, EjmlMatrix x, EjmlMatrix y) {
        CommonOps_DDRM.addEquals(y.dense(), element(alpha), x.dense());
    }

    @Override
    protected void doScale(double alpha, EjmlMatrix a) {
        CommonOps_DDRM.scale(element(alpha), a.dense());
    }

    @Override
    protected void doFill(EjmlMatrix a, double value) {
        CommonOps_DDRM.fill(a.dense(), element(value));
    }

    @Override
    protected void doArgmaxRows(EjmlMatrix a, int[] out) {
        // EJML's elementMax(…, ElementLocation) scans the whole matrix and keeps the last maximum (>=);
        // the SPI wants the first maximum of each row, so this is a loop over EJML's element accessor.
        DMatrixRMaj ma = a.dense();
        for (int i = 0; i < ma.numRows; i++) {
            int best = 0;
            double max = ma.unsafe_get(i, 0);
            for (int j = 1; j < ma.numCols; j++) {
                double v = ma.unsafe_get(i, j);
                if (v > max) {
                    max = v;
                    best = j;
                }
            }
            out[i] = best;
        }
    }

    // ---------------------------------------------------------------- optimizer steps

    @Override
    protected void doSgdStep(SgdUpdate step, EjmlMatrix gradient, EjmlMatrix velocity, EjmlMatrix parameter) {
        DMatrixRMaj g = gradient.dense();
        DMatrixRMaj w = parameter.dense();
        addWeightDecay(element(step.weightDecay()), g, w);
        if (step.hasMomentum()) {
            DMatrixRMaj v = velocity.dense();
            double momentum = element(step.momentum());
            CommonOps_DDRM.add(g, momentum, v, v); // v = g + μv
            if (step.nesterov()) {
                CommonOps_DDRM.addEquals(g, momentum, v); // g = g + μv
            } else {
                g = v;
            }
        }
        CommonOps_DDRM.addEquals(w, element(-step.learningRate()), g);
    }

    @Override
    protected void doAdamStep(AdamUpdate step, EjmlMatrix gradient, EjmlMatrix firstMoment, EjmlMatrix secondMoment,
            EjmlMatrix parameter) {
        DMatrixRMaj g = gradient.dense();
        DMatrixRMaj m = firstMoment.dense();
        DMatrixRMaj v = secondMoment.dense();
        DMatrixRMaj w = parameter.dense();
        if (!step.decoupledWeightDecay()) {
            addWeightDecay(element(step.weightDecay()), g, w);
        } else if (step.weightDecay() != 0.0) {
            CommonOps_DDRM.scale(element(1 - step.learningRate() * step.weightDecay()), w);
        }
        CommonOps_DDRM.add(element(step.beta1()), m, element(1 - step.beta1()), g, m);
        CommonOps_DDRM.elementMult(g, g, g);
        CommonOps_DDRM.add(element(step.beta2()), v, element(1 - step.beta2()), g, v);
        // The gradient is spent: its storage takes the denominator sqrt(v) / sqrt(1-β2ᵗ) + ε, then the step
        // m / denominator, which is applied with m's bias correction folded into the rate (PyTorch's order).
        CommonOps_DDRM.apply(v, SQUARE_ROOT, g);
        CommonOps_DDRM.divide(g, element(Math.sqrt(step.secondMomentCorrection())));
        CommonOps_DDRM.add(g, element(step.epsilon()));
        CommonOps_DDRM.elementDiv(m, g, g);
        CommonOps_DDRM.addEquals(w, element(-step.learningRate() / step.firstMomentCorrection()), g);
    }

    @Override
    protected void doRmsPropStep(RmsPropUpdate step, EjmlMatrix gradient, EjmlMatrix meanSquare, EjmlMatrix parameter) {
        DMatrixRMaj g = gradient.dense();
        DMatrixRMaj v = meanSquare.dense();
        DMatrixRMaj w = parameter.dense();
        addWeightDecay(element(step.weightDecay()), g, w);
        CommonOps_DDRM.elementMult(g, g, work);
        CommonOps_DDRM.add(element(step.alpha()), v, element(1 - step.alpha()), work, v);
        CommonOps_DDRM.apply(v, SQUARE_ROOT, work);
        CommonOps_DDRM.add(work, element(step.epsilon()));
        CommonOps_DDRM.elementDiv(g, work, g);
        CommonOps_DDRM.addEquals(w, element(-step.learningRate()), g);
    }

    /** {@code g += λw}, the L2 penalty's gradient; nothing when λ is 0. */
    private static void addWeightDecay(double lambda, DMatrixRMaj g, DMatrixRMaj w) {
        if (lambda != 0.0) {
            CommonOps_DDRM.addEquals(g, lambda, w);
        }
    }

    // ---------------------------------------------------------------- scalars and scratch

    /**
     * A scalar of the SPI as this class's element type: unchanged in f64, rounded once in f32 (the
     * generator turns the cast into the rounding).
     */
    @SuppressWarnings("cast")
    private static double element(double value) {
        return (double) value;
    }

    /** {@code tanh u}, GELU's {@code u = sqrt(2/π) (z + 0.044715 z³)}. */
    private static double geluTanh(double z) {
        return element(Math.tanh(GELU_SCALE * (z + GELU_CUBIC * z * z * z)));
    }

    /** {@code c = beta·c}, where a beta of 0 clears c whatever it held. */
    private static void scaleOrZero(double beta, DMatrixRMaj c) {
        if (beta == 0.0) {
            CommonOps_DDRM.fill(c, 0.0);
        } else if (beta != 1.0) {
            CommonOps_DDRM.scale(element(beta), c);
        }
    }

    /** A vector of {@code length} ones (its orientation does not matter to the routines it is used with). */
    private DMatrixRMaj ones(int length) {
        if (ones.data.length < length) {
            ones.reshape(length, 1, false);
            ones.fill(1.0);
        } else {
            ones.reshape(length, 1, false); // the array only grows, and every entry of it is 1
        }
        return ones;
    }

    private double[] aux(int length) {
        if (aux.length < length) {
            aux = new double[length];
        }
        return aux;
    }
}
