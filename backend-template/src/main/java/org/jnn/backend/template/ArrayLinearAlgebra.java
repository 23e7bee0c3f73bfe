package org.jnn.backend.template;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.jnn.api.AbstractLinearAlgebra;
import org.jnn.api.Availability;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;

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
        ArrayMatrix copy = doZeros(source.rows, source.cols);
        for (int i = 0; i < source.rows * source.cols; i++) {
            copy.set(i, source.get(i));
        }
        return copy;
    }

    // ---------------------------------------------------------------- level 3 and level 2

    /** Element {@code (i, j)} of {@code x}, or of its transpose. */
    private static double at(ArrayMatrix x, boolean transposed, int i, int j) {
        return transposed ? x.get(j * x.cols + i) : x.get(i * x.cols + j);
    }

    @Override
    protected void doGemm(double alpha, ArrayMatrix a, boolean transposeA, ArrayMatrix b, boolean transposeB,
            double beta, ArrayMatrix c) {
        int inner = transposeA ? a.rows : a.cols;
        for (int i = 0; i < c.rows; i++) {
            for (int j = 0; j < c.cols; j++) {
                double sum = 0;
                for (int p = 0; p < inner; p++) {
                    sum += at(a, transposeA, i, p) * at(b, transposeB, p, j);
                }
                int ij = i * c.cols + j;
                c.set(ij, alpha * sum + (beta == 0 ? 0 : beta * c.get(ij))); // beta = 0: the old c is never read
            }
        }
    }

    @Override
    protected void doRankOneUpdate(double alpha, ArrayMatrix x, ArrayMatrix y, ArrayMatrix a) {
        // x and y are vectors, rows or columns: either way element k is at index k.
        for (int i = 0; i < a.rows; i++) {
            for (int j = 0; j < a.cols; j++) {
                int ij = i * a.cols + j;
                a.set(ij, a.get(ij) + alpha * x.get(i) * y.get(j));
            }
        }
    }

    // ---------------------------------------------------------------- element-wise and row-wise

    @Override
    protected void doAddRowVector(ArrayMatrix a, ArrayMatrix v, ArrayMatrix out) {
        for (int i = 0; i < a.rows; i++) {
            for (int j = 0; j < a.cols; j++) {
                out.set(i * a.cols + j, a.get(i * a.cols + j) + v.get(j));
            }
        }
    }

    @Override
    protected void doRelu(ArrayMatrix z, ArrayMatrix out) {
        for (int i = 0; i < z.rows * z.cols; i++) {
            out.set(i, z.get(i) > 0 ? z.get(i) : 0.0);
        }
    }

    @Override
    protected void doReluBackward(ArrayMatrix gradient, ArrayMatrix activation, ArrayMatrix out) {
        for (int i = 0; i < gradient.rows * gradient.cols; i++) {
            out.set(i, activation.get(i) > 0 ? gradient.get(i) : 0.0);
        }
    }

    private static double rowMaximum(ArrayMatrix z, int row) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < z.cols; j++) {
            max = Math.max(max, z.get(row * z.cols + j));
        }
        return max;
    }

    @Override
    protected void doSoftmaxRows(ArrayMatrix z, ArrayMatrix out) {
        for (int i = 0; i < z.rows; i++) {
            double max = rowMaximum(z, i); // subtracted so that exp never overflows
            double sum = 0;
            for (int j = 0; j < z.cols; j++) {
                sum += Math.exp(z.get(i * z.cols + j) - max);
            }
            for (int j = 0; j < z.cols; j++) { // out may be z: element j is read before it is written
                out.set(i * z.cols + j, Math.exp(z.get(i * z.cols + j) - max) / sum);
            }
        }
    }

    @Override
    protected double doSumNegativeLogSoftmax(ArrayMatrix logits, int[] labels) {
        double total = 0;
        for (int i = 0; i < logits.rows; i++) {
            double max = rowMaximum(logits, i);
            double sum = 0;
            for (int j = 0; j < logits.cols; j++) {
                sum += Math.exp(logits.get(i * logits.cols + j) - max);
            }
            total += max + Math.log(sum) - logits.get(i * logits.cols + labels[i]);
        }
        return total;
    }

    @Override
    protected void doAddAtColumns(ArrayMatrix a, int[] columns, double value) {
        for (int i = 0; i < a.rows; i++) {
            int at = i * a.cols + columns[i];
            a.set(at, a.get(at) + value);
        }
    }

    @Override
    protected void doColumnSums(double alpha, ArrayMatrix a, double beta, ArrayMatrix out) {
        for (int j = 0; j < a.cols; j++) {
            double sum = 0;
            for (int i = 0; i < a.rows; i++) {
                sum += a.get(i * a.cols + j);
            }
            out.set(j, alpha * sum + (beta == 0 ? 0 : beta * out.get(j))); // beta = 0: the old out is never read
        }
    }

    @Override
    protected void doAxpy(double alpha, ArrayMatrix x, ArrayMatrix y) {
        for (int i = 0; i < x.rows * x.cols; i++) {
            y.set(i, y.get(i) + alpha * x.get(i));
        }
    }

    @Override
    protected void doScale(double alpha, ArrayMatrix a) {
        for (int i = 0; i < a.rows * a.cols; i++) {
            a.set(i, alpha * a.get(i));
        }
    }

    @Override
    protected void doFill(ArrayMatrix a, double value) {
        for (int i = 0; i < a.rows * a.cols; i++) {
            a.set(i, value);
        }
    }

    @Override
    protected void doArgmaxRows(ArrayMatrix a, int[] out) {
        for (int i = 0; i < a.rows; i++) {
            int best = 0;
            for (int j = 1; j < a.cols; j++) {
                if (a.get(i * a.cols + j) > a.get(i * a.cols + best)) { // strictly greater: the first index wins a tie
                    best = j;
                }
            }
            out[i] = best;
        }
    }
}
