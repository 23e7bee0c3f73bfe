package org.jnn.backend.nd4j;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
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
import org.jnn.backend.nd4j.Nd4jThreads.Held;
import org.jnn.backend.nd4j.PreparedOps.Key;
import org.jnn.backend.nd4j.PreparedOps.Site;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
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
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.RmsPropUpdater;
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
 *       because the fused ops multiply with gemm, five times slower than gemv for a single row. Other
 *       activations follow the product and bias as in {@code activate}.
 *   <li>{@code softmaxCrossEntropy}: {@code log_softmax} into the gradient [1], the loss as minus its
 *       dot product with the one-hot labels [BLAS] (the exact path of {@code sumNegativeLogSoftmax}
 *       below when that could be inexact), {@code exp} in place [1] and minus the one-hot labels
 *       [BLAS]: 2 op calls where the three separate operations take 3 or more.
 *   <li>{@code addRowVector}: the broadcasting {@code add} op, {@code AddOp(a, v, out)} [1].
 *   <li>{@code activate}: ReLU by {@code thresholdedrelu} with cutoff 0 [1]; leaky ReLU as
 *       {@code maximum(z, 0.01 z)} [2]; sigmoid by {@code sigmoid} [1]; tanh as {@code 2σ(2z) - 1} [4];
 *       GELU's tanh form as {@code z σ(2u)} [6]; identity by BLAS copy. Element-wise {@code multiply},
 *       {@code add}, {@code subtract} and {@code maximum}, with constants as 0-d arrays they broadcast.
 *       Not ND4J's {@code lrelu} (a float slope, also for doubles), {@code gelu} and {@code precise_gelu}
 *       (other functions; {@code Nd4jLibraryDefectsTest}), and not its {@code tanh}, which takes 2 to 3 times
 *       as long as {@code sigmoid} here and is no more accurate.
 *   <li>{@code activationBackward}: ReLU by {@code relu_bp}, the gradient where {@code z > 0} [1]; leaky
 *       ReLU as {@code g ⊙ (0.99·[z > 0] + 0.01)} with the mask from {@code relu_bp} [4]; tanh
 *       {@code g (1 - a²)} and sigmoid {@code g a (1 - a)} from {@code a} as the SPI defines them [3] (ND4J's
 *       {@code tanh_bp} and {@code sigmoid_bp} take {@code z}); GELU [14].
 *   <li>{@code multiplyElements}: {@code multiply} [1].
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
 *   <li>{@code sgdStep}: BLAS axpy and scal [1 to 5 BLAS]. Not ND4J's {@code nesterovs_updater}: its velocity
 *       is DL4J's {@code μv - ηg}, {@code -η} times PyTorch's buffer only while η stays the same.
 *   <li>{@code adamStep}, {@code rmsPropStep}: in f64 ND4J's {@code adam_updater} (with ε scaled by
 *       {@code sqrt(1 - β2ᵗ)}, which makes its step PyTorch's) or {@code rms_prop_updater}, writing the update
 *       into the gradient [1], then BLAS axpy, and BLAS for weight decay. In f32 these updaters compute
 *       {@code 1 - β} in float from a float β, which is up to {@code 3e-8/(1 - β)} off ({@code Nd4jOpFormulasTest}):
 *       there the step is {@code multiply}, {@code sqrt}, {@code add}, {@code divide} [4] and BLAS with
 *       coefficients computed in double.
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
    private Scratch onesMatrix;
    private Scratch logSoftmaxScratch;
    private Scratch rowMaxScratch;
    private Scratch rowLogSumExpScratch;
    private OneHotCache oneHot;
    private INDArray argmax;
    private long[] argmaxHost = new long[0];
    private float[] floatBuffer = new float[0];
    /** Intermediate results of the activations, by shape. */
    private final Scratch scratchP;
    private final Scratch scratchQ;
    private final Scratch scratchR;
    /** Intermediate results of the optimizer steps, by the parameters' shapes. */
    private final Scratch parameterScratch;
    private Constants constants;
    private INDArray epsilonScalar;
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
        this.scratchP = new Scratch(dataType, false, Scratch.SHAPES_PER_LAYER_KIND);
        this.scratchQ = new Scratch(dataType, false, Scratch.SHAPES_PER_LAYER_KIND);
        this.scratchR = new Scratch(dataType, false, Scratch.SHAPES_PER_LAYER_KIND);
        this.parameterScratch = new Scratch(dataType, false, Scratch.SHAPES_PER_LAYER_KIND);
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

    /** The ops this instance keeps (for tests). */
    PreparedOps preparedOps() {
        return prepared;
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
    protected void doAffine(Nd4jMatrix x, Nd4jMatrix w, Nd4jMatrix bias, Activation activation, Nd4jMatrix out) {
        if (x.rows() == 1) {
            super.doAffine(x, w, bias, activation, out); // gemv beats the fused ops' gemm at one row
            return;
        }
        INDArray xa = x.array();
        INDArray wa = w.array();
        INDArray b = bias.vector();
        INDArray o = out.array();
        // relu_layer of 1.0.0-M2.1 fails its validation when x or w is a single column; xw_plus_b does not.
        boolean fused = activation == Activation.RELU && x.cols() > 1 && w.cols() > 1;
        try (Held held = threads.forProduct(x.rows() * wa.length())) {
            if (fused) {
                prepared.run(Key.of(Site.RELU_LAYER, o, xa, wa, b), Nd4jLinearAlgebra::reluLayer);
            } else {
                prepared.run(Key.of(Site.XW_PLUS_B, o, xa, wa, b),
                        k -> new XwPlusB(new INDArray[] {k.a(), k.b(), k.c()}, k.out()));
            }
        }
        if (activation != Activation.IDENTITY && !fused) {
            doActivate(activation, out, out);
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

    // ---------------------------------------------------------------- activations

    @Override
    protected void doActivate(Activation activation, Nd4jMatrix z, Nd4jMatrix out) {
        INDArray zi = z.array();
        INDArray o = out.array();
        switch (activation) {
            case IDENTITY -> copy(zi, o);
            // thresholdedrelu with cutoff 0, a custom op that can be prepared (the legacy relu cannot).
            case RELU -> prepared.run(Key.of(Site.RELU, o, zi), k -> new ThresholdRelu(k.a(), k.out(), 0.0));
            case LEAKY_RELU -> {
                // max(z, 0.01 z), exact for a slope below 1. Not lrelu: it applies its slope as a float, also
                // to doubles (Nd4jLibraryDefectsTest).
                INDArray scaled = scratchP.get(z.rows(), z.cols());
                multiply(zi, constants().leakySlope(), scaled);
                binary(Site.MAXIMUM, zi, scaled, o);
            }
            case TANH -> {
                // 2σ(2z) - 1 through ND4J's sigmoid: its tanh op, (1 - e^-2|z|)/(1 + e^-2|z|) by pow, takes 2 to 3
                // times as long as sigmoid here and is no more accurate (both to about an ulp of 1).
                INDArray s = scratchP.get(z.rows(), z.cols());
                multiply(zi, constants().two(), s);
                sigmoid(s, s);
                multiply(s, constants().two(), s);
                binary(Site.SUBTRACT, s, constants().one(), o);
            }
            case SIGMOID -> sigmoid(zi, o); // 1/(1 + e^-z): 0, not NaN, where e^-z overflows
            case GELU -> {
                // z/2 (1 + tanh u) = z σ(2u): the tanh form through ND4J's sigmoid, which is accurate where
                // 1 + tanh u cancels and faster than its tanh; ND4J's own gelu ops are other functions
                // (Nd4jLibraryDefectsTest). With 2u = z (2k + 2kc z²), k = sqrt(2/π), c = 0.044715:
                INDArray s = scratchP.get(z.rows(), z.cols());
                twiceGeluArgument(zi, s);
                sigmoid(s, s);
                multiply(zi, s, o);
            }
        }
    }

    @Override
    protected void doActivationBackward(Activation activation, Nd4jMatrix gradient, Nd4jMatrix z, Nd4jMatrix a,
            Nd4jMatrix out) {
        INDArray g = gradient.array();
        INDArray zi = z.array();
        INDArray ai = a.array();
        INDArray o = out.array();
        int rows = gradient.rows();
        int cols = gradient.cols();
        switch (activation) {
            case IDENTITY -> copy(g, o);
            // relu_bp: the gradient where z > 0, else 0 (z and a have the same sign).
            case RELU -> prepared.run(Key.of(Site.RELU_BACKWARD, o, zi, g),
                    k -> new RectifiedLinearDerivative(k.a(), k.b(), k.out()));
            case LEAKY_RELU -> {
                // g ⊙ (0.99·[z > 0] + 0.01), the mask from relu_bp of a matrix of ones: exactly g or 0.01 g.
                // Not lrelu_bp: its slope is a float, and at z = 0 it passes the whole gradient where the
                // derivative is the slope (Nd4jLibraryDefectsTest). Not select(z > 0, g, 0.01 g): 100 times slower.
                INDArray d = scratchP.get(rows, cols);
                prepared.run(Key.of(Site.RELU_BACKWARD, d, zi, onesLike(d)),
                        k -> new RectifiedLinearDerivative(k.a(), k.b(), k.out()));
                multiply(d, constants().leakyRest(), d);
                binary(Site.ADD, d, constants().leakySlope(), d);
                multiply(g, d, o);
            }
            case TANH -> {
                // g (1 - a²) from a, as the SPI defines it; ND4J's tanh_bp takes z and recomputes tanh.
                INDArray d = scratchP.get(rows, cols);
                multiply(ai, ai, d);
                binary(Site.SUBTRACT, constants().one(), d, d);
                multiply(g, d, o);
            }
            case SIGMOID -> {
                // g a (1 - a) from a; ND4J's sigmoid_bp takes z and recomputes the sigmoid.
                INDArray d = scratchP.get(rows, cols);
                binary(Site.SUBTRACT, constants().one(), ai, d);
                multiply(d, ai, d);
                multiply(g, d, o);
            }
            case GELU -> {
                // With S = σ(2u) = (1 + tanh u)/2 the derivative is S + S (1 - S) z (2k + 6kc z²).
                INDArray s = scratchP.get(rows, cols);
                INDArray slope = scratchQ.get(rows, cols);  // z (2k + 6kc z²)
                INDArray d = scratchR.get(rows, cols);
                twiceGeluArgument(zi, s);
                sigmoid(s, s);
                multiply(zi, zi, slope);
                multiply(slope, constants().geluCubicSlope(), slope);
                binary(Site.ADD, slope, constants().geluLinear(), slope);
                multiply(slope, zi, slope);
                binary(Site.SUBTRACT, constants().one(), s, d);
                multiply(d, s, d);
                multiply(d, slope, d);
                binary(Site.ADD, d, s, d);
                multiply(g, d, o);
            }
        }
    }

    private static final double GELU_SCALE = Math.sqrt(2 / Math.PI);
    private static final double GELU_CUBIC = 0.044715;

    /** {@code out = 2u = z (2k + 2kc z²)}, twice GELU's tanh argument. */
    private void twiceGeluArgument(INDArray z, INDArray out) {
        multiply(z, z, out);
        multiply(out, constants().geluCubic(), out);
        binary(Site.ADD, out, constants().geluLinear(), out);
        multiply(out, z, out);
    }

    @Override
    protected void doMultiplyElements(Nd4jMatrix a, Nd4jMatrix b, Nd4jMatrix out) {
        multiply(a.array(), b.array(), out.array());
    }

    /** {@code out = a ⊙ b} by ND4J's {@code multiply}; {@code b} may be a 0-d scalar. */
    private void multiply(INDArray a, INDArray b, INDArray out) {
        binary(Site.MULTIPLY, a, b, out);
    }

    /** {@code out = op(a, b)} element by element, broadcasting a 0-d {@code a} or {@code b}, through a prepared op. */
    private void binary(Site op, INDArray a, INDArray b, INDArray out) {
        prepared.run(Key.of(op, out, a, b), Nd4jLinearAlgebra::binaryOp);
    }

    private static CustomOp binaryOp(Key k) {
        String name = switch (k.site()) {
            case MULTIPLY -> "multiply";
            case ADD -> "add";
            case SUBTRACT -> "subtract";
            case DIVIDE -> "divide";
            case MAXIMUM -> "maximum";
            default -> throw new IllegalArgumentException("not an element-wise op of two arrays: " + k.site());
        };
        return DynamicCustomOp.builder(name).addInputs(k.a(), k.b()).addOutputs(k.out()).build();
    }

    /** {@code out = sigmoid(in) = 1/(1 + e^-in)} by ND4J's {@code sigmoid}, through a prepared op. */
    private void sigmoid(INDArray in, INDArray out) {
        prepared.run(Key.of(Site.SIGMOID, out, in),
                k -> DynamicCustomOp.builder("sigmoid").addInputs(k.a()).addOutputs(k.out()).build());
    }

    /**
     * The constants of the activations as 0-d arrays of this backend's type, which the element-wise ops
     * broadcast; fixed arrays, so that the ops using them stay prepared.
     */
    private record Constants(INDArray one, INDArray two, INDArray leakySlope, INDArray leakyRest, INDArray geluLinear,
            INDArray geluCubic, INDArray geluCubicSlope) {

        Constants(DataType type) {
            this(Nd4j.scalar(type, 1.0), Nd4j.scalar(type, 2.0), Nd4j.scalar(type, Activation.LEAKY_RELU_SLOPE),
                    // 0.99 + 0.01 is exactly 1 in double and in float
                    Nd4j.scalar(type, 1 - Activation.LEAKY_RELU_SLOPE), Nd4j.scalar(type, 2 * GELU_SCALE),
                    Nd4j.scalar(type, 2 * GELU_SCALE * GELU_CUBIC), Nd4j.scalar(type, 6 * GELU_SCALE * GELU_CUBIC));
        }
    }

    private Constants constants() {
        if (constants == null) {
            constants = new Constants(dataType);
        }
        return constants;
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
        scale(alpha, a.array());
    }

    /** {@code x *= alpha} by BLAS scal. */
    private void scale(double alpha, INDArray x) {
        try (Held held = threads.forOtherCall()) {
            Nd4j.getBlasWrapper().level1().scal(x.length(), alpha, x);
        }
    }

    /** {@code y = x} by BLAS copy; nothing when they are the same array. */
    private void copy(INDArray x, INDArray y) {
        if (x != y) {
            try (Held held = threads.forOtherCall()) {
                Nd4j.getBlasWrapper().level1().copy(x, y);
            }
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

    // ---------------------------------------------------------------- optimizer steps

    @Override
    protected void doSgdStep(SgdUpdate step, Nd4jMatrix gradient, Nd4jMatrix velocity, Nd4jMatrix parameter) {
        // BLAS axpy and scal. Not ND4J's nesterovs_updater: it keeps DL4J's velocity μv - ηg, -η times PyTorch's
        // buffer only while η stays the same, so it takes other steps under a schedule and leaves another velocity
        // to check and to checkpoint. Its sgd_updater is g·η, which the final axpy does anyway.
        INDArray g = gradient.array();
        INDArray w = parameter.array();
        if (step.weightDecay() > 0) {
            axpy(step.weightDecay(), w, g);
        }
        INDArray direction = g;
        if (step.hasMomentum()) {
            INDArray v = velocity.array();
            scale(step.momentum(), v);
            axpy(1.0, g, v);
            if (step.nesterov()) {
                axpy(step.momentum(), v, g);
            } else {
                direction = v;
            }
        }
        axpy(-step.learningRate(), direction, w);
    }

    @Override
    protected void doAdamStep(AdamUpdate step, Nd4jMatrix gradient, Nd4jMatrix firstMoment, Nd4jMatrix secondMoment,
            Nd4jMatrix parameter) {
        INDArray g = gradient.array();
        INDArray m = firstMoment.array();
        INDArray v = secondMoment.array();
        INDArray w = parameter.array();
        decay(step.weightDecay(), step.decoupledWeightDecay(), step.learningRate(), w, g);
        double sqrtCorrection2 = Math.sqrt(step.secondMomentCorrection());
        if (precision == Precision.F64 && step.step() <= Integer.MAX_VALUE) {
            // ND4J's adam_updater writes the update into g: m·η·sqrt(1-β2ᵗ)/(1-β1ᵗ) / (sqrt(v) + ε) with t =
            // iteration + 1, which is PyTorch's step once its ε is ε·sqrt(1-β2ᵗ) (Nd4jOpFormulasTest). It takes
            // the iteration as an int: later steps go the element-wise way below.
            prepared.run(new Key(Site.ADAM_UPDATER, g, g, v, m, 0, 0, false, false), Nd4jLinearAlgebra::adamUpdater,
                    new double[] {step.learningRate(), step.beta1(), step.beta2(), step.epsilon() * sqrtCorrection2},
                    new long[] {step.step() - 1});
            axpy(-1.0, g, w);
            return;
        }
        // In f32 the updater computes 1-β1 and 1-β2 in float from β rounded to float: 1-β2 is then off by up
        // to 3e-8/(1-β2) (1.3e-5 for the usual 0.999, 1.7e-4 for 0.9999), which v carries. Here the
        // coefficients are computed in double and rounded once, and so are the step size and ε from the bias
        // corrections: w -= η sqrt(1-β2ᵗ)/(1-β1ᵗ) · m / (sqrt(v) + ε sqrt(1-β2ᵗ)).
        movingAverage(step.beta1(), g, m);
        multiply(g, g, g);
        movingAverage(step.beta2(), g, v);
        squareRootPlus(v, step.epsilon() * sqrtCorrection2, g);
        binary(Site.DIVIDE, m, g, g);
        axpy(-step.learningRate() * sqrtCorrection2 / step.firstMomentCorrection(), g, w);
    }

    private static CustomOp adamUpdater(Key k) {
        // gradient, v ("stateU"), m ("stateM"), in place; the scalars are set per call.
        return new AdamUpdater(k.a(), k.b(), k.c(), 0, 0, 0, 0, 0);
    }

    @Override
    protected void doRmsPropStep(RmsPropUpdate step, Nd4jMatrix gradient, Nd4jMatrix meanSquare, Nd4jMatrix parameter) {
        INDArray g = gradient.array();
        INDArray s = meanSquare.array();
        INDArray w = parameter.array();
        decay(step.weightDecay(), false, step.learningRate(), w, g);
        if (precision == Precision.F64) {
            // ND4J's rms_prop_updater is PyTorch's: s = αs + (1-α)g², update η g / (sqrt(s) + ε), written into g.
            prepared.run(Key.of(Site.RMS_PROP_UPDATER, g, g, s), Nd4jLinearAlgebra::rmsPropUpdater,
                    new double[] {step.learningRate(), step.alpha(), step.epsilon()}, NO_INTEGERS);
            axpy(-1.0, g, w);
            return;
        }
        // f32: as in doAdamStep, the updater's float 1-α would be off by up to 3e-8/(1-α).
        INDArray squared = parameterScratch.get(gradient.rows(), gradient.cols());
        multiply(g, g, squared);
        movingAverage(step.alpha(), squared, s);
        squareRootPlus(s, step.epsilon(), squared);
        binary(Site.DIVIDE, g, squared, squared);
        axpy(-step.learningRate(), squared, w);
    }

    private static final long[] NO_INTEGERS = {};

    private static CustomOp rmsPropUpdater(Key k) {
        return new RmsPropUpdater(k.a(), k.b(), 0, 0, 0);
    }

    /** Weight decay: {@code w *= 1 - ηλ} when decoupled (AdamW), else the L2 term {@code g += λw}. */
    private void decay(double lambda, boolean decoupled, double learningRate, INDArray w, INDArray g) {
        if (lambda == 0) {
            return;
        }
        if (decoupled) {
            scale(1 - learningRate * lambda, w);
        } else {
            axpy(lambda, w, g);
        }
    }

    /** {@code average = β·average + (1-β)·x}, by BLAS scal and axpy. */
    private void movingAverage(double beta, INDArray x, INDArray average) {
        scale(beta, average);
        axpy(1 - beta, x, average);
    }

    /** {@code out = sqrt(x) + epsilon}: ND4J's sqrt (a legacy op) and its add of a 0-d array holding epsilon. */
    private void squareRootPlus(INDArray x, double epsilon, INDArray out) {
        Nd4j.exec(new Sqrt(x, out));
        if (epsilonScalar == null) {
            epsilonScalar = Nd4j.scalar(dataType, epsilon);
        }
        // Written in place, so that the add op bound to it stays prepared.
        epsilonScalar.data().put(0, epsilon);
        Host.written(epsilonScalar);
        binary(Site.ADD, out, epsilonScalar, out);
    }

    /** A matrix of ones of {@code like}'s shape (scratch: never modify it). */
    private INDArray onesLike(INDArray like) {
        if (onesMatrix == null) {
            onesMatrix = new Scratch(dataType, true, Scratch.SHAPES_PER_LAYER_KIND);
        }
        return onesMatrix.get((int) like.rows(), (int) like.columns());
    }
}
