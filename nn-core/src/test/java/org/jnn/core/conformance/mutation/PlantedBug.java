package org.jnn.core.conformance.mutation;

import static org.jnn.core.conformance.mutation.RowMajor.count;
import static org.jnn.core.conformance.mutation.RowMajor.isVector;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;

import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;
import org.jnn.api.Availability;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
import org.jnn.core.conformance.ReferenceLinearAlgebra;
import org.jnn.core.conformance.mutation.FlawedSteps.Flaw;
import org.jnn.core.conformance.mutation.PlantedBugBackend.Handle;
import org.jnn.core.conformance.mutation.RowMajor.Shift;

/**
 * The bugs planted, one at a time, into {@link PlantedBugBackend} to measure what the conformance suite
 * catches: plausible mistakes of a backend author in every operation, in either or both precisions, and
 * in every rule of the {@link LinearAlgebra} contract (registration, precisions, ownership, nulls, shapes,
 * index ranges, aliasing, data in and out).
 *
 * <p>Each constant overrides the one hook its bug lives in; the defaults are the correct behaviour,
 * handed to the {@link ReferenceLinearAlgebra} of the backend's precision (which also makes the shape,
 * aliasing and index checks). A bug that skips a check catches the bad call before the reference sees
 * it and does what an unchecked implementation would. A bug that cannot be seen by any test, because
 * it changes nothing a caller can observe, says why in {@link #harmless()}.
 */
enum PlantedBug {

    /** The control: no bug. The suite must pass it. */
    NONE("control", "no bug") {
        @Override
        boolean isControl() {
            return true;
        }
    },

    /**
     * The second control, no bug either: the f32 instance computes in float arithmetic, as a single-precision
     * library does ({@link FloatArithmeticReference}). The suite must pass it, or its f32 tolerances would fail
     * honest backends.
     */
    FLOAT_ARITHMETIC("control", "no bug: the f32 instance computes in float arithmetic", Precision.F32) {
        @Override
        ReferenceLinearAlgebra inner(Precision precision) {
            return new FloatArithmeticReference();
        }

        @Override
        boolean isControl() {
            return true;
        }
    },

    // ================================================================ registration and metadata

    NOT_REGISTERED("registration", "no META-INF/services entry") {
        @Override
        String servicesLine() {
            return null;
        }
    },
    REGISTERED_CLASS_MISSPELT("registration", "the services file names a class that does not exist") {
        @Override
        String servicesLine() {
            return PlantedBugBackend.class.getName() + "s";
        }
    },
    REGISTERED_OTHER_CLASS("registration", "the services file names another backend's class, copied from its module") {
        @Override
        String servicesLine() {
            return ReferenceLinearAlgebra.class.getName();
        }
    },
    PROVIDER_CONSTRUCTOR_FAILS("registration", "the no-argument constructor ServiceLoader calls throws") {
        @Override
        void constructedAsProvider() {
            throw new IllegalStateException("planted.properties not found");
        }
    },
    PRIORITY_DIFFERS_WHEN_LOADED("registration", "the instance ServiceLoader creates has another priority") {
        @Override
        int priority(PlantedBugBackend b) {
            return b.loadedAsProvider() ? 0 : super.priority(b);
        }
    },
    UNAVAILABLE_WHEN_LOADED("registration", "the instance ServiceLoader creates says it cannot run here") {
        @Override
        Availability availability(PlantedBugBackend b) {
            return b.loadedAsProvider() ? Availability.unavailable("native library not found") : super.availability(b);
        }
    },
    DESCRIPTION_DIFFERS_WHEN_LOADED("registration", "the instance ServiceLoader creates describes itself otherwise") {
        @Override
        String description(PlantedBugBackend b) {
            return super.description(b) + (b.loadedAsProvider() ? " (service)" : "");
        }
    },
    NAME_CHANGES_WITH_PRECISION("name()", "the f32 instance is called planted-f32", Precision.F32) {
        @Override
        String name(PlantedBugBackend b) {
            return PlantedBugBackend.NAME + "-f32";
        }
    },
    NAME_NOT_ONE_WORD("name()", "the name has a space in it") {
        @Override
        String name(PlantedBugBackend b) {
            return "planted backend";
        }
    },
    DESCRIPTION_IGNORES_PRECISION("description()", "the f32 instance's description says f64", Precision.F32) {
        @Override
        String description(PlantedBugBackend b) {
            return "a reference backend with one planted bug, f64";
        }
    },

    // ================================================================ precisions

    F32_STORES_DOUBLE("precision", "the f32 instance stores and computes in double", Precision.F32) {
        @Override
        ReferenceLinearAlgebra inner(Precision precision) {
            return new ReferenceLinearAlgebra(Precision.F64);
        }
    },
    F32_ROUNDS_ONLY_ITS_INPUTS("precision", "the f32 instance rounds the values it is given but stores its results "
            + "in double", Precision.F32) {
        @Override
        ReferenceLinearAlgebra inner(Precision precision) {
            return new ReferenceLinearAlgebra(Precision.F64);
        }

        @Override
        Matrix fromRowMajor(PlantedBugBackend b, int rows, int cols, double[] data) {
            return super.fromRowMajor(b, rows, cols, data == null ? null : RowMajor.toFloat(data));
        }

        @Override
        void setRowMajor(PlantedBugBackend b, Handle handle, Matrix destination, double[] data) {
            super.setRowMajor(b, handle, destination, data == null ? null : RowMajor.toFloat(data));
        }
    },
    F32_TRUNCATES_ITS_INPUTS("precision", "the f32 instance rounds values toward zero, not to the nearest float",
            Precision.F32) {
        @Override
        Matrix fromRowMajor(PlantedBugBackend b, int rows, int cols, double[] data) {
            return super.fromRowMajor(b, rows, cols, data == null ? null : truncatedToFloat(data));
        }

        @Override
        void setRowMajor(PlantedBugBackend b, Handle handle, Matrix destination, double[] data) {
            super.setRowMajor(b, handle, destination, data == null ? null : truncatedToFloat(data));
        }
    },
    WITH_PRECISION_RETURNS_ITSELF("withPrecision", "withPrecision(f32) returns the f64 instance") {
        @Override
        LinearAlgebra withPrecision(PlantedBugBackend b, Precision precision) {
            return b;
        }
    },
    UNSUPPORTED_PRECISION_RETURNS_ITSELF("withPrecision", "supports only f64, but withPrecision(f32) quietly "
            + "returns the f64 instance instead of throwing") {
        @Override
        Set<Precision> supportedPrecisions(PlantedBugBackend b) {
            return EnumSet.of(Precision.F64);
        }

        @Override
        LinearAlgebra withPrecision(PlantedBugBackend b, Precision precision) {
            return b;
        }
    },
    UNSUPPORTED_PRECISION_WRONG_EXCEPTION("withPrecision", "supports only f64 and refuses f32 with "
            + "IllegalArgumentException, not UnsupportedOperationException") {
        @Override
        Set<Precision> supportedPrecisions(PlantedBugBackend b) {
            return EnumSet.of(Precision.F64);
        }

        @Override
        LinearAlgebra withPrecision(PlantedBugBackend b, Precision precision) {
            if (precision != Precision.F64) {
                throw new IllegalArgumentException("f64 only");
            }
            return b;
        }
    },
    F32_LISTS_ONLY_F32("supportedPrecisions", "the f32 instance's supportedPrecisions() lacks f64", Precision.F32) {
        @Override
        Set<Precision> supportedPrecisions(PlantedBugBackend b) {
            return EnumSet.of(Precision.F32);
        }
    },
    OTHER_PRECISION_ACCEPTED("ownership", "a matrix of the same backend in the other precision is converted "
            + "silently (ownership checked by name, not by instance)") {
        @Override
        Matrix own(PlantedBugBackend b, String operation, String argument, Matrix m) {
            if (m instanceof Handle h && h.owner.precision() != b.precision()) {
                return b.inner.fromRowMajor(h.rows(), h.cols(), h.owner.read(h.inner));
            }
            return super.own(b, operation, argument, m);
        }
    },

    // ================================================================ ownership and null arguments

    FOREIGN_MATRIX_CAST("ownership", "another backend's matrix is cast without a check (ClassCastException)") {
        @Override
        Matrix own(PlantedBugBackend b, String operation, String argument, Matrix m) {
            if (m != null && !(m instanceof Handle)) {
                throw new ClassCastException(m.getClass().getName() + " cannot be cast to " + Handle.class.getName());
            }
            return super.own(b, operation, argument, m);
        }
    },
    FOREIGN_MESSAGE_NAMES_ONE_BACKEND("ownership", "the error about another backend's matrix names only this one") {
        @Override
        Matrix own(PlantedBugBackend b, String operation, String argument, Matrix m) {
            if (m != null && !(m instanceof Handle h && h.owner == b)) {
                throw new IllegalArgumentException(operation + ": argument " + argument + " is not a matrix of backend '"
                        + Backends.label(b) + "'");
            }
            return super.own(b, operation, argument, m);
        }
    },
    FOREIGN_OUTPUT_IGNORED("ownership", "only inputs are checked: another backend's output matrix is silently "
            + "replaced by a scratch matrix") {
        @Override
        Matrix own(PlantedBugBackend b, String operation, String argument, Matrix m) {
            if (m != null && !(m instanceof Handle) && Set.of("c", "out", "gradient").contains(argument)) {
                return b.inner.zeros(m.rows(), m.cols());
            }
            return super.own(b, operation, argument, m);
        }
    },
    NULL_MATRIX_REPORTED_AS_FOREIGN("null", "a null matrix gives IllegalArgumentException 'not a matrix of this backend'") {
        @Override
        Matrix own(PlantedBugBackend b, String operation, String argument, Matrix m) {
            if (m == null) {
                throw new IllegalArgumentException(operation + ": argument " + argument + " is not a matrix of backend '"
                        + Backends.label(b) + "'");
            }
            return super.own(b, operation, argument, m);
        }
    },
    NULL_ARRAY_IGNORED("null", "a null array is silently ignored (if (data != null) ...)") {
        @Override
        void setRowMajor(PlantedBugBackend b, Handle handle, Matrix destination, double[] data) {
            if (data != null) {
                super.setRowMajor(b, handle, destination, data);
            }
        }

        @Override
        void toRowMajor(PlantedBugBackend b, Matrix source, double[] destination) {
            if (destination != null) {
                super.toRowMajor(b, source, destination);
            }
        }

        @Override
        void argmaxRows(PlantedBugBackend b, Matrix a, int[] out) {
            if (out != null) {
                super.argmaxRows(b, a, out);
            }
        }
    },
    NULL_LABELS_FOUND_AFTER_WRITING("null", "softmaxCrossEntropy writes the gradient before it reads the labels") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            if (labels == null && logits != gradient) {
                b.inner.softmaxRows(logits, gradient);
                throw new NullPointerException("labels");
            }
            return super.softmaxCrossEntropy(b, logits, labels, gradient);
        }
    },

    // ================================================================ shape and length checks

    GEMM_INNER_DIMENSIONS_UNCHECKED("shape check", "gemm with different inner dimensions returns quietly") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            if ((ta ? a.rows() : a.cols()) != (tb ? bm.cols() : bm.rows())) {
                return;
            }
            super.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },
    GEMM_OUTPUT_CHECKED_BY_COUNT("shape check", "gemm accepts any c with m·n elements (a 5×3 for 3×5)") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            int m = ta ? a.cols() : a.rows();
            int n = tb ? bm.rows() : bm.cols();
            if (count(c) == m * n && c.rows() != m) {
                intoAnyShape(b, m, n, c, right -> super.gemm(b, alpha, a, ta, bm, tb, beta, right));
                return;
            }
            super.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },
    GEMM_MESSAGE_WITHOUT_SHAPES("shape check", "gemm's shape error says 'dimensions do not agree' without the shapes") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            try {
                super.gemm(b, alpha, a, ta, bm, tb, beta, c);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gemm: dimensions do not agree");
            }
        }
    },
    RANK_ONE_VECTORS_CHECKED_BY_COUNT("shape check", "rankOneUpdate takes any x of a.rows() elements as a vector, "
            + "a 2×2 matrix included") {
        @Override
        void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
            if (count(x) == a.rows() && count(y) == a.cols() && x != a && y != a) {
                double[] xv = b.read(x);
                double[] yv = b.read(y);
                double[] av = b.read(a);
                for (int i = 0; i < a.rows(); i++) {
                    for (int j = 0; j < a.cols(); j++) {
                        av[i * a.cols() + j] += alpha * xv[i] * yv[j];
                    }
                }
                b.write(a, av);
                return;
            }
            super.rankOneUpdate(b, alpha, x, y, a);
        }
    },
    RANK_ONE_Y_LENGTH_UNCHECKED("shape check", "rankOneUpdate uses as much of y as a has columns, whatever y's length") {
        @Override
        void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
            if (isVector(y) && count(y) > a.cols() && isVector(x) && count(x) == a.rows() && y != a) {
                super.rankOneUpdate(b, alpha, x, b.inner.fromRowMajor(1, a.cols(),
                        Arrays.copyOf(b.read(y), a.cols())), a);
                return;
            }
            super.rankOneUpdate(b, alpha, x, y, a);
        }
    },
    AFFINE_BIAS_COLUMN_ACCEPTED("shape check", "affine takes an n×1 bias as if it were 1×n") {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            if (bias.cols() == 1 && bias.rows() == w.cols() && w.cols() > 1) {
                bias = b.inner.fromRowMajor(1, w.cols(), b.read(bias));
            }
            super.affine(b, x, w, bias, relu, out);
        }
    },
    AFFINE_OUT_CHECKED_BY_COUNT("shape check", "affine accepts any out with m·n elements") {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            if (count(out) == x.rows() * w.cols() && out.rows() != x.rows()) {
                intoAnyShape(b, x.rows(), w.cols(), out, right -> super.affine(b, x, w, bias, relu, right));
                return;
            }
            super.affine(b, x, w, bias, relu, out);
        }
    },
    ADD_ROW_VECTOR_COLUMN_ACCEPTED("shape check", "addRowVector takes an n×1 v as if it were 1×n") {
        @Override
        void addRowVector(PlantedBugBackend b, Matrix a, Matrix v, Matrix out) {
            if (v.cols() == 1 && v.rows() == a.cols() && a.cols() > 1) {
                v = b.inner.fromRowMajor(1, a.cols(), b.read(v));
            }
            super.addRowVector(b, a, v, out);
        }
    },
    ADD_ROW_VECTOR_OUT_UNCHECKED("shape check", "addRowVector writes out without checking its shape "
            + "(ArrayIndexOutOfBoundsException)") {
        @Override
        void addRowVector(PlantedBugBackend b, Matrix a, Matrix v, Matrix out) {
            if (out.rows() != a.rows() || out.cols() != a.cols()) {
                throw new ArrayIndexOutOfBoundsException("Index " + count(out) + " out of bounds for length " + count(out));
            }
            super.addRowVector(b, a, v, out);
        }
    },
    RELU_OUT_CHECKED_BY_COUNT("shape check", "relu accepts any out with as many elements as z") {
        @Override
        void relu(PlantedBugBackend b, Matrix z, Matrix out) {
            if (count(out) == count(z) && out.rows() != z.rows()) {
                intoAnyShape(b, z.rows(), z.cols(), out, right -> super.relu(b, z, right));
                return;
            }
            super.relu(b, z, out);
        }
    },
    RELU_BACKWARD_ACTIVATION_UNCHECKED("shape check", "reluBackward reads the activation without checking its shape") {
        @Override
        void reluBackward(PlantedBugBackend b, Matrix gradient, Matrix activation, Matrix out) {
            if (count(activation) > count(gradient) && out != activation) {
                Matrix cut = b.inner.fromRowMajor(gradient.rows(), gradient.cols(),
                        Arrays.copyOf(b.read(activation), count(gradient)));
                super.reluBackward(b, gradient, cut, out);
                return;
            }
            super.reluBackward(b, gradient, activation, out);
        }
    },
    SOFTMAX_OUT_CHECKED_BY_COUNT("shape check", "softmaxRows accepts any out with as many elements as z") {
        @Override
        void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
            if (count(out) == count(z) && out.rows() != z.rows()) {
                intoAnyShape(b, z.rows(), z.cols(), out, right -> super.softmaxRows(b, z, right));
                return;
            }
            super.softmaxRows(b, z, out);
        }
    },
    SOFTMAX_CROSS_ENTROPY_GRADIENT_CHECKED_BY_COUNT("shape check", "softmaxCrossEntropy accepts any gradient with as "
            + "many elements as the logits") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            if (count(gradient) == count(logits) && gradient.rows() != logits.rows()) {
                double[] loss = new double[1];
                intoAnyShape(b, logits.rows(), logits.cols(), gradient,
                        right -> loss[0] = super.softmaxCrossEntropy(b, logits, labels, right));
                return loss[0];
            }
            return super.softmaxCrossEntropy(b, logits, labels, gradient);
        }
    },
    COLUMN_SUMS_OUT_CHECKED_BY_COUNT("shape check", "columnSums accepts an n×1 out for 1×n") {
        @Override
        void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
            if (out.cols() == 1 && out.rows() == a.cols() && a.cols() > 1) {
                intoAnyShape(b, 1, a.cols(), out, right -> super.columnSums(b, alpha, a, beta, right));
                return;
            }
            super.columnSums(b, alpha, a, beta, out);
        }
    },
    AXPY_CHECKED_BY_COUNT("shape check", "axpy accepts x and y of the same element count") {
        @Override
        void axpy(PlantedBugBackend b, double alpha, Matrix x, Matrix y) {
            if (count(x) == count(y) && x.rows() != y.rows()) {
                super.axpy(b, alpha, b.inner.fromRowMajor(y.rows(), y.cols(), b.read(x)), y);
                return;
            }
            super.axpy(b, alpha, x, y);
        }
    },
    FROM_ROW_MAJOR_LONGER_ACCEPTED("array length", "fromRowMajor takes an array longer than rows·cols") {
        @Override
        Matrix fromRowMajor(PlantedBugBackend b, int rows, int cols, double[] data) {
            if (data != null && rows > 0 && cols > 0 && data.length > (long) rows * cols) {
                data = Arrays.copyOf(data, rows * cols);
            }
            return super.fromRowMajor(b, rows, cols, data);
        }
    },
    FROM_ROW_MAJOR_SIZE_OVERFLOWS("array length", "fromRowMajor compares data.length with rows·cols in int, which "
            + "overflows") {
        @Override
        Matrix fromRowMajor(PlantedBugBackend b, int rows, int cols, double[] data) {
            if (data != null && rows > 0 && cols > 0 && rows * cols == data.length && (long) rows * cols != data.length) {
                Handle h = b.wrap(b.inner.zeros(1, 1));
                h.rows = rows;
                h.cols = cols;
                return h;
            }
            return super.fromRowMajor(b, rows, cols, data);
        }
    },
    SET_ROW_MAJOR_LONGER_ACCEPTED("array length", "setRowMajor takes an array longer than the matrix") {
        @Override
        void setRowMajor(PlantedBugBackend b, Handle handle, Matrix destination, double[] data) {
            if (data != null && data.length > count(destination)) {
                data = Arrays.copyOf(data, count(destination));
            }
            super.setRowMajor(b, handle, destination, data);
        }
    },
    TO_ROW_MAJOR_LONGER_ACCEPTED("array length", "toRowMajor fills the start of an array longer than the matrix") {
        @Override
        void toRowMajor(PlantedBugBackend b, Matrix source, double[] destination) {
            if (destination != null && destination.length > count(source)) {
                System.arraycopy(b.read(source), 0, destination, 0, count(source));
                return;
            }
            super.toRowMajor(b, source, destination);
        }
    },
    ZEROS_EMPTY_ACCEPTED("shape check", "zeros(0, n) returns a matrix (NegativeArraySizeException for negative sizes)") {
        @Override
        Matrix zeros(PlantedBugBackend b, int rows, int cols) {
            if (rows < 0 || cols < 0) {
                throw new NegativeArraySizeException(String.valueOf(rows * cols));
            }
            if (rows == 0 || cols == 0) {
                Handle h = b.wrap(b.inner.zeros(1, 1));
                h.rows = rows;
                h.cols = cols;
                return h;
            }
            return super.zeros(b, rows, cols);
        }
    },
    ARGMAX_OUT_LONGER_ACCEPTED("array length", "argmaxRows fills the start of a longer out") {
        @Override
        void argmaxRows(PlantedBugBackend b, Matrix a, int[] out) {
            if (out != null && out.length > a.rows()) {
                int[] exact = new int[a.rows()];
                super.argmaxRows(b, a, exact);
                System.arraycopy(exact, 0, out, 0, exact.length);
                return;
            }
            super.argmaxRows(b, a, out);
        }
    },
    LABELS_LONGER_ACCEPTED("array length", "the loss reads the first rows labels of a longer array") {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            return super.sumNegativeLogSoftmax(b, logits, labels != null && labels.length > logits.rows()
                    ? Arrays.copyOf(labels, logits.rows()) : labels);
        }

        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            return super.softmaxCrossEntropy(b, logits, labels != null && labels.length > logits.rows()
                    ? Arrays.copyOf(labels, logits.rows()) : labels, gradient);
        }
    },
    COLUMNS_LONGER_ACCEPTED("array length", "addAtColumns reads the first rows columns of a longer array") {
        @Override
        void addAtColumns(PlantedBugBackend b, Matrix a, int[] columns, double value) {
            super.addAtColumns(b, a, columns != null && columns.length > a.rows() ? Arrays.copyOf(columns, a.rows())
                    : columns, value);
        }
    },

    // ================================================================ index ranges

    LABEL_RANGE_UNCHECKED("index range", "the loss indexes the row with an unchecked label "
            + "(ArrayIndexOutOfBoundsException)") {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            if (labels != null && labels.length == logits.rows()) {
                for (int label : labels) {
                    if (label < 0 || label >= logits.cols()) {
                        throw new ArrayIndexOutOfBoundsException("Index " + label + " out of bounds for length "
                                + logits.cols());
                    }
                }
            }
            return super.sumNegativeLogSoftmax(b, logits, labels);
        }
    },
    NEGATIVE_LABEL_UNCHECKED("index range", "softmaxCrossEntropy checks labels < cols but not labels >= 0") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            if (labels != null && Arrays.stream(labels).anyMatch(l -> l < 0) && logits != gradient
                    && labels.length == logits.rows()) {
                b.inner.softmaxRows(logits, gradient);
                throw new ArrayIndexOutOfBoundsException("Index -1 out of bounds for length " + count(logits));
            }
            return super.softmaxCrossEntropy(b, logits, labels, gradient);
        }
    },
    LABEL_CHECK_OVERFLOWS("index range", "the loss checks labels[i] + 1 > cols, which overflows for Integer.MAX_VALUE") {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            if (labels != null && Arrays.stream(labels).anyMatch(l -> l == Integer.MAX_VALUE)) {
                throw new ArrayIndexOutOfBoundsException("Index " + Integer.MAX_VALUE + " out of bounds for length "
                        + logits.cols());
            }
            return super.sumNegativeLogSoftmax(b, logits, labels);
        }
    },
    COLUMNS_CHECKED_WHILE_WRITING("index range", "addAtColumns checks each index when it reaches it, after changing "
            + "the rows before") {
        @Override
        void addAtColumns(PlantedBugBackend b, Matrix a, int[] columns, double value) {
            if (columns == null || columns.length != a.rows()) {
                super.addAtColumns(b, a, columns, value);
                return;
            }
            double[] av = b.read(a);
            for (int i = 0; i < columns.length; i++) {
                if (columns[i] < 0 || columns[i] >= a.cols()) {
                    b.write(a, av);
                    throw new IllegalArgumentException("addAtColumns: columns[" + i + "] is " + columns[i]
                            + ", outside a " + a.rows() + "×" + a.cols() + " matrix");
                }
                av[i * a.cols() + columns[i]] += value;
            }
            b.write(a, av);
        }
    },

    // ================================================================ aliasing

    GEMM_OUTPUT_ALIASING_A_UNCHECKED("aliasing", "gemm writes c = a in place, over values it still reads") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            if (c == a) {
                productInPlace(b, alpha, a, ta, bm, tb, beta, c, true);
                return;
            }
            super.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },
    GEMM_OUTPUT_ALIASING_B_UNCHECKED("aliasing", "gemm writes c = b in place, over values it still reads") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            if (c == bm) {
                productInPlace(b, alpha, a, ta, bm, tb, beta, c, false);
                return;
            }
            super.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },
    GEMM_SAME_A_AND_B_REFUSED("aliasing", "gemm refuses a = b, which is allowed (aᵀ·a)") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            if (a == bm) {
                throw new IllegalArgumentException("gemm: a and b are the same matrix");
            }
            super.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },
    RANK_ONE_OUTPUT_ALIASING_UNCHECKED("aliasing", "rankOneUpdate updates a = x in place, over values it still reads") {
        @Override
        void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
            if (a == x || a == y) {
                double[] av = b.read(a);
                double[] xv = a == x ? av : b.read(x);
                double[] yv = a == y ? av : b.read(y);
                for (int i = 0; i < a.rows(); i++) {
                    for (int j = 0; j < a.cols(); j++) {
                        av[i * a.cols() + j] += alpha * xv[i] * yv[j];
                    }
                }
                b.write(a, av);
                return;
            }
            super.rankOneUpdate(b, alpha, x, y, a);
        }
    },
    RANK_ONE_SAME_X_AND_Y_REFUSED("aliasing", "rankOneUpdate refuses x = y, which is allowed") {
        @Override
        void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
            if (x == y) {
                throw new IllegalArgumentException("rankOneUpdate: x and y are the same matrix");
            }
            super.rankOneUpdate(b, alpha, x, y, a);
        }
    },
    ADD_ROW_VECTOR_OUTPUT_ALIASING_V_UNCHECKED("aliasing", "addRowVector writes out = v row by row, so later rows "
            + "add the changed v") {
        @Override
        void addRowVector(PlantedBugBackend b, Matrix a, Matrix v, Matrix out) {
            if (out == v && a.rows() == 1) {
                double[] av = b.read(a);
                double[] vv = b.read(v);
                for (int j = 0; j < vv.length; j++) {
                    vv[j] += av[j];
                }
                b.write(v, vv);
                return;
            }
            super.addRowVector(b, a, v, out);
        }
    },
    ADD_ROW_VECTOR_IN_PLACE_REFUSED("aliasing", "addRowVector refuses out = a, which is allowed") {
        @Override
        void addRowVector(PlantedBugBackend b, Matrix a, Matrix v, Matrix out) {
            if (out == a) {
                throw new IllegalArgumentException("addRowVector: out and a are the same matrix");
            }
            super.addRowVector(b, a, v, out);
        }
    },
    AFFINE_OUTPUT_ALIASING_UNCHECKED("aliasing", "affine computes out = x in place") {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            if (out == x || out == w || out == bias) {
                Matrix result = b.inner.zeros(x.rows(), w.cols());
                super.affine(b, b.inner.copy(x), b.inner.copy(w), b.inner.copy(bias), relu, result);
                b.write(out, Arrays.copyOf(b.read(result), count(out)));
                return;
            }
            super.affine(b, x, w, bias, relu, out);
        }
    },
    SOFTMAX_CROSS_ENTROPY_ALIASING_UNCHECKED("aliasing", "softmaxCrossEntropy with gradient = logits overwrites the "
            + "logits before it computes the loss") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            if (gradient == logits) {
                b.inner.softmaxRows(logits, logits);
                double loss = b.inner.sumNegativeLogSoftmax(logits, labels);
                b.inner.addAtColumns(logits, labels, -1);
                return loss;
            }
            return super.softmaxCrossEntropy(b, logits, labels, gradient);
        }
    },
    COLUMN_SUMS_OUTPUT_ALIASING_UNCHECKED("aliasing", "columnSums writes out = a in place") {
        @Override
        void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
            if (out == a) {
                double[] av = b.read(a);
                for (int j = 0; j < av.length; j++) {
                    av[j] = alpha * av[j] + (beta == 0 ? 0 : beta * av[j]);
                }
                b.write(a, av);
                return;
            }
            super.columnSums(b, alpha, a, beta, out);
        }
    },
    RELU_BACKWARD_ALIASING_REFUSED("aliasing", "reluBackward refuses out = gradient, which is allowed") {
        @Override
        void reluBackward(PlantedBugBackend b, Matrix gradient, Matrix activation, Matrix out) {
            if (out == gradient || out == activation || gradient == activation) {
                throw new IllegalArgumentException("reluBackward: the same matrix twice");
            }
            super.reluBackward(b, gradient, activation, out);
        }
    },
    RELU_BACKWARD_OUT_IS_GRADIENT_WRONG("aliasing", "reluBackward writes the mask into out and then multiplies by "
            + "the gradient, which is the mask when out = gradient") {
        @Override
        void reluBackward(PlantedBugBackend b, Matrix gradient, Matrix activation, Matrix out) {
            if (out == gradient && out != activation && sameShape(gradient, activation)) {
                double[] act = b.read(activation);
                for (int i = 0; i < act.length; i++) {
                    act[i] = act[i] > 0 ? 1 : 0;
                }
                b.write(out, act); // out is the gradient: mask · mask
                return;
            }
            super.reluBackward(b, gradient, activation, out);
        }
    },
    RELU_IN_PLACE_REFUSED("aliasing", "relu refuses out = z, which is allowed") {
        @Override
        void relu(PlantedBugBackend b, Matrix z, Matrix out) {
            if (out == z) {
                throw new IllegalArgumentException("relu: out and z are the same matrix");
            }
            super.relu(b, z, out);
        }
    },
    SOFTMAX_IN_PLACE_REREADS_Z("aliasing", "softmaxRows writes exp into out and reads z again, wrong when out = z") {
        @Override
        void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
            if (!sameShape(z, out)) {
                super.softmaxRows(b, z, out);
                return;
            }
            double[] zv = b.read(z);
            double[] ov = out == z ? zv : b.read(out);
            int cols = z.cols();
            for (int i = 0; i < z.rows(); i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, zv[i * cols + j]);
                }
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    ov[i * cols + j] = Math.exp(zv[i * cols + j] - max);
                    sum += ov[i * cols + j];
                }
                for (int j = 0; j < cols; j++) {
                    ov[i * cols + j] = Math.exp(zv[i * cols + j] - max) / sum;
                }
            }
            b.write(out, ov);
        }
    },
    AXPY_SAME_X_AND_Y_WRONG("aliasing", "axpy sets y = alpha·x and then adds the old y, read from y itself") {
        @Override
        void axpy(PlantedBugBackend b, double alpha, Matrix x, Matrix y) {
            if (x == y) {
                double[] v = b.read(y);
                for (int i = 0; i < v.length; i++) {
                    v[i] = alpha * v[i];
                    v[i] += v[i];
                }
                b.write(y, v);
                return;
            }
            super.axpy(b, alpha, x, y);
        }
    },

    // ================================================================ data in and out

    ZEROS_NOT_CLEARED("zeros", "zeros returns reused storage that is not cleared") {
        @Override
        Matrix zeros(PlantedBugBackend b, int rows, int cols) {
            Matrix m = super.zeros(b, rows, cols);
            b.inner.fill(((Handle) m).inner, 0.5);
            return m;
        }
    },
    FROM_ROW_MAJOR_READS_COLUMN_MAJOR("fromRowMajor", "fromRowMajor reads the array in column-major order") {
        @Override
        Matrix fromRowMajor(PlantedBugBackend b, int rows, int cols, double[] data) {
            if (data == null || data.length != (long) rows * cols) {
                return super.fromRowMajor(b, rows, cols, data);
            }
            double[] rowMajor = new double[data.length];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    rowMajor[i * cols + j] = data[j * rows + i];
                }
            }
            return super.fromRowMajor(b, rows, cols, rowMajor);
        }
    },
    FROM_ROW_MAJOR_KEEPS_THE_ARRAY("fromRowMajor", "fromRowMajor keeps the caller's array as its storage") {
        @Override
        Matrix fromRowMajor(PlantedBugBackend b, int rows, int cols, double[] data) {
            Handle h = (Handle) super.fromRowMajor(b, rows, cols, data);
            h.alias = data;
            return h;
        }
    },
    SET_ROW_MAJOR_KEEPS_THE_ARRAY("setRowMajor", "setRowMajor keeps the caller's array as the matrix's storage") {
        @Override
        void setRowMajor(PlantedBugBackend b, Handle handle, Matrix destination, double[] data) {
            super.setRowMajor(b, handle, destination, data);
            handle.alias = data;
        }
    },
    SET_ROW_MAJOR_SKIPS_THE_LAST_ROW("setRowMajor", "setRowMajor stops one row short") {
        @Override
        void setRowMajor(PlantedBugBackend b, Handle handle, Matrix destination, double[] data) {
            if (data != null && data.length == count(destination) && destination.rows() > 1) {
                double[] kept = b.read(destination);
                int rowStart = (destination.rows() - 1) * destination.cols();
                System.arraycopy(data, 0, kept, 0, rowStart);
                b.write(destination, kept);
                return;
            }
            super.setRowMajor(b, handle, destination, data);
        }
    },
    TO_ROW_MAJOR_SKIPS_THE_LAST_ELEMENT("toRowMajor", "toRowMajor into an array stops one element short") {
        @Override
        void toRowMajor(PlantedBugBackend b, Matrix source, double[] destination) {
            if (destination != null && destination.length == count(source)) {
                System.arraycopy(b.read(source), 0, destination, 0, destination.length - 1);
                return;
            }
            super.toRowMajor(b, source, destination);
        }
    },
    TO_ROW_MAJOR_REUSES_ITS_ARRAY("toRowMajor", "toRowMajor(Matrix) returns the same array, refilled, on every call") {
        private final Map<Matrix, double[]> returned = new IdentityHashMap<>();

        @Override
        double[] toRowMajor(PlantedBugBackend b, Matrix source) {
            double[] array = returned.computeIfAbsent(source, m -> new double[count(m)]);
            b.inner.toRowMajor(source, array);
            return array;
        }
    },
    COPY_SHARES_STORAGE("copy", "copy returns a new handle to the same storage") {
        @Override
        Matrix copy(PlantedBugBackend b, Matrix source) {
            return b.wrap(source);
        }
    },
    COPY_MISSES_THE_LAST_ELEMENT("copy", "copy leaves the last element 0") {
        @Override
        Matrix copy(PlantedBugBackend b, Matrix source) {
            double[] values = b.read(source);
            values[values.length - 1] = 0;
            return b.wrap(b.inner.fromRowMajor(source.rows(), source.cols(), values));
        }
    },
    FROM_ROW_MAJOR_ROW_REPORTED_AS_A_COLUMN("fromRowMajor", "a 1×n matrix from fromRowMajor reports itself n×1") {
        @Override
        Matrix fromRowMajor(PlantedBugBackend b, int rows, int cols, double[] data) {
            Handle h = (Handle) super.fromRowMajor(b, rows, cols, data);
            if (rows == 1 && cols > 1) {
                h.rows = cols;
                h.cols = 1;
            }
            return h;
        }
    },
    TO_ROW_MAJOR_NEW_ARRAY_IN_COLUMN_MAJOR_ORDER("toRowMajor", "toRowMajor(Matrix) returns the elements column by column") {
        @Override
        double[] toRowMajor(PlantedBugBackend b, Matrix source) {
            double[] v = b.read(source);
            double[] columnMajor = new double[v.length];
            for (int i = 0; i < source.rows(); i++) {
                for (int j = 0; j < source.cols(); j++) {
                    columnMajor[j * source.rows() + i] = v[i * source.cols() + j];
                }
            }
            return columnMajor;
        }
    },
    MATRIX_NAMES_ANOTHER_BACKEND("Matrix.backend()", "a matrix reports the library it wraps, not this backend") {
        @Override
        LinearAlgebra reportedBackend(PlantedBugBackend b, Handle h) {
            return b.inner;
        }
    },

    // ================================================================ gemm

    GEMM_IGNORES_BETA("gemm", "always overwrites c, as if beta were 0") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            super.gemm(b, alpha, a, ta, bm, tb, 0, c);
        }
    },
    F32_GEMM_IGNORES_BETA("gemm", "the f32 gemm always overwrites c", Precision.F32) {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            GEMM_IGNORES_BETA.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },
    GEMM_READS_C_WHEN_BETA_IS_ZERO("gemm", "scales c by beta and accumulates, so 0·NaN stays NaN") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            super.gemm(b, 0, a, ta, bm, tb, 1, c); // the checks; c unchanged
            b.inner.scale(beta, c);
            super.gemm(b, alpha, a, ta, bm, tb, 1, c);
        }
    },
    F64_GEMM_READS_C_WHEN_BETA_IS_ZERO("gemm", "the f64 gemm scales c by beta and accumulates", Precision.F64) {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            GEMM_READS_C_WHEN_BETA_IS_ZERO.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },
    GEMM_USES_A_TRANSPOSE_FLAG_FOR_B("gemm", "a copy-and-paste slip: transposeA is used for b too") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            super.gemm(b, alpha, a, ta, bm, ta, beta, c);
        }
    },
    GEMM_IGNORES_ALPHA("gemm", "computes op(a)·op(b) + beta·c") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            super.gemm(b, 1, a, ta, bm, tb, beta, c);
        }
    },
    GEMM_RETURNS_EARLY_WHEN_ALPHA_IS_ZERO("gemm", "returns at once when alpha is 0, forgetting beta·c") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            if (alpha != 0) {
                super.gemm(b, alpha, a, ta, bm, tb, beta, c);
            }
        }
    },
    GEMM_DROPS_THE_LAST_INNER_TERM("gemm", "the inner loop stops one term short") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            int k = ta ? a.rows() : a.cols();
            if (k != (tb ? bm.cols() : bm.rows()) || c.rows() != (ta ? a.cols() : a.rows()) || c == a || c == bm) {
                super.gemm(b, alpha, a, ta, bm, tb, beta, c);
                return;
            }
            double[] product = RowMajor.product(b.read(a), a.rows(), a.cols(), ta, b.read(bm), bm.rows(), bm.cols(), tb,
                    k - 1);
            double[] cv = b.read(c);
            for (int i = 0; i < cv.length; i++) {
                cv[i] = alpha * product[i] + (beta == 0 ? 0 : beta * cv[i]);
            }
            b.write(c, cv);
        }
    },
    GEMM_LARGE_PRODUCTS_SKIP_THE_LAST_ROW("gemm", "the blocked kernel for products of 1M multiply-adds and more "
            + "leaves the last row of c alone") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            boolean large = (long) c.rows() * c.cols() * (ta ? a.rows() : a.cols()) >= 1 << 20;
            leavingTheTail(b, c, large ? c.cols() : 0, () -> super.gemm(b, alpha, a, ta, bm, tb, beta, c));
        }
    },
    GEMM_BOTH_TRANSPOSED_RESHAPES_B("gemm", "with both flags set, b is reshaped instead of transposed") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            if (ta && tb && bm.rows() > 1 && bm.cols() > 1 && a.rows() == bm.cols() && c != bm) {
                Matrix reshaped = b.inner.fromRowMajor(bm.cols(), bm.rows(), b.read(bm));
                super.gemm(b, alpha, a, true, reshaped, false, beta, c);
                return;
            }
            super.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },
    GEMM_OUTER_PRODUCT_IGNORED("gemm", "a product with inner dimension 1 (an outer product) only scales c") {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            if ((ta ? a.rows() : a.cols()) == 1 && (tb ? bm.cols() : bm.rows()) == 1 && c.rows() == (ta ? a.cols()
                    : a.rows()) && c.cols() == (tb ? bm.rows() : bm.cols()) && c != a && c != bm) {
                if (beta == 0) {
                    b.inner.fill(c, 0);
                } else {
                    b.inner.scale(beta, c);
                }
                return;
            }
            super.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },

    GEMM_KEEPS_A_STALE_TRANSPOSE_OF_B("gemm", "keeps the transpose of b from its first product with transposeB and "
            + "uses it again after b has changed") {
        private final Map<Matrix, double[]> transposes = new WeakHashMap<>();

        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            if (tb && c != bm) {
                double[] kept = transposes.computeIfAbsent(bm, m -> b.read(m));
                super.gemm(b, alpha, a, ta, b.inner.fromRowMajor(bm.rows(), bm.cols(), kept), true, beta, c);
                return;
            }
            super.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },
    GEMM_KEEPS_A_STALE_TRANSPOSE_OF_A("gemm", "keeps the transpose of a from its first product with transposeA and "
            + "uses it again after a has changed") {
        private final Map<Matrix, double[]> transposes = new WeakHashMap<>();

        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            if (ta && c != a) {
                double[] kept = transposes.computeIfAbsent(a, m -> b.read(m));
                super.gemm(b, alpha, b.inner.fromRowMajor(a.rows(), a.cols(), kept), true, bm, tb, beta, c);
                return;
            }
            super.gemm(b, alpha, a, ta, bm, tb, beta, c);
        }
    },
    F64_GEMM_ROUNDS_TO_FLOAT("gemm", "the f64 product goes through a float kernel", Precision.F64) {
        @Override
        void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
            super.gemm(b, alpha, a, ta, bm, tb, beta, c);
            b.write(c, RowMajor.toFloat(b.read(c)));
        }
    },

    // ================================================================ rankOneUpdate

    RANK_ONE_IGNORES_ALPHA("rankOneUpdate", "adds x·yᵀ whatever alpha is") {
        @Override
        void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
            super.rankOneUpdate(b, 1, x, y, a);
        }
    },
    F32_RANK_ONE_IGNORES_ALPHA("rankOneUpdate", "the f32 update adds x·yᵀ whatever alpha is", Precision.F32) {
        @Override
        void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
            RANK_ONE_IGNORES_ALPHA.rankOneUpdate(b, alpha, x, y, a);
        }
    },
    RANK_ONE_OVERWRITES("rankOneUpdate", "a = alpha·x·yᵀ instead of a += ...") {
        @Override
        void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
            super.rankOneUpdate(b, 0, x, y, a); // the checks; a unchanged
            b.inner.fill(a, 0);
            super.rankOneUpdate(b, alpha, x, y, a);
        }
    },
    RANK_ONE_SKIPS_THE_LAST_ROW("rankOneUpdate", "the row loop stops one short") {
        @Override
        void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
            leavingTheTail(b, a, a.cols(), () -> super.rankOneUpdate(b, alpha, x, y, a));
        }
    },
    RANK_ONE_OF_A_SCALAR_IGNORED("rankOneUpdate", "a 1×1 a is left unchanged (a shortcut for 'nothing to do')") {
        @Override
        void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
            if (count(a) == 1 && count(x) == 1 && count(y) == 1 && a != x && a != y) {
                return;
            }
            super.rankOneUpdate(b, alpha, x, y, a);
        }
    },

    LARGE_RANK_ONE_UPDATE_IGNORES_ALPHA("rankOneUpdate", "the parallel path for 10,000 elements and more adds x·yᵀ "
            + "whatever alpha is") {
        @Override
        void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
            super.rankOneUpdate(b, count(a) >= LARGE ? 1 : alpha, x, y, a);
        }
    },

    // ================================================================ affine

    AFFINE_IGNORES_RELU("affine", "never applies ReLU") {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            super.affine(b, x, w, bias, false, out);
        }
    },
    AFFINE_ALWAYS_RELU("affine", "always applies ReLU") {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            super.affine(b, x, w, bias, true, out);
        }
    },
    AFFINE_WITHOUT_BIAS("affine", "forgets the bias") {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            super.affine(b, x, w, b.inner.zeros(bias.rows(), bias.cols()), relu, out);
        }
    },
    F32_AFFINE_WITHOUT_BIAS("affine", "the f32 affine forgets the bias", Precision.F32) {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            AFFINE_WITHOUT_BIAS.affine(b, x, w, bias, relu, out);
        }
    },
    AFFINE_ACCUMULATES_INTO_OUT("affine", "adds x·w + bias to the old out") {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            double[] old = b.read(out);
            super.affine(b, x, w, bias, relu, out);
            double[] v = b.read(out);
            for (int i = 0; i < v.length && old.length == v.length; i++) {
                v[i] += old[i];
            }
            b.write(out, v);
        }
    },
    AFFINE_RELU_BEFORE_BIAS("affine", "applies ReLU to x·w and adds the bias after") {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            super.affine(b, x, w, b.inner.zeros(bias.rows(), bias.cols()), relu, out);
            if (bias.rows() == 1 && bias.cols() == out.cols()) {
                b.inner.addRowVector(out, bias, out);
            }
        }
    },
    AFFINE_ADDS_THE_FIRST_BIAS_EVERYWHERE("affine", "adds bias[0] to every column") {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            Matrix first = b.inner.zeros(bias.rows(), bias.cols());
            b.inner.fill(first, b.read(bias)[0]);
            super.affine(b, x, w, first, relu, out);
        }
    },

    LARGE_AFFINE_IGNORES_RELU("affine", "the blocked path for 1M multiply-adds and more forgets ReLU") {
        @Override
        void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
            super.affine(b, x, w, bias, relu && (long) x.rows() * x.cols() * w.cols() < 1 << 20, out);
        }
    },

    // ================================================================ softmaxCrossEntropy

    SOFTMAX_CROSS_ENTROPY_WITHOUT_ONE_HOT("softmaxCrossEntropy", "the gradient is softmax(z), without - onehot") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            double loss = super.softmaxCrossEntropy(b, logits, labels, gradient);
            b.inner.addAtColumns(gradient, labels, 1);
            return loss;
        }
    },
    SOFTMAX_CROSS_ENTROPY_MEAN_LOSS("softmaxCrossEntropy", "returns the mean loss, not the sum") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            return super.softmaxCrossEntropy(b, logits, labels, gradient) / logits.rows();
        }
    },
    SOFTMAX_CROSS_ENTROPY_WITHOUT_SHIFT("softmaxCrossEntropy", "computes exp(z) without subtracting the row maximum") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            return crossEntropy(b, logits, labels, gradient, Shift.NONE);
        }
    },
    F32_SOFTMAX_CROSS_ENTROPY_WITHOUT_SHIFT("softmaxCrossEntropy", "the f32 version computes exp(z) unshifted",
            Precision.F32) {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            return SOFTMAX_CROSS_ENTROPY_WITHOUT_SHIFT.softmaxCrossEntropy(b, logits, labels, gradient);
        }
    },
    SOFTMAX_CROSS_ENTROPY_SHIFTED_BY_THE_FIRST_ELEMENT("softmaxCrossEntropy", "subtracts each row's first element, "
            + "not its maximum") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            return crossEntropy(b, logits, labels, gradient, Shift.FIRST_ELEMENT);
        }
    },
    SOFTMAX_CROSS_ENTROPY_GRADIENT_NEGATED("softmaxCrossEntropy", "the gradient is onehot - softmax") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            double loss = super.softmaxCrossEntropy(b, logits, labels, gradient);
            b.inner.scale(-1, gradient);
            return loss;
        }
    },
    SOFTMAX_CROSS_ENTROPY_ACCUMULATES("softmaxCrossEntropy", "adds the gradient to the old contents of gradient") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            double[] old = b.read(gradient);
            double loss = super.softmaxCrossEntropy(b, logits, labels, gradient);
            double[] g = b.read(gradient);
            for (int i = 0; i < g.length && old.length == g.length; i++) {
                g[i] += old[i];
            }
            b.write(gradient, g);
            return loss;
        }
    },

    SOFTMAX_CROSS_ENTROPY_ONE_HOT_OFF_BY_ONE("softmaxCrossEntropy", "subtracts the 1 in the column after the label") {
        @Override
        double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
            double loss = super.softmaxCrossEntropy(b, logits, labels, gradient);
            b.inner.addAtColumns(gradient, labels, 1);
            int[] next = labels.clone();
            for (int i = 0; i < next.length; i++) {
                next[i] = (next[i] + 1) % logits.cols();
            }
            b.inner.addAtColumns(gradient, next, -1);
            return loss;
        }
    },

    // ================================================================ addRowVector

    ADD_ROW_VECTOR_FIRST_ROW_ONLY("addRowVector", "adds v to the first row and copies the others") {
        @Override
        void addRowVector(PlantedBugBackend b, Matrix a, Matrix v, Matrix out) {
            double[] av = b.read(a);
            super.addRowVector(b, a, v, out);
            double[] ov = b.read(out);
            if (av.length == ov.length) {
                System.arraycopy(av, a.cols(), ov, a.cols(), av.length - a.cols());
                b.write(out, ov);
            }
        }
    },
    ADD_ROW_VECTOR_BROADCASTS_THE_FIRST_ELEMENT("addRowVector", "adds v[0] to every element") {
        @Override
        void addRowVector(PlantedBugBackend b, Matrix a, Matrix v, Matrix out) {
            Matrix first = b.inner.zeros(v.rows(), v.cols());
            b.inner.fill(first, b.read(v)[0]);
            super.addRowVector(b, a, out == v ? v : first, out);
        }
    },
    ADD_ROW_VECTOR_SUBTRACTS("addRowVector", "subtracts v") {
        @Override
        void addRowVector(PlantedBugBackend b, Matrix a, Matrix v, Matrix out) {
            Matrix negated = b.inner.copy(v);
            b.inner.scale(-1, negated);
            super.addRowVector(b, a, out == v ? v : negated, out);
        }
    },

    // ================================================================ relu and reluBackward

    RELU_LEAKY("relu", "a leaky ReLU: 0.01·z below 0") {
        @Override
        void relu(PlantedBugBackend b, Matrix z, Matrix out) {
            double[] v = b.read(z);
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] > 0 ? v[i] : 0.01 * v[i];
            }
            writeSameShape(b, z, out, v, () -> super.relu(b, z, out));
        }
    },
    RELU_NEGATIVE_ZERO("relu", "returns z·0 = -0.0 for negative z and keeps -0.0") {
        @Override
        void relu(PlantedBugBackend b, Matrix z, Matrix out) {
            double[] v = b.read(z);
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] > 0 ? v[i] : v[i] * 0.0;
            }
            writeSameShape(b, z, out, v, () -> super.relu(b, z, out));
        }

        @Override
        String harmless() {
            return "-0.0 equals 0.0 in every comparison and every later sum, product and ReLU mask; only "
                    + "1/x or Math.copySign would tell them apart, and no operation of the SPI or the network uses them";
        }
    },
    RELU_SKIPS_THE_LAST_COLUMN("relu", "the column loop stops one short (out keeps its old last column)") {
        @Override
        void relu(PlantedBugBackend b, Matrix z, Matrix out) {
            double[] old = b.read(out);
            super.relu(b, z, out);
            double[] v = b.read(out);
            for (int i = z.cols() - 1; i < v.length && old.length == v.length; i += z.cols()) {
                v[i] = old[i];
            }
            b.write(out, v);
        }
    },
    F32_RELU_IS_THE_IDENTITY("relu", "the f32 relu copies z", Precision.F32) {
        @Override
        void relu(PlantedBugBackend b, Matrix z, Matrix out) {
            writeSameShape(b, z, out, b.read(z), () -> super.relu(b, z, out));
        }
    },
    LARGE_RELU_SKIPS_THE_LAST_ELEMENT("relu", "the parallel path for 10,000 elements and more leaves the last one") {
        @Override
        void relu(PlantedBugBackend b, Matrix z, Matrix out) {
            leavingTheTail(b, out, count(out) >= LARGE ? 1 : 0, () -> super.relu(b, z, out));
        }
    },
    RELU_BACKWARD_RETURNS_THE_MASK("reluBackward", "returns [activation > 0], forgetting the incoming gradient") {
        @Override
        void reluBackward(PlantedBugBackend b, Matrix gradient, Matrix activation, Matrix out) {
            Matrix ones = b.inner.zeros(gradient.rows(), gradient.cols());
            b.inner.fill(ones, 1);
            super.reluBackward(b, ones, activation, out);
        }
    },
    F64_RELU_BACKWARD_RETURNS_THE_MASK("reluBackward", "the f64 version returns the 0/1 mask", Precision.F64) {
        @Override
        void reluBackward(PlantedBugBackend b, Matrix gradient, Matrix activation, Matrix out) {
            RELU_BACKWARD_RETURNS_THE_MASK.reluBackward(b, gradient, activation, out);
        }
    },
    RELU_BACKWARD_PASSES_AT_ZERO("reluBackward", "uses activation >= 0, so a unit at exactly 0 passes its gradient") {
        @Override
        void reluBackward(PlantedBugBackend b, Matrix gradient, Matrix activation, Matrix out) {
            if (!sameShape(gradient, activation) || !sameShape(gradient, out)) {
                super.reluBackward(b, gradient, activation, out);
                return;
            }
            double[] g = b.read(gradient);
            double[] act = b.read(activation);
            for (int i = 0; i < g.length; i++) {
                g[i] = act[i] >= 0 ? g[i] : 0;
            }
            b.write(out, g);
        }
    },
    RELU_BACKWARD_MASK_FROM_THE_GRADIENT("reluBackward", "masks by gradient > 0 instead of activation > 0") {
        @Override
        void reluBackward(PlantedBugBackend b, Matrix gradient, Matrix activation, Matrix out) {
            super.reluBackward(b, gradient, gradient.rows() == activation.rows()
                    && gradient.cols() == activation.cols() ? gradient : activation, out);
        }
    },

    // ================================================================ softmaxRows

    SOFTMAX_SHIFTED_BY_THE_FIRST_ELEMENT("softmaxRows", "subtracts each row's first element, not its maximum") {
        @Override
        void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
            softmax(b, z, out, Shift.FIRST_ELEMENT, () -> super.softmaxRows(b, z, out));
        }
    },
    SOFTMAX_WITHOUT_SHIFT("softmaxRows", "the textbook exp(z) / Σ exp(z)") {
        @Override
        void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
            softmax(b, z, out, Shift.NONE, () -> super.softmaxRows(b, z, out));
        }
    },
    F32_SOFTMAX_WITHOUT_SHIFT("softmaxRows", "the f32 softmax computes exp(z) unshifted", Precision.F32) {
        @Override
        void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
            SOFTMAX_WITHOUT_SHIFT.softmaxRows(b, z, out);
        }
    },
    SOFTMAX_SHIFTED_BY_THE_MATRIX_MAXIMUM("softmaxRows", "subtracts the maximum of the whole matrix") {
        @Override
        void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
            softmax(b, z, out, Shift.MATRIX_MAXIMUM, () -> super.softmaxRows(b, z, out));
        }
    },
    SOFTMAX_OVER_COLUMNS("softmaxRows", "normalises columns instead of rows") {
        @Override
        void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
            if (z.rows() != out.rows() || z.cols() != out.cols()) {
                super.softmaxRows(b, z, out);
                return;
            }
            double[] v = b.read(z);
            double[] t = new double[v.length];
            for (int i = 0; i < z.rows(); i++) {
                for (int j = 0; j < z.cols(); j++) {
                    t[j * z.rows() + i] = v[i * z.cols() + j];
                }
            }
            double[] st = RowMajor.softmaxRows(t, z.cols(), z.rows(), Shift.ROW_MAXIMUM);
            for (int i = 0; i < z.rows(); i++) {
                for (int j = 0; j < z.cols(); j++) {
                    v[i * z.cols() + j] = st[j * z.rows() + i];
                }
            }
            b.write(out, v);
        }
    },
    SOFTMAX_OF_ONE_ROW_SKIPS_THE_LAST_COLUMN("softmaxRows", "on a 1×n matrix the last column is left out of the sum "
            + "and the output") {
        @Override
        void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
            if (z.rows() != 1 || z.cols() < 2 || out.rows() != 1 || out.cols() != z.cols()) {
                super.softmaxRows(b, z, out);
                return;
            }
            double[] v = b.read(z);
            double[] o = b.read(out);
            double[] head = RowMajor.softmaxRows(Arrays.copyOf(v, v.length - 1), 1, v.length - 1, Shift.ROW_MAXIMUM);
            System.arraycopy(head, 0, o, 0, head.length);
            b.write(out, o);
        }
    },

    SOFTMAX_ROW_BUFFER_SIZED_BY_THE_FIRST_CALL("softmaxRows", "a row buffer allocated on the first call bounds the "
            + "sum of every later, wider row") {
        private final Map<PlantedBugBackend, Integer> firstWidth = new WeakHashMap<>();

        @Override
        void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
            int width = firstWidth.computeIfAbsent(b, k -> z.cols());
            if (z.cols() <= width || !sameShape(z, out)) {
                super.softmaxRows(b, z, out);
                return;
            }
            double[] v = b.read(z);
            for (int i = 0; i < z.rows(); i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < width; j++) {
                    max = Math.max(max, v[i * z.cols() + j]);
                }
                double sum = 0;
                for (int j = 0; j < z.cols(); j++) {
                    v[i * z.cols() + j] = Math.exp(v[i * z.cols() + j] - max);
                    sum += j < width ? v[i * z.cols() + j] : 0;
                }
                for (int j = 0; j < z.cols(); j++) {
                    v[i * z.cols() + j] /= sum;
                }
            }
            b.write(out, v);
        }
    },
    F32_SOFTMAX_WITH_AN_APPROXIMATE_EXP("softmaxRows", "the f32 softmax uses a fast exp with relative errors up to "
            + "0.2 %", Precision.F32) {
        @Override
        void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
            if (!sameShape(z, out)) {
                super.softmaxRows(b, z, out);
                return;
            }
            double[] v = b.read(z);
            for (int i = 0; i < z.rows(); i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < z.cols(); j++) {
                    max = Math.max(max, v[i * z.cols() + j]);
                }
                double sum = 0;
                for (int j = 0; j < z.cols(); j++) {
                    double x = v[i * z.cols() + j] - max;
                    v[i * z.cols() + j] = Math.exp(x) * (1 + 0.002 * Math.sin(1e3 * x));
                    sum += v[i * z.cols() + j];
                }
                for (int j = 0; j < z.cols(); j++) {
                    v[i * z.cols() + j] /= sum;
                }
            }
            b.write(out, v);
        }
    },

    // ================================================================ sumNegativeLogSoftmax

    LOSS_WITHOUT_SHIFT("sumNegativeLogSoftmax", "log Σ exp(z) without the log-sum-exp shift") {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            return loss(b, logits, labels, Shift.NONE);
        }
    },
    LOSS_SHIFTED_BY_THE_FIRST_ELEMENT("sumNegativeLogSoftmax", "shifts by each row's first element, not its maximum") {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            return loss(b, logits, labels, Shift.FIRST_ELEMENT);
        }
    },
    F32_LOSS_SHIFTED_BY_THE_FIRST_ELEMENT("sumNegativeLogSoftmax", "the f32 loss shifts by each row's first element",
            Precision.F32) {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            return LOSS_SHIFTED_BY_THE_FIRST_ELEMENT.sumNegativeLogSoftmax(b, logits, labels);
        }
    },
    LOSS_SKIPS_THE_LAST_ROW("sumNegativeLogSoftmax", "the row loop stops one short") {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            double total = super.sumNegativeLogSoftmax(b, logits, labels);
            double[] z = b.read(logits);
            int last = logits.rows() - 1;
            return total - (RowMajor.logSumExp(z, last, logits.cols(), Shift.ROW_MAXIMUM)
                    - z[last * logits.cols() + labels[last]]);
        }
    },
    LOSS_IS_THE_MEAN("sumNegativeLogSoftmax", "returns the mean, not the sum") {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            return super.sumNegativeLogSoftmax(b, logits, labels) / logits.rows();
        }
    },
    LOSS_NEGATED("sumNegativeLogSoftmax", "returns Σ log softmax, without the minus") {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            return -super.sumNegativeLogSoftmax(b, logits, labels);
        }
    },
    LOSS_USES_THE_FIRST_LABEL("sumNegativeLogSoftmax", "reads labels[0] for every row") {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            if (labels == null) {
                return super.sumNegativeLogSoftmax(b, logits, null);
            }
            int[] first = labels.clone();
            Arrays.fill(first, labels.length > 0 ? labels[0] : 0);
            return super.sumNegativeLogSoftmax(b, logits, labels.length == logits.rows() ? first : labels);
        }
    },

    F64_LOSS_SUMMED_IN_FLOAT("sumNegativeLogSoftmax", "the f64 loss is accumulated in a float", Precision.F64) {
        @Override
        double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
            super.sumNegativeLogSoftmax(b, logits, labels); // the checks
            double[] z = b.read(logits);
            float total = 0;
            for (int i = 0; i < logits.rows(); i++) {
                total += (float) (RowMajor.logSumExp(z, i, logits.cols(), Shift.ROW_MAXIMUM) - z[i * logits.cols() + labels[i]]);
            }
            return total;
        }
    },

    // ================================================================ addAtColumns

    ADD_AT_COLUMNS_SETS("addAtColumns", "a[i, columns[i]] = value instead of += value") {
        @Override
        void addAtColumns(PlantedBugBackend b, Matrix a, int[] columns, double value) {
            super.addAtColumns(b, a, columns, 0); // checks
            double[] av = b.read(a);
            for (int i = 0; i < columns.length; i++) {
                av[i * a.cols() + columns[i]] = value;
            }
            b.write(a, av);
        }
    },
    ADD_AT_COLUMNS_ALWAYS_SUBTRACTS_ONE("addAtColumns", "adds -1, the value of its one use in the network") {
        @Override
        void addAtColumns(PlantedBugBackend b, Matrix a, int[] columns, double value) {
            super.addAtColumns(b, a, columns, -1);
        }
    },
    ADD_AT_COLUMNS_SKIPS_THE_LAST_ROW("addAtColumns", "the row loop stops one short") {
        @Override
        void addAtColumns(PlantedBugBackend b, Matrix a, int[] columns, double value) {
            leavingTheTail(b, a, a.cols(), () -> super.addAtColumns(b, a, columns, value));
        }
    },

    // ================================================================ columnSums

    COLUMN_SUMS_IGNORES_BETA("columnSums", "always overwrites out") {
        @Override
        void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
            super.columnSums(b, alpha, a, 0, out);
        }
    },
    F32_COLUMN_SUMS_IGNORES_BETA("columnSums", "the f32 version always overwrites out", Precision.F32) {
        @Override
        void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
            COLUMN_SUMS_IGNORES_BETA.columnSums(b, alpha, a, beta, out);
        }
    },
    COLUMN_SUMS_READS_OUT_WHEN_BETA_IS_ZERO("columnSums", "scales out by beta and accumulates, so 0·NaN stays NaN") {
        @Override
        void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
            super.columnSums(b, 0, a, 1, out); // the checks; out unchanged
            b.inner.scale(beta, out);
            super.columnSums(b, alpha, a, 1, out);
        }
    },
    COLUMN_SUMS_IGNORES_ALPHA("columnSums", "computes 1ᵀa + beta·out") {
        @Override
        void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
            super.columnSums(b, 1, a, beta, out);
        }
    },
    COLUMN_SUMS_SKIP_THE_LAST_ROW("columnSums", "the row loop stops one short") {
        @Override
        void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
            if (a.rows() > 1 && out != a) {
                double[] av = b.read(a);
                Arrays.fill(av, (a.rows() - 1) * a.cols(), av.length, 0);
                super.columnSums(b, alpha, b.inner.fromRowMajor(a.rows(), a.cols(), av), beta, out);
                return;
            }
            super.columnSums(b, alpha, a, beta, out);
        }
    },
    COLUMN_MEANS("columnSums", "divides by the number of rows (column means)") {
        @Override
        void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
            super.columnSums(b, alpha / a.rows(), a, beta, out);
        }
    },

    COLUMN_SUMS_SCRATCH_NOT_CLEARED("columnSums", "accumulates into scratch space that is not cleared between calls") {
        private final Map<PlantedBugBackend, double[]> scratch = new WeakHashMap<>();

        @Override
        void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
            super.columnSums(b, 0, a, 1, out); // the checks; out unchanged
            double[] sums = scratch.get(b);
            if (sums == null || sums.length < a.cols()) {
                sums = new double[a.cols()];
                scratch.put(b, sums);
            }
            double[] av = b.read(a);
            for (int i = 0; i < av.length; i++) {
                sums[i % a.cols()] += av[i];
            }
            double[] ov = b.read(out);
            for (int j = 0; j < ov.length; j++) {
                ov[j] = alpha * sums[j] + (beta == 0 ? 0 : beta * ov[j]);
            }
            b.write(out, ov);
        }
    },
    LARGE_COLUMN_SUMS_IGNORE_BETA("columnSums", "the parallel path for 10,000 elements and more overwrites out") {
        @Override
        void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
            super.columnSums(b, alpha, a, count(a) >= LARGE ? 0 : beta, out);
        }
    },

    // ================================================================ axpy, scale, fill

    AXPY_SUBTRACTS("axpy", "y -= alpha·x") {
        @Override
        void axpy(PlantedBugBackend b, double alpha, Matrix x, Matrix y) {
            super.axpy(b, -alpha, x, y);
        }
    },
    AXPY_OVERWRITES("axpy", "y = alpha·x") {
        @Override
        void axpy(PlantedBugBackend b, double alpha, Matrix x, Matrix y) {
            if (x != y && x.rows() == y.rows() && x.cols() == y.cols()) {
                b.inner.fill(y, 0);
            }
            super.axpy(b, alpha, x, y);
        }
    },
    AXPY_SKIPS_THE_LAST_ELEMENT("axpy", "the loop stops one element short") {
        @Override
        void axpy(PlantedBugBackend b, double alpha, Matrix x, Matrix y) {
            leavingTheTail(b, y, 1, () -> super.axpy(b, alpha, x, y));
        }
    },
    LARGE_AXPY_SKIPS_THE_LAST_ROW("axpy", "the parallel path for 10,000 elements and more stops one row short") {
        @Override
        void axpy(PlantedBugBackend b, double alpha, Matrix x, Matrix y) {
            leavingTheTail(b, y, count(y) >= LARGE ? y.cols() : 0, () -> super.axpy(b, alpha, x, y));
        }
    },
    SCALE_BY_ZERO_SKIPPED("scale", "returns at once for alpha = 0, mistaking it for a no-op") {
        @Override
        void scale(PlantedBugBackend b, double alpha, Matrix a) {
            if (alpha != 0) {
                super.scale(b, alpha, a);
            }
        }
    },
    SCALE_FIRST_ROW_ONLY("scale", "scales only the first row") {
        @Override
        void scale(PlantedBugBackend b, double alpha, Matrix a) {
            double[] v = b.read(a);
            for (int j = 0; j < a.cols(); j++) {
                v[j] *= alpha;
            }
            b.write(a, v);
        }
    },
    FILL_SKIPS_THE_LAST_COLUMN("fill", "the column loop stops one short") {
        @Override
        void fill(PlantedBugBackend b, Matrix a, double value) {
            double[] v = b.read(a);
            for (int i = 0; i < v.length; i++) {
                if (i % a.cols() != a.cols() - 1) {
                    v[i] = value;
                }
            }
            b.write(a, v);
        }
    },
    FILL_BY_SCALING("fill", "fills by scaling by 0 and adding value, so NaN and infinity stay") {
        @Override
        void fill(PlantedBugBackend b, Matrix a, double value) {
            double[] v = b.read(a);
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] * 0 + value;
            }
            b.write(a, v);
        }
    },

    // ================================================================ argmaxRows

    ARGMAX_TAKES_THE_LAST_OF_TIES("argmaxRows", "scans with >=, so the last of equal maxima wins") {
        @Override
        void argmaxRows(PlantedBugBackend b, Matrix a, int[] out) {
            argmax(b, a, out, a.cols(), true, false);
        }
    },
    ARGMAX_NEVER_LOOKS_AT_THE_LAST_COLUMN("argmaxRows", "the column loop stops one short") {
        @Override
        void argmaxRows(PlantedBugBackend b, Matrix a, int[] out) {
            argmax(b, a, out, Math.max(1, a.cols() - 1), false, false);
        }
    },
    ARGMAX_OF_THE_ABSOLUTE_VALUES("argmaxRows", "finds the largest magnitude") {
        @Override
        void argmaxRows(PlantedBugBackend b, Matrix a, int[] out) {
            argmax(b, a, out, a.cols(), false, true);
        }
    },
    ARGMAX_SKIPS_THE_LAST_ROW("argmaxRows", "the row loop stops one short") {
        @Override
        void argmaxRows(PlantedBugBackend b, Matrix a, int[] out) {
            int last = out == null || out.length == 0 ? 0 : out[out.length - 1];
            super.argmaxRows(b, a, out);
            if (out != null && out.length == a.rows()) {
                out[out.length - 1] = last;
            }
        }
    },

    // ================================================================ activate (every activation but ReLU's own path)

    SIGMOID_WITHOUT_THE_STABLE_BRANCH("activate", "sigmoid as e^z / (1 + e^z) for every z: inf / inf = NaN above 709") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.SIGMOID, z, out, v -> Math.exp(v) / (1 + Math.exp(v)),
                    () -> super.activate(b, f, z, out));
        }
    },
    F32_SIGMOID_OVERFLOWS_IN_FLOAT("activate", "the f32 sigmoid computes e^z / (1 + e^z) in float: NaN above 88",
            Precision.F32) {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.SIGMOID, z, out, v -> {
                float e = (float) Math.exp((float) v);
                return e / (1f + e);
            }, () -> super.activate(b, f, z, out));
        }
    },
    TANH_FROM_EXPONENTIALS("activate", "tanh as (e^2z - 1) / (e^2z + 1): inf / inf = NaN above 354") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.TANH, z, out, v -> (Math.exp(2 * v) - 1) / (Math.exp(2 * v) + 1),
                    () -> super.activate(b, f, z, out));
        }
    },
    GELU_CUBIC_COEFFICIENT_ROUNDED("activate", "GELU with 0.0447 for 0.044715") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.GELU, z, out, v -> gelu(v, ReferenceLinearAlgebra.GELU_SCALE, 0.0447),
                    () -> super.activate(b, f, z, out));
        }
    },
    GELU_SCALE_SQRT_TWO_PI("activate", "GELU with sqrt(2π) for sqrt(2/π)") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.GELU, z, out, v -> gelu(v, Math.sqrt(2 * Math.PI), ReferenceLinearAlgebra.GELU_CUBIC),
                    () -> super.activate(b, f, z, out));
        }
    },
    GELU_SIGMOID_FORM("activate", "the library's other GELU, z·sigmoid(1.702 z)") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.GELU, z, out, v -> v / (1 + Math.exp(-1.702 * v)), () -> super.activate(b, f, z, out));
        }
    },
    GELU_ERF_FORM("activate", "the exact GELU, z/2 (1 + erf(z/√2)), instead of the tanh form") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.GELU, z, out, v -> 0.5 * v * (1 + erf(v / Math.sqrt(2))),
                    () -> super.activate(b, f, z, out));
        }
    },
    GELU_OVERFLOWS_FOR_LARGE_Z("activate", "GELU as z·e^2u / (1 + e^2u): inf / inf = NaN for large z") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.GELU, z, out, v -> {
                double e = Math.exp(2 * ReferenceLinearAlgebra.geluArgument(v));
                return v * e / (1 + e);
            }, () -> super.activate(b, f, z, out));
        }
    },
    F32_GELU_WITHOUT_THE_CUBIC_TERM("activate", "the f32 GELU takes tanh(sqrt(2/π) z), without 0.044715 z³",
            Precision.F32) {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.GELU, z, out, v -> gelu(v, ReferenceLinearAlgebra.GELU_SCALE, 0),
                    () -> super.activate(b, f, z, out));
        }
    },
    LEAKY_RELU_SLOPE_A_TENTH("activate", "leaky ReLU with slope 0.1") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.LEAKY_RELU, z, out, v -> v > 0 ? v : 0.1 * v, () -> super.activate(b, f, z, out));
        }
    },
    LEAKY_RELU_AS_RELU("activate", "leaky ReLU computed by the library's ReLU") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, f == Activation.LEAKY_RELU, z, out, v -> v > 0 ? v : 0, () -> super.activate(b, f, z, out));
        }
    },
    ACTIVATE_IDENTITY_WRITES_NOTHING("activate", "the identity returns at once, leaving a separate out unwritten") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            if (f == Activation.IDENTITY) {
                double[] old = b.read(out);
                super.activate(b, f, z, out);
                b.write(out, old);
                return;
            }
            super.activate(b, f, z, out);
        }
    },
    ACTIVATE_ALWAYS_RELU("activate", "applies ReLU whatever the activation (the code from before there were others)") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            elementwise(b, true, z, out, v -> v > 0 ? v : 0, () -> super.activate(b, f, z, out));
        }
    },
    F64_ACTIVATIONS_ROUND_TO_FLOAT("activate", "the f64 tanh, sigmoid and GELU go through the library's float kernel",
            Precision.F64) {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            super.activate(b, f, z, out);
            if (f == Activation.TANH || f == Activation.SIGMOID || f == Activation.GELU) {
                b.write(out, RowMajor.toFloat(b.read(out)));
            }
        }
    },
    LARGE_ACTIVATE_SKIPS_THE_LAST_ELEMENT("activate", "the parallel path for 10,000 elements and more leaves the last one") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            leavingTheTail(b, out, count(out) >= LARGE ? 1 : 0, () -> super.activate(b, f, z, out));
        }
    },
    ACTIVATE_IN_PLACE_REFUSED("aliasing", "activate refuses out = z for tanh, sigmoid, GELU and leaky ReLU") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            if (out == z) {
                throw new IllegalArgumentException("activate: out and z are the same matrix");
            }
            super.activate(b, f, z, out);
        }
    },
    ACTIVATE_OUT_CHECKED_BY_COUNT("shape check", "activate accepts any out with as many elements as z") {
        @Override
        void activate(PlantedBugBackend b, Activation f, Matrix z, Matrix out) {
            if (count(out) == count(z) && out.rows() != z.rows()) {
                intoAnyShape(b, z.rows(), z.cols(), out, right -> super.activate(b, f, z, right));
                return;
            }
            super.activate(b, f, z, out);
        }
    },
    NULL_ACTIVATION_TAKEN_AS_THE_IDENTITY("null", "a null activation is taken as the identity") {
        @Override
        Activation activation(Activation given) {
            return given == null ? Activation.IDENTITY : given;
        }
    },

    // ================================================================ activationBackward (all but ReLU given a for z)

    TANH_BACKWARD_FROM_Z("activationBackward", "tanh's derivative as 1 - z², from z instead of a") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, f == Activation.TANH, gradient, z, a, out, (g, zi, ai) -> g * (1 - zi * zi),
                    () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    TANH_BACKWARD_TAKES_A_FOR_Z("activationBackward", "tanh's derivative as 1 - tanh²(a): a taken for z") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, f == Activation.TANH, gradient, z, a, out, (g, zi, ai) -> g * (1 - Math.tanh(ai) * Math.tanh(ai)),
                    () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    SIGMOID_BACKWARD_FROM_Z("activationBackward", "sigmoid's derivative as z (1 - z), from z instead of a") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, f == Activation.SIGMOID, gradient, z, a, out, (g, zi, ai) -> g * zi * (1 - zi),
                    () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    SIGMOID_BACKWARD_TAKES_A_FOR_Z("activationBackward", "sigmoid's derivative as σ(a)(1 - σ(a)): a taken for z") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, f == Activation.SIGMOID, gradient, z, a, out, (g, zi, ai) -> {
                double s = ReferenceLinearAlgebra.apply(Activation.SIGMOID, ai);
                return g * s * (1 - s);
            }, () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    GELU_BACKWARD_FROM_A("activationBackward", "GELU's derivative evaluated at a instead of z") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, f == Activation.GELU, gradient, z, a, out,
                    (g, zi, ai) -> g * ReferenceLinearAlgebra.derivative(Activation.GELU, ai, ai),
                    () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    GELU_BACKWARD_WITHOUT_THE_PRODUCT_RULE("activationBackward", "GELU's derivative as (1 + tanh u) / 2 alone") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, f == Activation.GELU, gradient, z, a, out,
                    (g, zi, ai) -> g * 0.5 * (1 + Math.tanh(ReferenceLinearAlgebra.geluArgument(zi))),
                    () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    GELU_BACKWARD_INNER_DERIVATIVE_WITHOUT_THE_3("activationBackward", "GELU's derivative with 1 + 0.044715 z² for "
            + "1 + 3 · 0.044715 z²") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, f == Activation.GELU, gradient, z, a, out, (g, zi, ai) -> {
                double t = Math.tanh(ReferenceLinearAlgebra.geluArgument(zi));
                return g * (0.5 * (1 + t) + 0.5 * zi * (1 - t * t) * ReferenceLinearAlgebra.GELU_SCALE
                        * (1 + ReferenceLinearAlgebra.GELU_CUBIC * zi * zi));
            }, () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    ACTIVATION_BACKWARD_DROPS_THE_GRADIENT("activationBackward", "returns f'(z), forgetting the incoming gradient") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, true, gradient, z, a, out, (g, zi, ai) -> ReferenceLinearAlgebra.derivative(f, zi, ai),
                    () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    LEAKY_RELU_BACKWARD_AS_RELU("activationBackward", "leaky ReLU's derivative is 0 below 0, as ReLU's") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, f == Activation.LEAKY_RELU, gradient, z, a, out, (g, zi, ai) -> zi > 0 ? g : 0,
                    () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    LEAKY_RELU_BACKWARD_SLOPE_A_TENTH("activationBackward", "leaky ReLU's derivative is 0.1 below 0") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, f == Activation.LEAKY_RELU, gradient, z, a, out, (g, zi, ai) -> zi > 0 ? g : 0.1 * g,
                    () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    LEAKY_RELU_BACKWARD_ONE_AT_ZERO("activationBackward", "leaky ReLU's derivative uses z >= 0, so it is 1 at 0") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, f == Activation.LEAKY_RELU, gradient, z, a, out,
                    (g, zi, ai) -> zi >= 0 ? g : Activation.LEAKY_RELU_SLOPE * g,
                    () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    IDENTITY_BACKWARD_WRITES_NOTHING("activationBackward", "the identity's backward pass returns at once, leaving a "
            + "separate out unwritten") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            if (f == Activation.IDENTITY) {
                double[] old = b.read(out);
                super.activationBackward(b, f, gradient, z, a, out);
                b.write(out, old);
                return;
            }
            super.activationBackward(b, f, gradient, z, a, out);
        }
    },
    ACTIVATION_BACKWARD_OUT_IS_GRADIENT_WRONG("aliasing", "activationBackward writes f' into out and then multiplies "
            + "by the gradient, which is f' when out = gradient") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            backward(b, out == gradient, gradient, z, a, out, (g, zi, ai) -> {
                double d = ReferenceLinearAlgebra.derivative(f, zi, ai);
                return d * d;
            }, () -> super.activationBackward(b, f, gradient, z, a, out));
        }
    },
    ACTIVATION_BACKWARD_OUT_ALIASING_Z_OR_A_UNCHECKED("aliasing", "activationBackward accepts out = z or out = a and "
            + "computes element by element") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            if ((out == z || out == a) && sameShape(gradient, z) && sameShape(gradient, a)) {
                double[] g = b.read(gradient);
                double[] zv = b.read(z);
                double[] av = b.read(a);
                for (int i = 0; i < g.length; i++) {
                    g[i] *= ReferenceLinearAlgebra.derivative(f, zv[i], av[i]);
                }
                b.write(out, g);
                return;
            }
            super.activationBackward(b, f, gradient, z, a, out);
        }
    },
    ACTIVATION_BACKWARD_Z_EQUALS_A_REFUSED("aliasing", "activationBackward refuses z = a, which is allowed") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            if (z == a) {
                throw new IllegalArgumentException("activationBackward: z and a are the same matrix");
            }
            super.activationBackward(b, f, gradient, z, a, out);
        }
    },
    ACTIVATION_BACKWARD_A_CHECKED_BY_COUNT("shape check", "activationBackward accepts any a with as many elements as "
            + "the gradient") {
        @Override
        void activationBackward(PlantedBugBackend b, Activation f, Matrix gradient, Matrix z, Matrix a, Matrix out) {
            if (count(a) == count(gradient) && a.rows() != gradient.rows() && out != a) {
                super.activationBackward(b, f, gradient, z, b.inner.fromRowMajor(gradient.rows(), gradient.cols(), b.read(a)),
                        out);
                return;
            }
            super.activationBackward(b, f, gradient, z, a, out);
        }
    },

    // ================================================================ affine with the other activations

    AFFINE_ONLY_KNOWS_RELU("affine", "the fused path applies ReLU or nothing: tanh, sigmoid, GELU and leaky ReLU "
            + "come out as x·w + bias") {
        @Override
        void affineWith(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, Activation activation, Matrix out) {
            super.affineWith(b, x, w, bias, Activation.IDENTITY, out);
        }
    },
    AFFINE_ACTIVATION_BEFORE_THE_BIAS("affine", "applies tanh, sigmoid, GELU or leaky ReLU to x·w and adds the bias "
            + "after") {
        @Override
        void affineWith(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, Activation activation, Matrix out) {
            super.affineWith(b, x, w, b.inner.zeros(bias.rows(), bias.cols()), activation, out);
            if (bias.rows() == 1 && bias.cols() == out.cols()) {
                b.inner.addRowVector(out, bias, out);
            }
        }
    },

    // ================================================================ multiplyElements

    MULTIPLY_ELEMENTS_ADDS("multiplyElements", "a + b, a copy-and-paste slip from the addition") {
        @Override
        void multiplyElements(PlantedBugBackend b, Matrix a, Matrix m, Matrix out) {
            double[] av = b.read(a);
            double[] mv = b.read(m);
            super.multiplyElements(b, a, m, out);
            for (int i = 0; i < av.length; i++) {
                av[i] += mv[i];
            }
            b.write(out, av);
        }
    },
    MULTIPLY_ELEMENTS_COPIES_A_FIRST("aliasing", "multiplyElements copies a into out and multiplies out by b, which "
            + "is a when out = b") {
        @Override
        void multiplyElements(PlantedBugBackend b, Matrix a, Matrix m, Matrix out) {
            double[] av = b.read(a);
            double[] mv = out == m ? av : b.read(m);
            super.multiplyElements(b, a, m, out);
            double[] product = new double[av.length];
            for (int i = 0; i < av.length; i++) {
                product[i] = av[i] * mv[i];
            }
            b.write(out, product);
        }
    },
    MULTIPLY_ELEMENTS_IN_PLACE_REFUSED("aliasing", "multiplyElements refuses out = a or out = b, which dropout needs") {
        @Override
        void multiplyElements(PlantedBugBackend b, Matrix a, Matrix m, Matrix out) {
            if (out == a || out == m) {
                throw new IllegalArgumentException("multiplyElements: out is an input");
            }
            super.multiplyElements(b, a, m, out);
        }
    },
    MULTIPLY_ELEMENTS_SAME_A_AND_B_REFUSED("aliasing", "multiplyElements refuses a = b, which is allowed") {
        @Override
        void multiplyElements(PlantedBugBackend b, Matrix a, Matrix m, Matrix out) {
            if (a == m) {
                throw new IllegalArgumentException("multiplyElements: a and b are the same matrix");
            }
            super.multiplyElements(b, a, m, out);
        }
    },
    MULTIPLY_ELEMENTS_B_CHECKED_BY_COUNT("shape check", "multiplyElements accepts any b with as many elements as a") {
        @Override
        void multiplyElements(PlantedBugBackend b, Matrix a, Matrix m, Matrix out) {
            if (count(m) == count(a) && m.rows() != a.rows() && out != m) {
                super.multiplyElements(b, a, b.inner.fromRowMajor(a.rows(), a.cols(), b.read(m)), out);
                return;
            }
            super.multiplyElements(b, a, m, out);
        }
    },
    MULTIPLY_ELEMENTS_SKIPS_THE_LAST_ROW("multiplyElements", "the row loop stops one short") {
        @Override
        void multiplyElements(PlantedBugBackend b, Matrix a, Matrix m, Matrix out) {
            leavingTheTail(b, out, out.cols(), () -> super.multiplyElements(b, a, m, out));
        }
    },

    // ================================================================ sgdStep

    SGD_NESTEROV_AS_CLASSICAL("sgdStep", "ignores the Nesterov flag", Flaw.NESTEROV_AS_CLASSICAL),
    SGD_VELOCITY_NOT_STORED("sgdStep", "computes the new velocity but never writes it back", Flaw.VELOCITY_NOT_STORED),
    SGD_WEIGHT_DECAY_TWICE("sgdStep", "adds λw twice (once to the gradient, once in the step)", Flaw.DECAY_TWICE),
    SGD_WEIGHT_DECAY_IGNORED("sgdStep", "ignores the weight decay", Flaw.DECAY_IGNORED),
    SGD_WEIGHT_DECAY_OUTSIDE_THE_MOMENTUM("sgdStep", "adds λw after the velocity, not into it (w -= η(v + λw))", Flaw.DECAY_OUTSIDE_THE_MOMENTUM),
    SGD_DAMPENED_MOMENTUM("sgdStep", "v = μv + (1 - μ)g, an average instead of PyTorch's sum", Flaw.DAMPENED_MOMENTUM),
    SGD_NESTEROV_WITH_THE_OLD_VELOCITY("sgdStep", "Nesterov's g + μv with the velocity from before the update", Flaw.NESTEROV_WITH_THE_OLD_VELOCITY),
    SGD_RATE_IN_THE_VELOCITY("sgdStep", "Sutskever's form v = μv + ηg, w -= v: the same weights at a constant rate, "
            + "a velocity η times PyTorch's", Flaw.RATE_IN_THE_VELOCITY),
    SGD_NULL_VELOCITY_REFUSED("null", "sgdStep without momentum throws NullPointerException for a null velocity") {
        @Override
        void sgdStep(PlantedBugBackend b, SgdUpdate step, Matrix gradient, Matrix velocity, Matrix parameter) {
            if (velocity == null) {
                throw new NullPointerException("sgdStep: argument velocity is null");
            }
            super.sgdStep(b, step, gradient, velocity, parameter);
        }
    },
    SGD_NULL_VELOCITY_MEANS_NO_MOMENTUM("null", "sgdStep with momentum and a null velocity quietly takes a plain step") {
        @Override
        Matrix velocity(PlantedBugBackend b, SgdUpdate step, Matrix velocity) {
            return velocity == null ? null : super.velocity(b, step, velocity);
        }

        @Override
        void sgdStep(PlantedBugBackend b, SgdUpdate step, Matrix gradient, Matrix velocity, Matrix parameter) {
            super.sgdStep(b, velocity == null ? new SgdUpdate(step.learningRate(), 0, false, step.weightDecay()) : step,
                    gradient, velocity, parameter);
        }
    },
    SGD_RESETS_AN_UNUSED_VELOCITY("sgdStep", "without momentum, zeroes the velocity it was given") {
        @Override
        void sgdStep(PlantedBugBackend b, SgdUpdate step, Matrix gradient, Matrix velocity, Matrix parameter) {
            super.sgdStep(b, step, gradient, velocity, parameter);
            if (velocity != null && !step.hasMomentum()) {
                b.inner.fill(velocity, 0);
            }
        }
    },
    SGD_GRADIENT_ALIASING_PARAMETER_UNCHECKED("aliasing", "sgdStep accepts gradient = parameter and steps in place") {
        @Override
        void sgdStep(PlantedBugBackend b, SgdUpdate step, Matrix gradient, Matrix velocity, Matrix parameter) {
            if (gradient == parameter && (velocity == null || sameShape(velocity, parameter) && velocity != parameter)) {
                double[] w = b.read(parameter);
                double[] v = velocity == null ? null : b.read(velocity);
                FlawedSteps.sgd(step, Flaw.NONE, w.clone(), v, w);
                if (v != null && step.hasMomentum()) {
                    b.write(velocity, v);
                }
                b.write(parameter, w);
                return;
            }
            super.sgdStep(b, step, gradient, velocity, parameter);
        }
    },

    // ================================================================ adamStep

    ADAM_WITHOUT_BIAS_CORRECTION("adamStep", "w -= η m / (sqrt(v) + ε), without 1 - βᵗ", Flaw.NO_BIAS_CORRECTION),
    F32_ADAM_WITHOUT_BIAS_CORRECTION("adamStep", "the f32 step forgets the bias correction", Flaw.NO_BIAS_CORRECTION,
            Precision.F32),
    ADAM_BIAS_CORRECTION_AT_T_MINUS_ONE("adamStep", "corrects with 1 - βᵗ⁻¹ (a step count from 0): 0 / 0 at t = 1", Flaw.CORRECTION_AT_T_MINUS_ONE),
    ADAM_BIAS_CORRECTION_AT_T_PLUS_ONE("adamStep", "corrects with 1 - βᵗ⁺¹ (the count incremented before the step)", Flaw.CORRECTION_AT_T_PLUS_ONE),
    ADAM_COUNTS_ITS_OWN_STEPS("adamStep", "counts the steps of each parameter itself and ignores the t it is given "
            + "(right until a run resumes from a checkpoint)") {
        private final Map<Matrix, Long> counts = new WeakHashMap<>();

        @Override
        void adamStep(PlantedBugBackend b, AdamUpdate step, Matrix gradient, Matrix m, Matrix v, Matrix parameter) {
            long t = counts.getOrDefault(parameter, 0L) + 1;
            super.adamStep(b, atStep(step, t), gradient, m, v, parameter);
            counts.put(parameter, t);
        }
    },
    ADAMW_DECAYS_AFTER_THE_UPDATE("adamStep", "AdamW multiplies w by 1 - ηλ after the Adam update, not before", Flaw.DECOUPLED_DECAY_AFTER_THE_UPDATE),
    ADAMW_DECAY_WITHOUT_THE_LEARNING_RATE("adamStep", "AdamW multiplies w by 1 - λ instead of 1 - ηλ", Flaw.DECOUPLED_DECAY_WITHOUT_THE_RATE),
    ADAMW_AS_ADAM("adamStep", "ignores the decoupled flag: AdamW's decay goes into the gradient as L2", Flaw.DECOUPLED_AS_COUPLED),
    ADAM_WEIGHT_DECAY_TWICE("adamStep", "AdamW decays w and also adds λw to the gradient", Flaw.COUPLED_AND_DECOUPLED_DECAY),
    ADAM_EPSILON_INSIDE_THE_SQRT("adamStep", "divides by sqrt(v̂ + ε) instead of sqrt(v̂) + ε", Flaw.EPSILON_INSIDE_THE_SQRT),
    ADAM_EPSILON_BEFORE_THE_BIAS_CORRECTION("adamStep", "TensorFlow's form η sqrt(1 - β2ᵗ) / (1 - β1ᵗ) · m / (sqrt(v) "
            + "+ ε): ε added before the correction", Flaw.EPSILON_BEFORE_THE_CORRECTION),
    ADAM_BETAS_SWAPPED("adamStep", "β1 for the second moment and β2 for the first", Flaw.BETAS_SWAPPED),
    ADAM_SECOND_MOMENT_OF_THE_RAW_GRADIENT("adamStep", "Adam's L2 term reaches the first moment but the second "
            + "squares the raw gradient", Flaw.SECOND_MOMENT_OF_THE_RAW_GRADIENT),
    ADAM_KEEPS_ITS_MOMENTS_TO_ITSELF("adamStep", "keeps m and v per parameter inside the backend and never reads or "
            + "writes the matrices it is given (right until a run resumes from a checkpoint)") {
        private final Map<Matrix, double[][]> moments = new WeakHashMap<>();

        @Override
        void adamStep(PlantedBugBackend b, AdamUpdate step, Matrix gradient, Matrix m, Matrix v, Matrix parameter) {
            double[] g = b.read(gradient);
            double[] w = b.read(parameter);
            double[] givenM = b.read(m);
            double[] givenV = b.read(v);
            super.adamStep(b, step, gradient, m, v, parameter); // the checks
            double[][] kept = moments.computeIfAbsent(parameter, k -> new double[][] {new double[w.length],
                new double[w.length]});
            FlawedSteps.adam(step, Flaw.NONE, g, kept[0], kept[1], w);
            b.write(parameter, w);
            b.write(m, givenM);
            b.write(v, givenV);
        }
    },
    ADAM_MOMENTS_SAME_MATRIX_UNCHECKED("aliasing", "adamStep accepts firstMoment = secondMoment") {
        @Override
        void adamStep(PlantedBugBackend b, AdamUpdate step, Matrix gradient, Matrix m, Matrix v, Matrix parameter) {
            if (m == v && sameShape(gradient, m) && sameShape(gradient, parameter) && gradient != m && parameter != m
                    && gradient != parameter) {
                double[] moments = b.read(m);
                double[] w = b.read(parameter);
                FlawedSteps.adam(step, Flaw.NONE, b.read(gradient), moments, moments, w);
                b.write(m, moments);
                b.write(parameter, w);
                return;
            }
            super.adamStep(b, step, gradient, m, v, parameter);
        }
    },
    ADAM_CHECKS_THE_PARAMETER_AFTER_THE_MOMENTS("shape check", "adamStep updates both moments before it finds the "
            + "parameter's shape wrong") {
        @Override
        void adamStep(PlantedBugBackend b, AdamUpdate step, Matrix gradient, Matrix m, Matrix v, Matrix parameter) {
            if (!sameShape(gradient, parameter) && sameShape(gradient, m) && sameShape(gradient, v) && m != v
                    && gradient != m && gradient != v) {
                double[] mv = b.read(m);
                double[] vv = b.read(v);
                FlawedSteps.adam(step, Flaw.NONE, b.read(gradient), mv, vv, new double[mv.length]);
                b.write(m, mv);
                b.write(v, vv);
                throw new IllegalArgumentException("adamStep: parameter is " + parameter.shape() + " but gradient is "
                        + gradient.shape() + "; they must have the same shape");
            }
            super.adamStep(b, step, gradient, m, v, parameter);
        }
    },
    LARGE_ADAM_STEP_WITHOUT_BIAS_CORRECTION("adamStep", "the parallel path for 10,000 elements and more forgets the "
            + "bias correction") {
        @Override
        void adamStep(PlantedBugBackend b, AdamUpdate step, Matrix gradient, Matrix m, Matrix v, Matrix parameter) {
            adam(b, step, count(parameter) >= LARGE ? Flaw.NO_BIAS_CORRECTION : Flaw.NONE, gradient, m, v, parameter,
                    () -> super.adamStep(b, step, gradient, m, v, parameter));
        }
    },

    // ================================================================ rmsPropStep

    RMS_PROP_EPSILON_INSIDE_THE_SQRT("rmsPropStep", "divides by sqrt(v + ε) instead of sqrt(v) + ε", Flaw.EPSILON_INSIDE_THE_SQRT),
    RMS_PROP_ALPHA_SWAPPED("rmsPropStep", "v = (1 - α)v + αg², α and 1 - α exchanged", Flaw.ALPHA_SWAPPED),
    RMS_PROP_WITH_THE_OLD_MEAN_SQUARE("rmsPropStep", "divides by the mean square from before this step's update", Flaw.OLD_MEAN_SQUARE),
    RMS_PROP_MEAN_SQUARE_NOT_STORED("rmsPropStep", "computes the new mean square but never writes it back", Flaw.MEAN_SQUARE_NOT_STORED),
    RMS_PROP_WEIGHT_DECAY_TWICE("rmsPropStep", "adds λw twice", Flaw.DECAY_TWICE),
    RMS_PROP_SQUARES_THE_RAW_GRADIENT("rmsPropStep", "the L2 term reaches the step but not the mean square", Flaw.SECOND_MOMENT_OF_THE_RAW_GRADIENT),
    RMS_PROP_MEAN_SQUARE_CHECKED_BY_COUNT("shape check", "rmsPropStep accepts any mean square with as many elements "
            + "as the gradient") {
        @Override
        void rmsPropStep(PlantedBugBackend b, RmsPropUpdate step, Matrix gradient, Matrix meanSquare, Matrix parameter) {
            if (count(meanSquare) == count(gradient) && meanSquare.rows() != gradient.rows()) {
                intoAnyShape(b, gradient.rows(), gradient.cols(), meanSquare,
                        right -> super.rmsPropStep(b, step, gradient, right, parameter));
                return;
            }
            super.rmsPropStep(b, step, gradient, meanSquare, parameter);
        }
    },

    // ================================================================ the optimizer's state and ownership

    FOREIGN_OPTIMIZER_STATE_COPIED("ownership", "an optimizer state matrix of another backend is read through its "
            + "toRowMajor into a copy, and the step's new state is lost") {
        @Override
        Matrix own(PlantedBugBackend b, String operation, String argument, Matrix m) {
            if (m != null && !(m instanceof Handle)
                    && Set.of("velocity", "firstMoment", "secondMoment", "meanSquare").contains(argument)) {
                return b.inner.fromRowMajor(m.rows(), m.cols(), m.backend().toRowMajor(m));
            }
            return super.own(b, operation, argument, m);
        }
    };

    // ---------------------------------------------------------------- what a bug is

    /** Elements from which the "large" bugs take their (parallel, blocked) path. */
    private static final int LARGE = 10_000;

    private final String rule;
    private final String description;
    private final Set<Precision> plantedIn;
    /** The mistake in the formula of the optimizer step named by {@link #rule}, or null. */
    private final Flaw flaw;

    PlantedBug(String rule, String description, Precision... plantedIn) {
        this(rule, description, null, plantedIn);
    }

    /** A bug in the formula of an optimizer step: {@code rule} is the step, {@code flaw} the mistake. */
    PlantedBug(String rule, String description, Flaw flaw, Precision... plantedIn) {
        this.rule = rule;
        this.description = description;
        this.flaw = flaw;
        this.plantedIn = plantedIn.length == 0 ? EnumSet.allOf(Precision.class) : EnumSet.of(plantedIn[0], plantedIn);
    }

    /** The operation or rule of the contract the bug breaks. */
    String rule() {
        return rule;
    }

    String description() {
        return description;
    }

    boolean isPlantedIn(Precision precision) {
        return plantedIn.contains(precision);
    }

    /** {@code [f64, f32]}, {@code [f32]}: where the bug is planted. */
    String precisions() {
        return plantedIn.stream().map(Precision::id).toList().toString();
    }

    /** True for the controls, which are no bugs: the suite must pass them. */
    boolean isControl() {
        return false;
    }

    /** Why no test can see this bug, for one that changes nothing a caller can observe; null for a real bug. */
    String harmless() {
        return null;
    }

    // ---------------------------------------------------------------- hooks, correct by default

    /** The line of {@code META-INF/services/org.jnn.api.LinearAlgebra}; null for no such file. */
    String servicesLine() {
        return PlantedBugBackend.class.getName();
    }

    /** Called when {@link java.util.ServiceLoader} creates the backend. */
    void constructedAsProvider() {
    }

    ReferenceLinearAlgebra inner(Precision precision) {
        return new ReferenceLinearAlgebra(precision);
    }

    LinearAlgebra reportedBackend(PlantedBugBackend b, Handle h) {
        return b;
    }

    Matrix own(PlantedBugBackend b, String operation, String argument, Matrix m) {
        return b.checkedOwn(operation, argument, m);
    }

    /** The activation argument of affine, activate and activationBackward, checked for null. */
    Activation activation(Activation given) {
        return Objects.requireNonNull(given, "activation");
    }

    /** sgdStep's velocity: null when the step has no momentum and none is given, else checked like any matrix. */
    Matrix velocity(PlantedBugBackend b, SgdUpdate step, Matrix velocity) {
        return velocity == null && !step.hasMomentum() ? null : own(b, "sgdStep", "velocity", velocity);
    }

    String name(PlantedBugBackend b) {
        return PlantedBugBackend.NAME;
    }

    String description(PlantedBugBackend b) {
        return "a reference backend with one planted bug, " + b.precision().id();
    }

    int priority(PlantedBugBackend b) {
        return 1;
    }

    Availability availability(PlantedBugBackend b) {
        return Availability.available();
    }

    Set<Precision> supportedPrecisions(PlantedBugBackend b) {
        return EnumSet.allOf(Precision.class);
    }

    LinearAlgebra withPrecision(PlantedBugBackend b, Precision precision) {
        return b.sibling(Objects.requireNonNull(precision, "precision"));
    }

    Matrix zeros(PlantedBugBackend b, int rows, int cols) {
        return b.wrap(b.inner.zeros(rows, cols));
    }

    Matrix fromRowMajor(PlantedBugBackend b, int rows, int cols, double[] data) {
        return b.wrap(b.inner.fromRowMajor(rows, cols, data));
    }

    Matrix copy(PlantedBugBackend b, Matrix source) {
        return b.wrap(b.inner.copy(source));
    }

    void setRowMajor(PlantedBugBackend b, Handle handle, Matrix destination, double[] data) {
        b.inner.setRowMajor(destination, data);
        if (handle != null) {
            handle.alias = null;
        }
    }

    double[] toRowMajor(PlantedBugBackend b, Matrix source) {
        double[] out = new double[count(source)];
        toRowMajor(b, source, out);
        return out;
    }

    void toRowMajor(PlantedBugBackend b, Matrix source, double[] destination) {
        b.inner.toRowMajor(source, destination);
    }

    void gemm(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb, double beta, Matrix c) {
        b.inner.gemm(alpha, a, ta, bm, tb, beta, c);
    }

    void rankOneUpdate(PlantedBugBackend b, double alpha, Matrix x, Matrix y, Matrix a) {
        b.inner.rankOneUpdate(alpha, x, y, a);
    }

    /** {@code affine} with ReLU or the identity; other activations go to {@link #affineWith}. */
    void affine(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, boolean relu, Matrix out) {
        b.inner.affine(x, w, bias, relu ? Activation.RELU : Activation.IDENTITY, out);
    }

    void affineWith(PlantedBugBackend b, Matrix x, Matrix w, Matrix bias, Activation activation, Matrix out) {
        b.inner.affine(x, w, bias, activation, out);
    }

    double softmaxCrossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient) {
        return b.inner.softmaxCrossEntropy(logits, labels, gradient);
    }

    void addRowVector(PlantedBugBackend b, Matrix a, Matrix v, Matrix out) {
        b.inner.addRowVector(a, v, out);
    }

    /** {@code activate(RELU, ...)}; other activations go to {@link #activate}. */
    void relu(PlantedBugBackend b, Matrix z, Matrix out) {
        b.inner.activate(Activation.RELU, z, out);
    }

    /** {@code activationBackward(RELU, gradient, z, a, out)} with {@code z} and {@code a} both given as {@code activation}. */
    void reluBackward(PlantedBugBackend b, Matrix gradient, Matrix activation, Matrix out) {
        b.inner.activationBackward(Activation.RELU, gradient, activation, activation, out);
    }

    void activate(PlantedBugBackend b, Activation activation, Matrix z, Matrix out) {
        b.inner.activate(activation, z, out);
    }

    void activationBackward(PlantedBugBackend b, Activation activation, Matrix gradient, Matrix z, Matrix a, Matrix out) {
        b.inner.activationBackward(activation, gradient, z, a, out);
    }

    void multiplyElements(PlantedBugBackend b, Matrix a, Matrix m, Matrix out) {
        b.inner.multiplyElements(a, m, out);
    }

    void sgdStep(PlantedBugBackend b, SgdUpdate step, Matrix gradient, Matrix velocity, Matrix parameter) {
        Runnable correct = () -> b.inner.sgdStep(step, gradient, velocity, parameter);
        if (flaw != null && rule.equals("sgdStep")) {
            sgd(b, step, flaw, gradient, velocity, parameter, correct);
        } else {
            correct.run();
        }
    }

    void adamStep(PlantedBugBackend b, AdamUpdate step, Matrix gradient, Matrix m, Matrix v, Matrix parameter) {
        Runnable correct = () -> b.inner.adamStep(step, gradient, m, v, parameter);
        if (flaw != null && rule.equals("adamStep")) {
            adam(b, step, flaw, gradient, m, v, parameter, correct);
        } else {
            correct.run();
        }
    }

    void rmsPropStep(PlantedBugBackend b, RmsPropUpdate step, Matrix gradient, Matrix meanSquare, Matrix parameter) {
        Runnable correct = () -> b.inner.rmsPropStep(step, gradient, meanSquare, parameter);
        if (flaw != null && rule.equals("rmsPropStep")) {
            rmsProp(b, step, flaw, gradient, meanSquare, parameter, correct);
        } else {
            correct.run();
        }
    }

    void softmaxRows(PlantedBugBackend b, Matrix z, Matrix out) {
        b.inner.softmaxRows(z, out);
    }

    double sumNegativeLogSoftmax(PlantedBugBackend b, Matrix logits, int[] labels) {
        return b.inner.sumNegativeLogSoftmax(logits, labels);
    }

    void addAtColumns(PlantedBugBackend b, Matrix a, int[] columns, double value) {
        b.inner.addAtColumns(a, columns, value);
    }

    void columnSums(PlantedBugBackend b, double alpha, Matrix a, double beta, Matrix out) {
        b.inner.columnSums(alpha, a, beta, out);
    }

    void axpy(PlantedBugBackend b, double alpha, Matrix x, Matrix y) {
        b.inner.axpy(alpha, x, y);
    }

    void scale(PlantedBugBackend b, double alpha, Matrix a) {
        b.inner.scale(alpha, a);
    }

    void fill(PlantedBugBackend b, Matrix a, double value) {
        b.inner.fill(a, value);
    }

    void argmaxRows(PlantedBugBackend b, Matrix a, int[] out) {
        b.inner.argmaxRows(a, out);
    }

    // ---------------------------------------------------------------- shared by several bugs

    /** Writes a result of {@code in}'s shape into {@code out}; a call the checks would refuse goes to {@code checked}. */
    private static void writeSameShape(PlantedBugBackend b, Matrix in, Matrix out, double[] values, Runnable checked) {
        if (!sameShape(in, out)) {
            checked.run();
            return;
        }
        b.write(out, values);
    }

    /**
     * Runs {@code operation}, which writes {@code out}, and then puts back the old values of out's last
     * {@code tail} elements: a loop that stops short.
     */
    private static void leavingTheTail(PlantedBugBackend b, Matrix out, int tail, Runnable operation) {
        double[] before = b.read(out);
        operation.run();
        double[] after = b.read(out);
        System.arraycopy(before, before.length - tail, after, after.length - tail, tail);
        b.write(out, after);
    }

    /**
     * Runs {@code operation} on a {@code rows×cols} matrix holding out's values and copies the result into
     * out, whatever out's shape: what a backend that checks only the element count computes.
     */
    private static void intoAnyShape(PlantedBugBackend b, int rows, int cols, Matrix out, Consumer<Matrix> operation) {
        Matrix right = b.inner.fromRowMajor(rows, cols, b.read(out));
        operation.accept(right);
        b.write(out, b.read(right));
    }

    private static boolean sameShape(Matrix m, Matrix other) {
        return m.rows() == other.rows() && m.cols() == other.cols();
    }

    private static void softmax(PlantedBugBackend b, Matrix z, Matrix out, Shift shift, Runnable checked) {
        writeSameShape(b, z, out, RowMajor.softmaxRows(b.read(z), z.rows(), z.cols(), shift), checked);
    }

    private static double loss(PlantedBugBackend b, Matrix logits, int[] labels, Shift shift) {
        b.inner.sumNegativeLogSoftmax(logits, labels); // the checks
        return RowMajor.loss(b.read(logits), logits.rows(), logits.cols(), labels, shift);
    }

    private static double crossEntropy(PlantedBugBackend b, Matrix logits, int[] labels, Matrix gradient, Shift shift) {
        b.inner.softmaxCrossEntropy(logits, labels, b.inner.zeros(logits.rows(), logits.cols())); // the checks
        if (gradient == logits || gradient.rows() != logits.rows() || gradient.cols() != logits.cols()) {
            return b.inner.softmaxCrossEntropy(logits, labels, gradient);
        }
        double[] z = b.read(logits);
        double[] g = RowMajor.softmaxRows(z, logits.rows(), logits.cols(), shift);
        for (int i = 0; i < labels.length; i++) {
            g[i * logits.cols() + labels[i]] -= 1;
        }
        b.write(gradient, g);
        return RowMajor.loss(z, logits.rows(), logits.cols(), labels, shift);
    }

    private static void argmax(PlantedBugBackend b, Matrix a, int[] out, int columns, boolean lastOfTies,
            boolean absolute) {
        b.inner.argmaxRows(a, out); // the checks
        double[] v = b.read(a);
        for (int i = 0; i < a.rows(); i++) {
            int best = 0;
            for (int j = 1; j < columns; j++) {
                double x = v[i * a.cols() + j];
                double top = v[i * a.cols() + best];
                if (absolute ? Math.abs(x) > Math.abs(top) : lastOfTies ? x >= top : x > top) {
                    best = j;
                }
            }
            out[i] = best;
        }
    }

    /** gemm computed straight into c, which is also a ({@code overA}) or b: later terms read values already written. */
    private static void productInPlace(PlantedBugBackend b, double alpha, Matrix a, boolean ta, Matrix bm, boolean tb,
            double beta, Matrix c, boolean overA) {
        double[] cv = b.read(c);
        double[] av = overA ? cv : b.read(a);
        double[] bv = overA ? b.read(bm) : cv;
        int m = ta ? a.cols() : a.rows();
        int n = tb ? bm.rows() : bm.cols();
        int k = ta ? a.rows() : a.cols();
        if (m != c.rows() || n != c.cols() || k != (tb ? bm.cols() : bm.rows())) {
            b.inner.gemm(alpha, a, ta, bm, tb, beta, c); // refused by the shape checks
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (ta ? av[p * a.cols() + i] : av[i * a.cols() + p]) * (tb ? bv[j * bm.cols() + p]
                            : bv[p * bm.cols() + j]);
                }
                cv[i * n + j] = alpha * sum + (beta == 0 ? 0 : beta * cv[i * n + j]);
            }
        }
        b.write(c, cv);
    }

    /**
     * Runs the correct {@code activate} (its checks, so a bad call is refused as before), then overwrites out with
     * {@code f} of z's old values, when the bug {@code applies} to this call.
     */
    private static void elementwise(PlantedBugBackend b, boolean applies, Matrix z, Matrix out, DoubleUnaryOperator f,
            Runnable correct) {
        if (!applies) {
            correct.run();
            return;
        }
        double[] values = b.read(z);
        correct.run();
        for (int i = 0; i < values.length; i++) {
            values[i] = f.applyAsDouble(values[i]);
        }
        b.write(out, values);
    }

    /** One element of a wrong backward pass: what it writes for gradient g, pre-activation z and activation a. */
    private interface Backward {
        double at(double g, double z, double a);
    }

    /** As {@link #elementwise}, for {@code activationBackward}. */
    private static void backward(PlantedBugBackend b, boolean applies, Matrix gradient, Matrix z, Matrix a, Matrix out,
            Backward wrong, Runnable correct) {
        if (!applies) {
            correct.run();
            return;
        }
        double[] g = b.read(gradient);
        double[] zv = b.read(z);
        double[] av = b.read(a);
        correct.run();
        for (int i = 0; i < g.length; i++) {
            g[i] = wrong.at(g[i], zv[i], av[i]);
        }
        b.write(out, g);
    }

    /** GELU's tanh form with the given constants. */
    private static double gelu(double z, double scale, double cubic) {
        return 0.5 * z * (1 + Math.tanh(scale * (z + cubic * z * z * z)));
    }

    /** The error function, to 1.2e-7 (Numerical Recipes' erfc from Chebyshev fitting). */
    private static double erf(double x) {
        double t = 1 / (1 + 0.5 * Math.abs(x));
        double erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
                + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }

    /**
     * Runs the correct step (its checks, so a bad call is refused and changes nothing), then overwrites the state
     * and the parameter with what the flawed formula makes of their old values.
     */
    private static void sgd(PlantedBugBackend b, SgdUpdate step, Flaw flaw, Matrix gradient, Matrix velocity,
            Matrix parameter, Runnable correct) {
        double[] g = b.read(gradient);
        double[] v = velocity == null ? null : b.read(velocity);
        double[] w = b.read(parameter);
        correct.run();
        FlawedSteps.sgd(step, flaw, g, v, w);
        if (v != null && step.hasMomentum()) {
            b.write(velocity, v);
        }
        b.write(parameter, w);
    }

    /** As {@link #sgd}, for Adam. */
    private static void adam(PlantedBugBackend b, AdamUpdate step, Flaw flaw, Matrix gradient, Matrix m, Matrix v,
            Matrix parameter, Runnable correct) {
        double[] g = b.read(gradient);
        double[] mv = b.read(m);
        double[] vv = b.read(v);
        double[] w = b.read(parameter);
        correct.run();
        FlawedSteps.adam(step, flaw, g, mv, vv, w);
        b.write(m, mv);
        b.write(v, vv);
        b.write(parameter, w);
    }

    /** As {@link #sgd}, for RMSProp. */
    private static void rmsProp(PlantedBugBackend b, RmsPropUpdate step, Flaw flaw, Matrix gradient, Matrix meanSquare,
            Matrix parameter, Runnable correct) {
        double[] g = b.read(gradient);
        double[] s = b.read(meanSquare);
        double[] w = b.read(parameter);
        correct.run();
        FlawedSteps.rmsProp(step, flaw, g, s, w);
        b.write(meanSquare, s);
        b.write(parameter, w);
    }

    /** {@code step} at step count {@code t}. */
    private static AdamUpdate atStep(AdamUpdate step, long t) {
        return new AdamUpdate(step.learningRate(), step.beta1(), step.beta2(), step.epsilon(), step.weightDecay(),
                step.decoupledWeightDecay(), t);
    }

    /** Rounds toward zero to float, where the right rounding is to the nearest float. */
    private static double[] truncatedToFloat(double[] values) {
        double[] truncated = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            float f = (float) values[i];
            truncated[i] = Math.abs(f) > Math.abs(values[i]) ? Math.nextAfter(f, 0.0) : f;
        }
        return truncated;
    }
}
