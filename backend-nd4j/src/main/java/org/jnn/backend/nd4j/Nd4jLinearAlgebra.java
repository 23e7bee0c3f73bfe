package org.jnn.backend.nd4j;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.jnn.api.AbstractLinearAlgebra;
import org.jnn.api.Availability;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.backend.nd4j.Nd4jThreads.Held;
import org.jnn.backend.nd4j.PreparedOps.Key;
import org.jnn.backend.nd4j.PreparedOps.Site;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMax;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.ReluLayer;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.custom.ThresholdRelu;
import org.nd4j.linalg.api.ops.impl.transforms.custom.XwPlusB;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.reduce.custom.LogSumExp;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code nd4j} backend: the {@link org.jnn.api.LinearAlgebra} SPI on ND4J {@link INDArray}s in
 * double precision ({@code DOUBLE}; {@code withPrecision(F32)} gives the same on {@code FLOAT}),
 * computed by ND4J's native ops and its BLAS (OpenBLAS with {@code nd4j-native}).
 *
 * <p>Constructing it is cheap and loads nothing native; {@link #availability()} loads ND4J the first
 * time ({@link Nd4jLoader}), which also applies the thread counts of the
 * {@value ThreadRequest#THREADS_PROPERTY} and {@value ThreadRequest#GEMM_THREADS_PROPERTY} system
 * properties ({@link Nd4jThreads}).
 *
 * <h2>Which ND4J call does what</h2>
 * Every ND4J op call crosses into native code at a cost of several microseconds, so each operation
 * uses as few as possible (counts in brackets; "BLAS" marks a direct BLAS call through ND4J's
 * {@code BlasWrapper}, which skips the op machinery and costs about a microsecond):
 * <ul>
 *   <li>{@code gemm}: ND4J's {@code Mmul} (BLAS gemm) with the transposes, alpha and beta [1]. When the product
 *       has a single row or column it is ND4J's {@code Mmul} of the matrix and the rank-1 view of the
 *       vector [1], which libnd4j hands to BLAS gemv (5× faster than gemm with one row at 784×200).
 *       {@code beta = 0} ignores NaN in {@code c}, as in BLAS (the conformance suite checks it).
 *   <li>{@code rankOneUpdate}: the same gemm with inner dimension 1, {@code x} as a column and
 *       {@code y} as a row (transposing whichever is stored the other way) and {@code beta = 1} [1].
 *       Not {@code BlasWrapper.ger}: in 1.0.0-M2.1 it writes a column-major result into a row-major
 *       ('c') matrix, i.e. to the wrong elements ({@code Nd4jLibraryDefectsTest}).
 *   <li>{@code affine}: from two rows on, libnd4j's fused {@code xw_plus_b} or, with ReLU,
 *       {@code relu_layer} [1] (which rejects a single-column {@code x} or {@code w}: then
 *       {@code xw_plus_b} and {@code relu} [2]); with one row, gemv, {@code add} and {@code relu} [3],
 *       because the fused ops multiply with gemm, five times slower than gemv for a single row.
 *   <li>{@code softmaxCrossEntropy}: {@code log_softmax} into the gradient [1], the loss as minus its
 *       dot product with the one-hot labels [BLAS] (the exact path of {@code sumNegativeLogSoftmax}
 *       below when that could be inexact), {@code exp} in place [1] and minus the one-hot labels
 *       [BLAS]: 2 op calls where the three separate operations take 3 or more.
 *   <li>{@code addRowVector}: the broadcasting {@code add} op, {@code AddOp(a, v, out)} [1].
 *   <li>{@code relu}: {@code thresholdedrelu} with cutoff 0, {@code ThresholdRelu(z, out, 0)} [1].
 *   <li>{@code reluBackward}: {@code relu_bp}, {@code RectifiedLinearDerivative(activation, gradient, out)},
 *       the gradient where {@code activation > 0} and 0 elsewhere, not the mask alone [1].
 *   <li>{@code softmaxRows}: {@code log_softmax} then {@code exp} in place [2]. Not the {@code softmax}
 *       op: in 1.0.0-M2.1 it returns NaN for a row of a multi-row matrix whose logits are all below
 *       about -745, while {@code log_softmax} shifts each row by its maximum.
 *   <li>{@code sumNegativeLogSoftmax}: {@code log_softmax} into scratch [1] and minus its dot product
 *       with the labels' one-hot matrix [BLAS]; the one-hot matrix comes from {@code one_hot} [1, or 0
 *       when the labels are those of the last call]. {@code log_softmax} is log(softmax), exact while
 *       every labelled probability is a normal double, which a summed loss below -log(MIN_NORMAL)
 *       ≈ 708.4 guarantees; above that (a confident wrong answer, or a very large batch) the exact
 *       path runs: row maximum [1], shift [1], {@code reduce_logsumexp} [1] and two dot products
 *       [BLAS]. {@code reduce_logsumexp} alone is not enough: it shifts by the maximum of the whole
 *       array, not of each row.
 *   <li>{@code addAtColumns}: the columns' one-hot matrix [1, or 0 when they are the labels the loss
 *       just used], added with {@code axpy(value)} [BLAS].
 *   <li>{@code columnSums}: the transposed matrix times a vector of ones (scratch) by {@code Mmul}, i.e.
 *       BLAS gemv, which gives alpha and beta with BLAS semantics [1].
 *   <li>{@code axpy}: {@code level1().axpy} [BLAS]; {@code scale}: {@code level1().scal} [BLAS];
 *       {@code fill}: {@code assign(value)} [1]; {@code argmaxRows}: {@code argmax} along the rows [1],
 *       which returns the first index on ties.
 *   <li>{@code zeros}, {@code copy}: {@code Nd4j.create} and {@code dup} [1 allocation];
 *       {@code setRowMajor} and {@code toRowMajor}: one bulk copy between the Java array and the
 *       array's host buffer (ND4J's own {@code setData} copies element by element).
 * </ul>
 *
 * <p>Scratch arrays are kept per instance; like every backend, one instance serves one thread. ND4J's
 * thread settings are the process's, shared by every instance: each OpenBLAS call holds the
 * OpenBLAS thread count it needs ({@link ThreadChoice}, {@link Nd4jThreads}), so instances on
 * several threads do not change each other's counts or results.
 */
// "try": a try-with-resources block holds an OpenBLAS thread count for its call (Nd4jThreads.Held),
// which javac reports as a resource the block does not use.
@SuppressWarnings("try")
public class Nd4jLinearAlgebra extends AbstractLinearAlgebra<Nd4jMatrix> {

    /** The name used to select this backend. */
    public static final String NAME = "nd4j";

    /**
     * Default-selection priority, the highest of the three: the fastest backend at every batch size
     * measured (README, Performance). Where its natives do not load it is unusable and the next is chosen.
     */
    public static final int PRIORITY = 30;

    private final Precision precision;
    private final DataType dataType;

    // Created on first use, never in the constructor: they allocate through ND4J.
    private Scratch ones;
    private Scratch logSoftmaxScratch;
    private Scratch rowMaxScratch;
    private Scratch rowLogSumExpScratch;
    private OneHotCache oneHot;
    private INDArray argmax;
    private long[] argmaxHost = new long[0];
    private float[] floatBuffer = new float[0];
    private final PreparedOps prepared = new PreparedOps();
    private final ThreadChoice threads = new ThreadChoice(() -> Nd4jLoader.loaded().threads());
    private final double logSoftmaxExactBelow;

    /**
     * The F64 backend ({@link #withPrecision} gives the F32 one). Cheap: ND4J is loaded only by
     * {@link #availability()} or the first matrix.
     */
    public Nd4jLinearAlgebra() {
        this(Precision.F64);
    }

    @SuppressWarnings("unchecked") // each precision has its own final matrix class, which own() checks
    private Nd4jLinearAlgebra(Precision precision) {
        super((Class<Nd4jMatrix>) (Class<?>) matrixClass(precision));
        this.precision = precision;
        this.dataType = switch (precision) {
            case F64 -> DataType.DOUBLE;
            case F32 -> DataType.FLOAT;
        };
        this.logSoftmaxExactBelow = -Math.log(precision == Precision.F64 ? Double.MIN_NORMAL : Float.MIN_NORMAL);
    }

    private static Class<? extends Nd4jMatrix> matrixClass(Precision precision) {
        return switch (precision) {
            case F64 -> Nd4jMatrix.F64.class;
            case F32 -> Nd4jMatrix.F32.class;
        };
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ND4J " + Nd4jClassPath.nd4jVersion() + " INDArray on " + Nd4jClassPath.nativeBackend()
                + ", " + precision.id();
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Loads ND4J the first time it is called in this JVM; never throws. */
    @Override
    public Availability availability() {
        return Nd4jLoader.loaded().availability();
    }

    @Override
    public Precision precision() {
        return precision;
    }

    /**
     * What loading ND4J gave, for diagnostics: the native backend class and the thread counts in
     * force, or the reason it is unusable. Loads ND4J if that has not happened yet.
     */
    public String runtimeInfo() {
        Nd4jLoader.Loaded loaded = Nd4jLoader.loaded();
        return loaded.availability().usable() ? "ND4J " + Nd4jClassPath.nd4jVersion() + ", " + loaded.nativeBackend()
                + ", " + loaded.threads().settings() : "unusable: " + loaded.availability().reason();
    }

    @Override
    public Set<Precision> supportedPrecisions() {
        return EnumSet.of(Precision.F64, Precision.F32);
    }

    /** This backend in {@code precision}: F64 on {@code DOUBLE} arrays, F32 on {@code FLOAT} arrays. */
    @Override
    public LinearAlgebra withPrecision(Precision precision) {
        return precision == this.precision ? this : new Nd4jLinearAlgebra(Objects.requireNonNull(precision, "precision"));
    }

    private Nd4jMatrix wrap(INDArray array) {
        return precision == Precision.F64 ? new Nd4jMatrix.F64(array, this) : new Nd4jMatrix.F32(array, this);
    }

    // ---------------------------------------------------------------- data in and out

    @Override
    protected Nd4jMatrix doZeros(int rows, int cols) {
        Nd4jLoader.loaded().requireUsable();
        return wrap(Nd4j.create(dataType, new long[] {rows, cols}, 'c'));
    }

    @Override
    protected void doSetRowMajor(Nd4jMatrix destination, double[] data) {
        INDArray array = destination.array();
        // The host buffer is written directly: one bulk copy instead of ND4J's element-by-element setData.
        if (dataType == DataType.DOUBLE) {
            new DoublePointer(array.data().addressPointer()).put(data, 0, data.length);
        } else {
            float[] values = floats(data.length);
            for (int i = 0; i < data.length; i++) {
                values[i] = (float) data[i];
            }
            new FloatPointer(array.data().addressPointer()).put(values, 0, data.length);
        }
        Host.written(array);
    }

    @Override
    protected void doToRowMajor(Nd4jMatrix source, double[] destination) {
        INDArray array = source.array();
        Host.beforeReading(array);
        if (dataType == DataType.DOUBLE) {
            new DoublePointer(array.data().addressPointer()).get(destination, 0, destination.length);
        } else {
            float[] values = floats(destination.length);
            new FloatPointer(array.data().addressPointer()).get(values, 0, destination.length);
            for (int i = 0; i < destination.length; i++) {
                destination[i] = values[i];
            }
        }
    }

    /** F32 only: a float array of at least {@code length} elements, for conversion to and from double. */
    private float[] floats(int length) {
        if (floatBuffer.length < length) {
            floatBuffer = new float[length];
        }
        return floatBuffer;
    }

    @Override
    protected Nd4jMatrix doCopy(Nd4jMatrix source) {
        return wrap(source.array().dup('c'));
    }

    // ---------------------------------------------------------------- level 3 and level 2

    @Override
    protected void doGemm(double alpha, Nd4jMatrix a, boolean transposeA, Nd4jMatrix b, boolean transposeB,
            double beta, Nd4jMatrix c) {
        int m = c.rows();
        int n = c.cols();
        if (m == 1) {
            // c = op(a)·op(b) as a column: cᵀ = op(b)ᵀ·aᵀ, a matrix times a vector
            matrixVector(alpha, b.array(), !transposeB, a.vector(), beta, c.vector());
        } else if (n == 1) {
            matrixVector(alpha, a.array(), transposeA, b.vector(), beta, c.vector());
        } else {
            matrixMatrix(alpha, a.array(), transposeA, b.array(), transposeB, beta, c.array());
        }
    }

    /** {@code c = alpha·op(a)·op(b) + beta·c} by ND4J's {@code matmul} (BLAS gemm), through a prepared op. */
    private void matrixMatrix(double alpha, INDArray a, boolean transposeA, INDArray b, boolean transposeB, double beta,
            INDArray c) {
        long k = transposeA ? a.rows() : a.columns();
        try (Held held = threads.forProduct(c.length() * k)) {
            prepared.run(Key.product(Site.GEMM, alpha, a, transposeA, b, transposeB, beta, c),
                    Nd4jLinearAlgebra::matmul);
        }
    }

    /** ND4J's {@code matmul} op for a product key. */
    private static CustomOp matmul(Key p) {
        return new Mmul(p.a(), p.b(), p.out(), p.alpha(), p.beta(),
                MMulTranspose.builder().transposeA(p.transposeA()).transposeB(p.transposeB()).build());
    }

    /**
     * {@code y = alpha·op(a)·x + beta·y} with rank-1 {@code x} and {@code y}: ND4J's {@code matmul}
     * then calls BLAS gemv, where a 1-row gemm would call gemm (measured 43 µs against 240 µs for
     * 784×200 at batch 1).
     */
    private void matrixVector(double alpha, INDArray a, boolean transposeA, INDArray x, double beta, INDArray y) {
        try (Held held = threads.forMatrixVector(a.length())) {
            prepared.run(Key.product(Site.GEMV, alpha, a, transposeA, x, false, beta, y), Nd4jLinearAlgebra::matmul);
        }
    }

    @Override
    protected void doRankOneUpdate(double alpha, Nd4jMatrix x, Nd4jMatrix y, Nd4jMatrix a) {
        // a += alpha · op(x) · op(y) with op(x) the a.rows()×1 column and op(y) the 1×a.cols() row.
        boolean xIsColumn = x.cols() == 1 && x.rows() == a.rows();
        boolean yIsRow = y.rows() == 1 && y.cols() == a.cols();
        matrixMatrix(alpha, x.array(), !xIsColumn, y.array(), !yIsRow, 1.0, a.array());
    }

    // ---------------------------------------------------------------- fused layer operations

    @Override
    protected void doAffine(Nd4jMatrix x, Nd4jMatrix w, Nd4jMatrix bias, boolean relu, Nd4jMatrix out) {
        if (x.rows() == 1) {
            super.doAffine(x, w, bias, relu, out); // gemv beats the fused ops' gemm at one row
            return;
        }
        INDArray xa = x.array();
        INDArray wa = w.array();
        INDArray b = bias.vector();
        INDArray o = out.array();
        // relu_layer of 1.0.0-M2.1 fails its validation when x or w is a single column; xw_plus_b does not.
        boolean fused = relu && x.cols() > 1 && w.cols() > 1;
        try (Held held = threads.forProduct(x.rows() * wa.length())) {
            if (fused) {
                prepared.run(Key.of(Site.RELU_LAYER, o, xa, wa, b), Nd4jLinearAlgebra::reluLayer);
            } else {
                prepared.run(Key.of(Site.XW_PLUS_B, o, xa, wa, b),
                        k -> new XwPlusB(new INDArray[] {k.a(), k.b(), k.c()}, k.out()));
            }
        }
        if (relu && !fused) {
            doRelu(out, out);
        }
    }

    /** libnd4j's {@code relu_layer}, {@code out = relu(x · w + b)}, writing into {@code out}. */
    private static CustomOp reluLayer(Key k) {
        CustomOp op = new ReluLayer(k.a(), k.b(), k.c());
        op.addOutputArgument(k.out());
        return op;
    }

    @Override
    protected double doSoftmaxCrossEntropy(Nd4jMatrix logits, int[] labels, Nd4jMatrix gradient) {
        INDArray g = gradient.array();
        INDArray selected = oneHot().of(labels, logits.cols());
        logSoftmax(logits.array(), g);
        double loss = -dot(g, selected);
        if (!(loss < logSoftmaxExactBelow)) {
            loss = doSumNegativeLogSoftmax(logits, labels); // see there: log_softmax may be inexact
        }
        Nd4j.exec(new Exp(g, g));
        axpy(-1.0, selected, g);
        return loss;
    }

    // ---------------------------------------------------------------- element-wise and row-wise

    /** {@code out = log_softmax(z)} row by row, through a prepared op. */
    private void logSoftmax(INDArray z, INDArray out) {
        prepared.run(Key.of(Site.LOG_SOFTMAX, out, z), k -> new LogSoftMax(k.a(), k.out()));
    }

    @Override
    protected void doAddRowVector(Nd4jMatrix a, Nd4jMatrix v, Nd4jMatrix out) {
        prepared.run(Key.of(Site.ADD_ROW_VECTOR, out.array(), a.array(), v.array()),
                k -> new AddOp(k.a(), k.b(), k.out()));
    }

    @Override
    protected void doRelu(Nd4jMatrix z, Nd4jMatrix out) {
        // thresholdedrelu with cutoff 0, a custom op that can be prepared (the legacy relu cannot).
        prepared.run(Key.of(Site.RELU, out.array(), z.array()), k -> new ThresholdRelu(k.a(), k.out(), 0.0));
    }

    @Override
    protected void doReluBackward(Nd4jMatrix gradient, Nd4jMatrix activation, Nd4jMatrix out) {
        prepared.run(Key.of(Site.RELU_BACKWARD, out.array(), activation.array(), gradient.array()),
                k -> new RectifiedLinearDerivative(k.a(), k.b(), k.out()));
    }

    @Override
    protected void doSoftmaxRows(Nd4jMatrix z, Nd4jMatrix out) {
        INDArray o = out.array();
        logSoftmax(z.array(), o);
        Nd4j.exec(new Exp(o, o));
    }

    @Override
    protected double doSumNegativeLogSoftmax(Nd4jMatrix logits, int[] labels) {
        int rows = logits.rows();
        int cols = logits.cols();
        if (logSoftmaxScratch == null) {
            logSoftmaxScratch = new Scratch(dataType, false);
        }
        INDArray z = logits.array();
        INDArray selected = oneHot().of(labels, cols);
        // Fast path: ND4J's log_softmax is log(softmax), exact while the labelled probabilities are normal
        // doubles; one underflowed below that gives a wrong finite value or -inf (see the defect tests).
        INDArray logProbabilities = logSoftmaxScratch.get(rows, cols);
        logSoftmax(z, logProbabilities);
        double loss = -dot(logProbabilities, selected);
        // Below -log(MIN_NORMAL) (708.4 in f64, 87.3 in f32) for the summed loss every term is below it too,
        // so every labelled probability is a normal number and its log from log_softmax is accurate.
        if (loss < logSoftmaxExactBelow) {
            return loss;
        }
        // Exact path: Σ_i (lse_i(s) - s_i,label) with s = z - rowmax(z). ND4J's reduce_logsumexp shifts by
        // the maximum of the whole array, so the rows are shifted first: then the maximum is 0 and every row
        // sums to at least 1.
        if (rowMaxScratch == null) {
            rowMaxScratch = new Scratch(dataType, false);
            rowLogSumExpScratch = new Scratch(dataType, false);
        }
        INDArray rowMax = rowMaxScratch.get(rows, 1);
        INDArray shifted = logProbabilities; // reused: no longer needed
        INDArray rowLogSumExp = rowLogSumExpScratch.get(rows, 1);
        Nd4j.exec(new Max(z, rowMax, true, 1));
        Nd4j.exec(new SubOp(z, rowMax, shifted));
        Nd4j.exec(new LogSumExp(shifted, rowLogSumExp, true, 1));
        return dot(ones(rows), rowLogSumExp) - dot(shifted, selected);
    }

    @Override
    protected void doAddAtColumns(Nd4jMatrix a, int[] columns, double value) {
        axpy(value, oneHot().of(columns, a.cols()), a.array());
    }

    private OneHotCache oneHot() {
        if (oneHot == null) {
            oneHot = new OneHotCache(dataType);
        }
        return oneHot;
    }

    @Override
    protected void doColumnSums(double alpha, Nd4jMatrix a, double beta, Nd4jMatrix out) {
        // outᵀ = alpha·aᵀ·1 + beta·outᵀ: gemv
        matrixVector(alpha, a.array(), true, ones(a.rows()), beta, out.vector());
    }

    /** A rank-1 vector of n ones (scratch: never modify it). */
    private INDArray ones(int n) {
        if (ones == null) {
            ones = new Scratch(dataType, true);
        }
        return ones.vector(n);
    }

    @Override
    protected void doAxpy(double alpha, Nd4jMatrix x, Nd4jMatrix y) {
        axpy(alpha, x.array(), y.array());
    }

    /** {@code y += alpha·x} by BLAS axpy. */
    private void axpy(double alpha, INDArray x, INDArray y) {
        try (Held held = threads.forOtherCall()) {
            Nd4j.getBlasWrapper().level1().axpy(y.length(), alpha, x, y);
        }
    }

    /** The dot product of two arrays of the same length, by BLAS dot. */
    private double dot(INDArray x, INDArray y) {
        try (Held held = threads.forOtherCall()) {
            return Nd4j.getBlasWrapper().dot(x, y);
        }
    }

    @Override
    protected void doScale(double alpha, Nd4jMatrix a) {
        INDArray target = a.array();
        try (Held held = threads.forOtherCall()) {
            Nd4j.getBlasWrapper().level1().scal(target.length(), alpha, target);
        }
    }

    @Override
    protected void doFill(Nd4jMatrix a, double value) {
        a.array().assign(value);
    }

    @Override
    protected void doArgmaxRows(Nd4jMatrix a, int[] out) {
        int rows = a.rows();
        if (argmax == null || argmax.length() != rows) {
            argmax = Nd4j.create(DataType.INT64, new long[] {rows}, 'c');
            argmaxHost = new long[rows];
        }
        prepared.run(Key.of(Site.ARGMAX, argmax, a.array()),
                k -> new ArgMax(new INDArray[] {k.a()}, new INDArray[] {k.out()}, false, 1));
        Host.beforeReading(argmax);
        new LongPointer(argmax.data().addressPointer()).get(argmaxHost, 0, rows);
        for (int i = 0; i < rows; i++) {
            out[i] = (int) argmaxHost[i];
        }
    }
}
