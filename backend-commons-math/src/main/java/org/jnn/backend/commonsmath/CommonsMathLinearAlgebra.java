package org.jnn.backend.commonsmath;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import org.apache.commons.math3.analysis.BivariateFunction;
import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.function.Identity;
import org.apache.commons.math3.analysis.function.Multiply;
import org.apache.commons.math3.analysis.function.Sigmoid;
import org.apache.commons.math3.analysis.function.Tanh;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.BlockRealMatrix;
import org.apache.commons.math3.linear.DefaultRealMatrixChangingVisitor;
import org.apache.commons.math3.linear.DefaultRealMatrixPreservingVisitor;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.util.FastMath;
import org.jnn.api.AbstractLinearAlgebra;
import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.Availability;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;

/**
 * {@link LinearAlgebra} on Apache Commons Math 3.6.1: every matrix is a {@link BlockRealMatrix}, and
 * the arithmetic is done by the library: products by {@code multiply}, matrix-vector products by
 * {@code operate}/{@code preMultiply}, transposes by {@code transpose}, element-wise and row-wise work by
 * {@code walkInOptimizedOrder}/{@code walkInRowOrder} visitors.
 *
 * <p>Activations, their derivatives and the element-wise product are the library's functions of one or
 * two variables ({@code analysis.function}'s {@code Tanh}, {@code Sigmoid}, {@code Identity},
 * {@code Multiply}, and lambdas on {@link FastMath} where it has no such function: ReLU, leaky ReLU, GELU)
 * applied by a changing visitor over the output. An optimizer step is one changing visitor over the
 * parameter that updates the optimizer's state as it goes. Tanh, sigmoid and GELU use
 * {@code FastMath.tanh}/{@code exp}, which may differ from {@code java.lang.Math} in the last bit; ReLU,
 * the identity and the optimizer steps ({@code FastMath.sqrt} is {@code Math.sqrt}) involve no such
 * function, and ReLU and the identity give exactly what they always gave. {@code affine} is the base
 * class's {@code gemm}, {@code addRowVector} and {@code activate}: the library has no fused operation to
 * offer.
 *
 * <p>Commons Math computes only in double precision, so this backend supports {@link Precision#F64}
 * only. {@link AbstractLinearAlgebra} checks every argument; the methods here assume the contract's
 * preconditions.
 *
 * <h2>Where it allocates</h2>
 * The library has no in-place product and no transposed product ({@code multiplyTransposed} and
 * {@code transposeMultiply} do not exist in 3.6.1), so {@code gemm} allocates its product, and a
 * transpose where one is needed; alpha is applied ({@code scalarMultiply}) to the smallest of the two
 * factors and the product. With {@code beta == 0} the product simply becomes the storage of {@code c},
 * with no copy; otherwise the library's {@code add} of {@code c} and the product becomes it. Transposes
 * are kept on the matrix until it next changes, and the cheaper of {@code op(a)·op(b)} and
 * {@code (op(b)ᵀ·op(a)ᵀ)ᵀ} is chosen by the number of elements that must be transposed. A product with
 * one row or one column (batch size 1) is a matrix-vector product ({@code operate}/{@code preMultiply})
 * and transposes nothing. The other operations work in place and
 * allocate at most a copy of a broadcast vector ({@code getRow}/{@code getColumn}) besides their
 * visitor; row-wise reductions use scratch arrays kept by the instance (one instance per thread).
 */
public final class CommonsMathLinearAlgebra extends AbstractLinearAlgebra<CommonsMathMatrix> {

    /** The library version this backend is built and tested against. */
    static final String LIBRARY_VERSION = "3.6.1";

    private static final Set<Precision> PRECISIONS = Collections.unmodifiableSet(EnumSet.of(Precision.F64));

    /** Per-row scratch for the row-wise reductions; grown as needed. */
    private double[] rowMax = new double[0];
    private double[] rowSum = new double[0];
    /** A vector of ones for column sums ({@code 1ᵀa = a.preMultiply(ones)}), of the last length used. */
    private double[] ones = new double[0];

    /** The backend on {@link BlockRealMatrix}; cheap, loads nothing. */
    public CommonsMathLinearAlgebra() {
        super(CommonsMathMatrix.class);
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public String name() {
        return "commons-math";
    }

    @Override
    public String description() {
        return "Apache Commons Math " + LIBRARY_VERSION + " BlockRealMatrix (pure Java, dense " + BlockRealMatrix.BLOCK_SIZE
                + "×" + BlockRealMatrix.BLOCK_SIZE + " blocks), f64 only";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        try {
            Class.forName("org.apache.commons.math3.linear.BlockRealMatrix", false,
                    CommonsMathLinearAlgebra.class.getClassLoader());
            return Availability.available();
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.unavailable("Apache Commons Math (org.apache.commons:commons-math3:"
                    + LIBRARY_VERSION + ") is not on the class path: " + e);
        }
    }

    @Override
    public Precision precision() {
        return Precision.F64;
    }

    @Override
    public Set<Precision> supportedPrecisions() {
        return PRECISIONS;
    }

    @Override
    public LinearAlgebra withPrecision(Precision precision) {
        if (precision == Precision.F64) {
            return this;
        }
        throw new UnsupportedOperationException("backend '" + name() + "' computes only in f64: Apache Commons Math "
                + LIBRARY_VERSION + " has only double-precision matrices, so " + precision.id()
                + " is not available; use f64, or another backend for " + precision.id());
    }

    // ---------------------------------------------------------------- data in and out

    private CommonsMathMatrix wrap(RealMatrix storage) {
        return new CommonsMathMatrix(this, storage);
    }

    @Override
    protected CommonsMathMatrix doZeros(int rows, int cols) {
        return wrap(new BlockRealMatrix(rows, cols));
    }

    @Override
    protected void doSetRowMajor(CommonsMathMatrix destination, double[] data) {
        final int cols = destination.cols();
        destination.write().walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double value) {
                return data[row * cols + column];
            }
        });
    }

    @Override
    protected void doToRowMajor(CommonsMathMatrix source, double[] destination) {
        final int cols = source.cols();
        source.read().walkInOptimizedOrder(new DefaultRealMatrixPreservingVisitor() {
            @Override
            public void visit(int row, int column, double value) {
                destination[row * cols + column] = value;
            }
        });
    }

    @Override
    protected CommonsMathMatrix doCopy(CommonsMathMatrix source) {
        return wrap(source.read().copy());
    }

    // ---------------------------------------------------------------- level 3 and level 2

    @Override
    protected void doGemm(double alpha, CommonsMathMatrix a, boolean transposeA, CommonsMathMatrix b,
            boolean transposeB, double beta, CommonsMathMatrix c) {
        if (alpha == 0) {
            // BLAS: op(a)·op(b) is not computed at all; c = beta * c (zeros when beta == 0, NaN or not).
            doScaleOrClear(beta, c);
            return;
        }
        if (c.rows() == 1) {
            // One row (batch size 1): op(a) is a vector, and the product a matrix-vector product that
            // needs no transpose: x·bᵀ = b.operate(x), x·b = b.preMultiply(x).
            double[] x = vector(a, transposeA);
            double[] row = transposeB ? b.read().operate(x) : b.read().preMultiply(x);
            foldVector(alpha, row, beta, c);
            return;
        }
        if (c.cols() == 1) {
            // One column: op(b) is a vector; a·y = a.operate(y), aᵀ·y = a.preMultiply(y).
            double[] y = vector(b, !transposeB);
            double[] column = transposeA ? a.read().preMultiply(y) : a.read().operate(y);
            foldVector(alpha, column, beta, c);
            return;
        }
        fold(scaledProduct(alpha, a, transposeA, b, transposeB), beta, c);
    }

    /** Row 0 of {@code m}, or column 0 when {@code transposed}: the vector op(m) holds when it has one row. */
    private static double[] vector(CommonsMathMatrix m, boolean transposed) {
        return transposed ? m.read().getColumn(0) : m.read().getRow(0);
    }

    /**
     * A new library matrix {@code alpha·op(a)·op(b)}: either directly, or as {@code (op(b)ᵀ·op(a)ᵀ)ᵀ},
     * whichever transposes fewer elements (transposes already kept on the matrices are free). Alpha is
     * applied by the library to the smallest of the two factors and the product.
     */
    private static RealMatrix scaledProduct(double alpha, CommonsMathMatrix a, boolean transposeA, CommonsMathMatrix b,
            boolean transposeB) {
        long direct = transposeCost(a, transposeA, b, transposeB);
        long m = transposeA ? a.cols() : a.rows();
        long n = transposeB ? b.rows() : b.cols();
        boolean swap = transposeCost(a, !transposeA, b, !transposeB) + m * n < direct;
        RealMatrix left;
        RealMatrix right;
        if (swap) {
            left = transposeB ? b.read() : b.transposed();
            right = transposeA ? a.read() : a.transposed();
        } else {
            left = transposeA ? a.transposed() : a.read();
            right = transposeB ? b.transposed() : b.read();
        }
        boolean scaleProduct = false;
        if (alpha != 1) {
            // The factors may be a's or b's own storage or kept transposes: scaled into new matrices.
            long leftSize = (long) left.getRowDimension() * left.getColumnDimension();
            long rightSize = (long) right.getRowDimension() * right.getColumnDimension();
            if (leftSize <= rightSize && leftSize < m * n) {
                left = left.scalarMultiply(alpha);
            } else if (rightSize < m * n) {
                right = right.scalarMultiply(alpha);
            } else {
                scaleProduct = true;
            }
        }
        RealMatrix product = left.multiply(right);
        if (scaleProduct) {
            scaleInPlace(alpha, product);
        }
        return swap ? product.transpose() : product;
    }

    /** Elements to transpose to get the transposes of {@code a} and {@code b} that the flags ask for. */
    private static long transposeCost(CommonsMathMatrix a, boolean transposeA, CommonsMathMatrix b, boolean transposeB) {
        long cost = 0;
        if (transposeA && !a.hasTransposed()) {
            cost += (long) a.rows() * a.cols();
        }
        if (transposeB && !b.hasTransposed() && !(b == a && transposeA)) {
            cost += (long) b.rows() * b.cols();
        }
        return cost;
    }

    /** {@code c = product + beta * c} for a fresh {@code product} that nothing else refers to. */
    private static void fold(RealMatrix product, double beta, CommonsMathMatrix c) {
        if (beta == 0) {
            // The old c is not read at all; the product simply becomes c's storage.
            c.replace(product);
        } else {
            // The library's block-by-block add (allocating the sum) is about twice as fast as one
            // visitor pass over c reading product.getEntry(i, j).
            if (beta != 1) {
                scaleInPlace(beta, c.write());
            }
            c.replace(c.read().add(product));
        }
    }

    /** {@code c = alpha * v + beta * c} for a {@code c} with one row or one column holding {@code v.length} elements. */
    private static void foldVector(double alpha, double[] v, double beta, CommonsMathMatrix c) {
        RealMatrix storage = c.write();
        final boolean isRow = c.rows() == 1;
        if (beta == 0) {
            if (alpha != 1) {
                new ArrayRealVector(v, false).mapMultiplyToSelf(alpha);
            }
            if (isRow) {
                storage.setRow(0, v);
            } else {
                storage.setColumn(0, v);
            }
            return;
        }
        storage.walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double value) {
                return alpha * v[isRow ? column : row] + beta * value;
            }
        });
    }

    @Override
    protected void doRankOneUpdate(double alpha, CommonsMathMatrix x, CommonsMathMatrix y, CommonsMathMatrix a) {
        // x and y as arrays, alpha folded into x by the library, then one changing visitor over a:
        // a[i][j] += (alpha x_i) y_j in place, with no m×n temporary. (An outer product as the library
        // product of an m×1 and a 1×n matrix, or RealVector.outerProduct, then add, is 4-5 times slower.)
        double[] xs = x.rows() == 1 ? x.read().getRow(0) : x.read().getColumn(0);
        double[] ys = y.rows() == 1 ? y.read().getRow(0) : y.read().getColumn(0);
        if (alpha != 1) {
            new ArrayRealVector(xs, false).mapMultiplyToSelf(alpha);
        }
        a.write().walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double value) {
                return value + xs[row] * ys[column];
            }
        });
    }

    // ---------------------------------------------------------------- element-wise and row-wise

    @Override
    protected void doAddRowVector(CommonsMathMatrix a, CommonsMathMatrix v, CommonsMathMatrix out) {
        final double[] vs = v.read().getRow(0);
        if (out == a) {
            out.write().walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
                @Override
                public double visit(int row, int column, double value) {
                    return value + vs[column];
                }
            });
        } else {
            final RealMatrix as = a.read();
            out.write().walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
                @Override
                public double visit(int row, int column, double value) {
                    return as.getEntry(row, column) + vs[column];
                }
            });
        }
    }

    @Override
    protected void doActivate(Activation activation, CommonsMathMatrix z, CommonsMathMatrix out) {
        if (activation == Activation.IDENTITY && out == z) {
            return;
        }
        map(function(activation), z, out);
    }

    @Override
    protected void doActivationBackward(Activation activation, CommonsMathMatrix gradient, CommonsMathMatrix z,
            CommonsMathMatrix a, CommonsMathMatrix out) {
        switch (activation) {
            case IDENTITY -> doActivate(Activation.IDENTITY, gradient, out);
            case RELU -> combine(RELU_BACKWARD, gradient, z, out);
            case LEAKY_RELU -> combine(LEAKY_RELU_BACKWARD, gradient, z, out);
            case TANH -> combine(TANH_BACKWARD, gradient, a, out);
            case SIGMOID -> combine(SIGMOID_BACKWARD, gradient, a, out);
            case GELU -> combine(GELU_BACKWARD, gradient, z, out);
            default -> throw new AssertionError(activation);
        }
    }

    /** Each activation as a library function of one variable: the library's own where it has one. */
    private static UnivariateFunction function(Activation activation) {
        return switch (activation) {
            case IDENTITY -> IDENTITY;
            case RELU -> RELU;
            case LEAKY_RELU -> LEAKY_RELU;
            case TANH -> TANH;
            case SIGMOID -> SIGMOID;
            case GELU -> GELU;
        };
    }

    private static final double GELU_SCALE = FastMath.sqrt(2 / FastMath.PI);
    private static final double GELU_CUBIC = 0.044715;

    private static final UnivariateFunction IDENTITY = new Identity();
    private static final UnivariateFunction RELU = z -> z > 0 ? z : 0.0;
    private static final UnivariateFunction LEAKY_RELU = z -> z > 0 ? z : Activation.LEAKY_RELU_SLOPE * z;
    private static final UnivariateFunction TANH = new Tanh();
    /**
     * The library's {@code 1 / (1 + e^-z)}: for very negative z, e^-z overflows to infinity and the
     * result to 0, which is right to within the smallest normal double, never NaN.
     */
    private static final UnivariateFunction SIGMOID = new Sigmoid();
    private static final UnivariateFunction GELU = z -> 0.5 * z * (1 + FastMath.tanh(geluArgument(z)));

    // The backward functions of (incoming gradient, z or a), each taking the one its derivative is written in.
    private static final BivariateFunction RELU_BACKWARD = (g, z) -> z > 0 ? g : 0.0;
    private static final BivariateFunction LEAKY_RELU_BACKWARD = (g, z) -> z > 0 ? g : g * Activation.LEAKY_RELU_SLOPE;
    private static final BivariateFunction TANH_BACKWARD = (g, a) -> g * (1 - a * a);
    private static final BivariateFunction SIGMOID_BACKWARD = (g, a) -> g * (a * (1 - a));
    private static final BivariateFunction GELU_BACKWARD = (g, z) -> {
        double t = FastMath.tanh(geluArgument(z));
        return g * (0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_SCALE * (1 + 3 * GELU_CUBIC * z * z));
    };

    /** {@code u = sqrt(2/π) (z + 0.044715 z³)}, the argument of GELU's tanh. */
    private static double geluArgument(double z) {
        return GELU_SCALE * (z + GELU_CUBIC * z * z * z);
    }

    @Override
    protected void doMultiplyElements(CommonsMathMatrix a, CommonsMathMatrix b, CommonsMathMatrix out) {
        combine(MULTIPLY, a, b, out);
    }

    private static final BivariateFunction MULTIPLY = new Multiply();

    /**
     * {@code out[i][j] = f(z[i][j])} by one changing visitor over {@code out}, in place when {@code out}
     * is {@code z}.
     */
    private static void map(UnivariateFunction f, CommonsMathMatrix z, CommonsMathMatrix out) {
        final RealMatrix zs = z.read();
        final boolean inPlace = out == z;
        out.write().walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double value) {
                return f.value(inPlace ? value : zs.getEntry(row, column));
            }
        });
    }

    /**
     * {@code out[i][j] = f(x[i][j], y[i][j])} by one changing visitor over {@code out}. Each visit reads
     * element (row, column) of x and y before its result is stored there, and nothing else, so
     * {@code out} may be {@code x}, {@code y} or both.
     */
    private static void combine(BivariateFunction f, CommonsMathMatrix x, CommonsMathMatrix y, CommonsMathMatrix out) {
        final RealMatrix xs = x.read();
        final RealMatrix ys = y.read();
        final boolean outIsX = out == x;
        final boolean outIsY = out == y;
        out.write().walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double value) {
                return f.value(outIsX ? value : xs.getEntry(row, column), outIsY ? value : ys.getEntry(row, column));
            }
        });
    }

    @Override
    protected void doSoftmaxRows(CommonsMathMatrix z, CommonsMathMatrix out) {
        final double[] max = rowMaxima(z);
        final double[] sum = zeroedRowSums(z.rows());
        final RealMatrix zs = z.read();
        final boolean inPlace = out == z;
        RealMatrix os = out.write();
        // exp(z - row max), summing each row as it goes; then divide each row by its sum.
        os.walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double value) {
                double e = Math.exp((inPlace ? value : zs.getEntry(row, column)) - max[row]);
                sum[row] += e;
                return e;
            }
        });
        os.walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double value) {
                return value / sum[row];
            }
        });
    }

    @Override
    protected double doSumNegativeLogSoftmax(CommonsMathMatrix logits, int[] labels) {
        final double[] max = rowMaxima(logits);
        final int last = logits.cols() - 1;
        // Row order, left to right: each row's log-sum-exp is complete at its last column.
        return logits.read().walkInRowOrder(new DefaultRealMatrixPreservingVisitor() {
            private double total;
            private double sum;
            private double labelled;

            @Override
            public void visit(int row, int column, double value) {
                if (column == 0) {
                    sum = 0;
                }
                sum += Math.exp(value - max[row]);
                if (column == labels[row]) {
                    labelled = value;
                }
                if (column == last) {
                    total += max[row] + Math.log(sum) - labelled;
                }
            }

            @Override
            public double end() {
                return total;
            }
        });
    }

    /** The maximum of each row of {@code m}, in the instance's scratch array. */
    private double[] rowMaxima(CommonsMathMatrix m) {
        if (rowMax.length < m.rows()) {
            rowMax = new double[m.rows()];
        }
        final double[] max = rowMax;
        m.read().walkInRowOrder(new DefaultRealMatrixPreservingVisitor() {
            @Override
            public void visit(int row, int column, double value) {
                max[row] = column == 0 ? value : Math.max(max[row], value);
            }
        });
        return max;
    }

    /** The instance's per-row sum array, zeroed for {@code rows} rows. */
    private double[] zeroedRowSums(int rows) {
        if (rowSum.length < rows) {
            rowSum = new double[rows];
        }
        new ArrayRealVector(rowSum, false).set(0.0);
        return rowSum;
    }

    @Override
    protected void doAddAtColumns(CommonsMathMatrix a, int[] columns, double value) {
        RealMatrix storage = a.write();
        for (int row = 0; row < columns.length; row++) {
            storage.addToEntry(row, columns[row], value);
        }
    }

    @Override
    protected void doColumnSums(double alpha, CommonsMathMatrix a, double beta, CommonsMathMatrix out) {
        if (ones.length != a.rows()) {
            ones = new ArrayRealVector(a.rows(), 1.0).getDataRef();
        }
        // 1ᵀa as the library's vector-matrix product, then folded into out with alpha and beta.
        final double[] sums = a.read().preMultiply(ones);
        foldVector(alpha, sums, beta, out);
    }

    @Override
    protected void doAxpy(double alpha, CommonsMathMatrix x, CommonsMathMatrix y) {
        final RealMatrix xs = x.read();
        final boolean same = x == y;
        y.write().walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double value) {
                return value + alpha * (same ? value : xs.getEntry(row, column));
            }
        });
    }

    @Override
    protected void doScale(double alpha, CommonsMathMatrix a) {
        scaleInPlace(alpha, a.write());
    }

    private static void scaleInPlace(double alpha, RealMatrix m) {
        m.walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double value) {
                return alpha * value;
            }
        });
    }

    /** {@code c = beta * c}, and zeros (whatever c held) when {@code beta == 0}. */
    private static void doScaleOrClear(double beta, CommonsMathMatrix c) {
        if (beta == 0) {
            fillInPlace(0.0, c.write());
        } else if (beta != 1) {
            scaleInPlace(beta, c.write());
        }
    }

    @Override
    protected void doFill(CommonsMathMatrix a, double value) {
        fillInPlace(value, a.write());
    }

    private static void fillInPlace(double value, RealMatrix m) {
        m.walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double old) {
                return value;
            }
        });
    }

    @Override
    protected void doArgmaxRows(CommonsMathMatrix a, int[] out) {
        final int last = a.cols() - 1;
        // Row order, left to right; strictly greater, so the first index wins a tie.
        a.read().walkInRowOrder(new DefaultRealMatrixPreservingVisitor() {
            private double best;
            private int index;

            @Override
            public void visit(int row, int column, double value) {
                if (column == 0 || value > best) {
                    best = value;
                    index = column;
                }
                if (column == last) {
                    out[row] = index;
                }
            }
        });
    }

    // ---------------------------------------------------------------- optimizer steps

    // Each step is one changing visitor over the parameter that updates its state (velocity, moments) element
    // by element with getEntry/setEntry, in the order and with the arithmetic of the formulas in SgdUpdate,
    // AdamUpdate and RmsPropUpdate. One pass per formula line instead (the gradient as scratch space) was
    // measured 1.5 to 2.5 times slower: every pass pays the library's per-element visit and getEntry again.

    @Override
    protected void doSgdStep(SgdUpdate step, CommonsMathMatrix gradient, CommonsMathMatrix velocity,
            CommonsMathMatrix parameter) {
        final RealMatrix gs = gradient.read();
        final RealMatrix vs = velocity == null ? null : velocity.write();
        final double rate = step.learningRate();
        final double momentum = step.momentum();
        final boolean nesterov = step.nesterov();
        final double decay = step.weightDecay();
        parameter.write().walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double w) {
                double g = gs.getEntry(row, column) + decay * w;
                if (vs != null) {
                    double v = momentum * vs.getEntry(row, column) + g;
                    vs.setEntry(row, column, v);
                    g = nesterov ? g + momentum * v : v;
                }
                return w - rate * g;
            }
        });
    }

    @Override
    protected void doAdamStep(AdamUpdate step, CommonsMathMatrix gradient, CommonsMathMatrix firstMoment,
            CommonsMathMatrix secondMoment, CommonsMathMatrix parameter) {
        final RealMatrix gs = gradient.read();
        final RealMatrix ms = firstMoment.write();
        final RealMatrix vs = secondMoment.write();
        final double rate = step.learningRate();
        final double beta1 = step.beta1();
        final double beta2 = step.beta2();
        final double epsilon = step.epsilon();
        final boolean decoupled = step.decoupledWeightDecay();
        final double decay = step.weightDecay();
        final double keep = 1 - rate * decay;
        final double correction1 = step.firstMomentCorrection();
        final double correction2 = step.secondMomentCorrection();
        parameter.write().walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double w) {
                double g = gs.getEntry(row, column);
                if (decoupled) {
                    w *= keep;
                } else {
                    g += decay * w;
                }
                double m = beta1 * ms.getEntry(row, column) + (1 - beta1) * g;
                double v = beta2 * vs.getEntry(row, column) + (1 - beta2) * g * g;
                ms.setEntry(row, column, m);
                vs.setEntry(row, column, v);
                return w - rate * (m / correction1) / (FastMath.sqrt(v / correction2) + epsilon);
            }
        });
    }

    @Override
    protected void doRmsPropStep(RmsPropUpdate step, CommonsMathMatrix gradient, CommonsMathMatrix meanSquare,
            CommonsMathMatrix parameter) {
        final RealMatrix gs = gradient.read();
        final RealMatrix ss = meanSquare.write();
        final double rate = step.learningRate();
        final double alpha = step.alpha();
        final double epsilon = step.epsilon();
        final double decay = step.weightDecay();
        parameter.write().walkInOptimizedOrder(new DefaultRealMatrixChangingVisitor() {
            @Override
            public double visit(int row, int column, double w) {
                double g = gs.getEntry(row, column) + decay * w;
                double v = alpha * ss.getEntry(row, column) + (1 - alpha) * g * g;
                ss.setEntry(row, column, v);
                return w - rate * g / (FastMath.sqrt(v) + epsilon);
            }
        });
    }
}
