package org.jnn.backend.ejml;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.ejml.EjmlParameters;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.ejml.dense.row.mult.MatrixMatrixMult_FDRM;
import org.ejml.dense.row.mult.VectorVectorMult_FDRM;
import org.ejml.ops.ConvertMatrixData;
import org.ejml.ops.FOperatorUnary;
import org.jnn.api.AbstractLinearAlgebra;
import org.jnn.api.Availability;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;

/**
 * The EJML backend in single precision, on {@link FMatrixRMaj} with {@link CommonOps_FDRM}: obtained with
 * {@code new EjmlLinearAlgebra().withPrecision(Precision.F32)}. The same composition of EJML routines as
 * {@link EjmlLinearAlgebra}, operation for operation (EJML generates its float routines from the double
 * ones); scalars of the SPI arrive as {@code double} and are rounded to {@code float} once per call.
 */
public final class EjmlFloatLinearAlgebra extends AbstractLinearAlgebra<EjmlFloatMatrix> {

    private static final FOperatorUnary RELU = x -> Math.max(0.0f, x);
    private static final FOperatorUnary POSITIVE = x -> x > 0.0f ? 1.0f : 0.0f;

    private final long parallelThreshold;

    private final FMatrixRMaj ones = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj rowMax = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj rowSum = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj rowPicked = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj colSum = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj work = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj transposed = new FMatrixRMaj(1, 1);
    private float[] aux = new float[1];
    private static final double[] NO_DATA = new double[0];
    private final DMatrixRMaj arrayView = new DMatrixRMaj(0, 0);

    /** Single precision with the same multi-threading rule as the default double-precision instance. */
    public EjmlFloatLinearAlgebra() {
        this(EjmlLinearAlgebra.defaultParallelThreshold());
    }

    EjmlFloatLinearAlgebra(long parallelThreshold) {
        super(EjmlFloatMatrix.class);
        this.parallelThreshold = parallelThreshold;
        ones.fill(1.0f);
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public String name() {
        return Ejml.NAME;
    }

    @Override
    public String description() {
        return Ejml.description(Precision.F32);
    }

    @Override
    public int priority() {
        return Ejml.PRIORITY;
    }

    @Override
    public Availability availability() {
        return Ejml.availability("org.ejml.data.FMatrixRMaj");
    }

    @Override
    public Precision precision() {
        return Precision.F32;
    }

    @Override
    public Set<Precision> supportedPrecisions() {
        return EnumSet.of(Precision.F64, Precision.F32);
    }

    @Override
    public LinearAlgebra withPrecision(Precision precision) {
        switch (Objects.requireNonNull(precision, "precision")) {
            case F32:
                return this;
            case F64:
                return new EjmlLinearAlgebra(parallelThreshold);
            default:
                throw new UnsupportedOperationException("backend 'ejml' computes only in "
                        + supportedPrecisions() + ", not " + precision.id());
        }
    }


    // ---------------------------------------------------------------- data in and out

    @Override
    protected EjmlFloatMatrix doZeros(int rows, int cols) {
        return wrap(new FMatrixRMaj(rows, cols));
    }

    @Override
    protected void doSetRowMajor(EjmlFloatMatrix destination, double[] data) {
        FMatrixRMaj d = destination.dense();
        // EJML's double-to-float conversion, reading the caller's array through a view: nothing copied first
        ConvertMatrixData.convert(view(data, d.numRows, d.numCols), d);
        arrayView.setData(NO_DATA); // keep no reference to the caller's array
    }

    @Override
    protected void doToRowMajor(EjmlFloatMatrix source, double[] destination) {
        FMatrixRMaj s = source.dense();
        ConvertMatrixData.convert(s, view(destination, s.numRows, s.numCols));
        arrayView.setData(NO_DATA);
    }

    /** {@link #arrayView} showing {@code data} as a rows×cols matrix (what DMatrixRMaj.wrap does, without a new object). */
    private DMatrixRMaj view(double[] data, int rows, int cols) {
        arrayView.setData(data);
        arrayView.numRows = rows;
        arrayView.numCols = cols;
        return arrayView;
    }

    @Override
    protected EjmlFloatMatrix doCopy(EjmlFloatMatrix source) {
        return wrap(source.dense().copy());
    }

    private EjmlFloatMatrix wrap(FMatrixRMaj m) {
        return new EjmlFloatMatrix(this, m);
    }

    // ---------------------------------------------------------------- level 3 and level 2

    @Override
    protected void doGemm(double alpha, EjmlFloatMatrix a, boolean transposeA, EjmlFloatMatrix b,
            boolean transposeB, double beta, EjmlFloatMatrix c) {
        FMatrixRMaj ma = a.dense();
        FMatrixRMaj mb = b.dense();
        FMatrixRMaj mc = c.dense();
        if (alpha == 0.0) {
            scaleOrZero(beta, mc);
            return;
        }
        if (transposeB && mc.numRows >= 2 && mc.numCols >= EjmlParameters.MULT_COLUMN_SWITCH) {
            // see EjmlLinearAlgebra.doGemm: transposing b and using the reordered product wins from two rows on
            CommonOps_FDRM.transpose(mb, transposed);
            mb = transposed;
            transposeB = false;
        }
        long k = transposeA ? ma.numRows : ma.numCols;
        boolean parallel = (long) mc.numRows * mc.numCols * k >= parallelThreshold;
        float fa = (float) alpha;
        if (beta == 0.0) {
            multiply(fa, ma, transposeA, mb, transposeB, mc, parallel); // assigns c, never reads it
        } else {
            if (beta != 1.0) {
                CommonOps_FDRM.scale((float) beta, mc);
            }
            multiplyAdd(fa, ma, transposeA, mb, transposeB, mc, parallel);
        }
    }

    private void multiply(float alpha, FMatrixRMaj a, boolean ta, FMatrixRMaj b, boolean tb, FMatrixRMaj c,
            boolean parallel) {
        if (parallel) {
            if (!ta && !tb) {
                CommonOps_MT_FDRM.mult(alpha, a, b, c);
            } else if (ta && !tb) {
                CommonOps_MT_FDRM.multTransA(alpha, a, b, c);
            } else if (!ta) {
                CommonOps_MT_FDRM.multTransB(alpha, a, b, c);
            } else {
                CommonOps_MT_FDRM.multTransAB(alpha, a, b, c);
            }
        } else if (!ta && !tb) {
            CommonOps_FDRM.mult(alpha, a, b, c);
        } else if (ta && !tb) {
            CommonOps_FDRM.multTransA(alpha, a, b, c);
        } else if (!ta) {
            CommonOps_FDRM.multTransB(alpha, a, b, c);
        } else if (a.numCols >= EjmlParameters.MULT_TRANAB_COLUMN_SWITCH) {
            MatrixMatrixMult_FDRM.multTransAB_aux(alpha, a, b, c, aux(a.numRows));
        } else {
            CommonOps_FDRM.multTransAB(alpha, a, b, c);
        }
    }

    private void multiplyAdd(float alpha, FMatrixRMaj a, boolean ta, FMatrixRMaj b, boolean tb, FMatrixRMaj c,
            boolean parallel) {
        if (parallel) {
            if (!ta && !tb) {
                CommonOps_MT_FDRM.multAdd(alpha, a, b, c);
            } else if (ta && !tb) {
                CommonOps_MT_FDRM.multAddTransA(alpha, a, b, c);
            } else if (!ta) {
                CommonOps_MT_FDRM.multAddTransB(alpha, a, b, c);
            } else {
                CommonOps_MT_FDRM.multAddTransAB(alpha, a, b, c);
            }
        } else if (!ta && !tb) {
            CommonOps_FDRM.multAdd(alpha, a, b, c);
        } else if (ta && !tb) {
            CommonOps_FDRM.multAddTransA(alpha, a, b, c);
        } else if (!ta) {
            CommonOps_FDRM.multAddTransB(alpha, a, b, c);
        } else if (a.numCols >= EjmlParameters.MULT_TRANAB_COLUMN_SWITCH) {
            MatrixMatrixMult_FDRM.multAddTransAB_aux(alpha, a, b, c, aux(a.numRows));
        } else {
            CommonOps_FDRM.multAddTransAB(alpha, a, b, c);
        }
    }

    @Override
    protected void doRankOneUpdate(double alpha, EjmlFloatMatrix x, EjmlFloatMatrix y, EjmlFloatMatrix a) {
        VectorVectorMult_FDRM.addOuterProd((float) alpha, x.dense(), y.dense(), a.dense());
    }

    // ---------------------------------------------------------------- element-wise and row-wise

    @Override
    protected void doAddRowVector(EjmlFloatMatrix a, EjmlFloatMatrix v, EjmlFloatMatrix out) {
        FMatrixRMaj mo = out.dense();
        if (out != a) {
            mo.setTo(a.dense());
        }
        VectorVectorMult_FDRM.addOuterProd(1.0f, ones(mo.numRows), v.dense(), mo);
    }

    @Override
    protected void doRelu(EjmlFloatMatrix z, EjmlFloatMatrix out) {
        CommonOps_FDRM.apply(z.dense(), RELU, out.dense());
    }

    @Override
    protected void doReluBackward(EjmlFloatMatrix gradient, EjmlFloatMatrix activation, EjmlFloatMatrix out) {
        FMatrixRMaj active = CommonOps_FDRM.apply(activation.dense(), POSITIVE, work);
        CommonOps_FDRM.elementMult(gradient.dense(), active, out.dense());
    }

    @Override
    protected void doSoftmaxRows(EjmlFloatMatrix z, EjmlFloatMatrix out) {
        FMatrixRMaj mz = z.dense();
        FMatrixRMaj mo = out.dense();
        CommonOps_FDRM.maxRows(mz, rowMax);
        if (out != z) {
            mo.setTo(mz);
        }
        shiftRowsAndExp(mo);
        CommonOps_FDRM.sumRows(mo, rowSum);
        CommonOps_FDRM.divideRows(rowSum.data, mo);
    }

    @Override
    protected double doSumNegativeLogSoftmax(EjmlFloatMatrix logits, int[] labels) {
        FMatrixRMaj ml = logits.dense();
        int rows = ml.numRows;
        CommonOps_FDRM.maxRows(ml, rowMax);
        work.setTo(ml);
        shiftRowsAndExp(work);
        CommonOps_FDRM.sumRows(work, rowSum);
        CommonOps_FDRM.elementLog(rowSum, rowSum);
        rowPicked.reshape(rows, 1);
        for (int i = 0; i < rows; i++) {
            rowPicked.set(i, ml.unsafe_get(i, labels[i]));
        }
        CommonOps_FDRM.subtract(rowMax, rowPicked, rowPicked);
        CommonOps_FDRM.addEquals(rowSum, rowPicked);
        return CommonOps_FDRM.elementSum(rowSum);
    }

    private void shiftRowsAndExp(FMatrixRMaj m) {
        VectorVectorMult_FDRM.addOuterProd(-1.0f, rowMax, ones(m.numCols), m);
        CommonOps_FDRM.elementExp(m, m);
    }

    @Override
    protected void doAddAtColumns(EjmlFloatMatrix a, int[] columns, double value) {
        FMatrixRMaj ma = a.dense();
        float v = (float) value;
        for (int i = 0; i < columns.length; i++) {
            ma.add(i, columns[i], v);
        }
    }

    @Override
    protected void doColumnSums(double alpha, EjmlFloatMatrix a, double beta, EjmlFloatMatrix out) {
        FMatrixRMaj mo = out.dense();
        if (beta == 0.0) {
            CommonOps_FDRM.sumCols(a.dense(), mo);
            if (alpha != 1.0) {
                CommonOps_FDRM.scale((float) alpha, mo);
            }
        } else {
            CommonOps_FDRM.sumCols(a.dense(), colSum);
            CommonOps_FDRM.add((float) alpha, colSum, (float) beta, mo, mo);
        }
    }

    @Override
    protected void doAxpy(double alpha, EjmlFloatMatrix x, EjmlFloatMatrix y) {
        CommonOps_FDRM.addEquals(y.dense(), (float) alpha, x.dense());
    }

    @Override
    protected void doScale(double alpha, EjmlFloatMatrix a) {
        CommonOps_FDRM.scale((float) alpha, a.dense());
    }

    @Override
    protected void doFill(EjmlFloatMatrix a, double value) {
        CommonOps_FDRM.fill(a.dense(), (float) value);
    }

    @Override
    protected void doArgmaxRows(EjmlFloatMatrix a, int[] out) {
        FMatrixRMaj ma = a.dense();
        for (int i = 0; i < ma.numRows; i++) {
            int best = 0;
            float max = ma.unsafe_get(i, 0);
            for (int j = 1; j < ma.numCols; j++) {
                float v = ma.unsafe_get(i, j);
                if (v > max) {
                    max = v;
                    best = j;
                }
            }
            out[i] = best;
        }
    }

    // ---------------------------------------------------------------- scratch

    private static void scaleOrZero(double beta, FMatrixRMaj c) {
        if (beta == 0.0) {
            CommonOps_FDRM.fill(c, 0.0f);
        } else if (beta != 1.0) {
            CommonOps_FDRM.scale((float) beta, c);
        }
    }

    private FMatrixRMaj ones(int length) {
        if (ones.data.length < length) {
            ones.reshape(length, 1, false);
            ones.fill(1.0f);
        } else {
            ones.reshape(length, 1, false);
        }
        return ones;
    }

    private float[] aux(int length) {
        if (aux.length < length) {
            aux = new float[length];
        }
        return aux;
    }
}
