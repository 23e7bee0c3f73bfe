package org.jnn.core.conformance.mutation;

import java.util.Objects;
import java.util.Set;

import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.Availability;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;
import org.jnn.core.conformance.ReferenceLinearAlgebra;

/**
 * A backend that implements {@link LinearAlgebra} directly (not through {@code AbstractLinearAlgebra}),
 * with one {@link PlantedBug} in it: the mutant the conformance suite must catch. It checks ownership and
 * null matrices itself, hands every operation to its {@link PlantedBug}, whose correct default is the
 * {@link ReferenceLinearAlgebra} of the same precision, and wraps that reference's matrices in
 * {@link Handle}s of its own.
 *
 * <p>Its no-argument constructor, the one {@link java.util.ServiceLoader} calls, plants {@link #active}.
 */
public final class PlantedBugBackend implements LinearAlgebra {

    /** The backend's name: what {@code Backends.byName} is asked for. */
    static final String NAME = "planted";

    /** The bug that instances made by {@link java.util.ServiceLoader} carry; set by {@link MutationRun}. */
    static volatile PlantedBug active = PlantedBug.NONE;

    private final PlantedBug bug;
    private final Precision precision;
    private final boolean loadedAsProvider;
    /** The correct backend the bug works on: the reference, usually in this precision. */
    final ReferenceLinearAlgebra inner;

    /** As {@link java.util.ServiceLoader} creates it: F64, carrying {@link #active}. */
    public PlantedBugBackend() {
        this(active, Precision.F64, true);
        bug.constructedAsProvider();
    }

    /** As a test creates it. */
    PlantedBugBackend(PlantedBug bug, Precision precision) {
        this(bug, precision, false);
    }

    private PlantedBugBackend(PlantedBug bug, Precision precision, boolean loadedAsProvider) {
        this.bug = Objects.requireNonNull(bug, "bug");
        this.precision = Objects.requireNonNull(precision, "precision");
        this.loadedAsProvider = loadedAsProvider;
        this.inner = planted().inner(precision);
    }

    /** The bug where it is planted (its precisions), else none. */
    private PlantedBug planted() {
        return bug.isPlantedIn(precision) ? bug : PlantedBug.NONE;
    }

    PlantedBug bug() {
        return bug;
    }

    boolean loadedAsProvider() {
        return loadedAsProvider;
    }

    // ---------------------------------------------------------------- matrices

    /** A matrix of this backend: a reference matrix it owns. */
    static final class Handle implements Matrix {
        final PlantedBugBackend owner;
        final Matrix inner;
        /** When set, the caller's array the matrix still reads from (a bug). */
        double[] alias;
        /** When positive, the shape the handle reports instead of its storage's (a bug). */
        int rows;
        int cols;

        Handle(PlantedBugBackend owner, Matrix inner) {
            this.owner = owner;
            this.inner = inner;
        }

        @Override
        public int rows() {
            return rows > 0 ? rows : inner.rows();
        }

        @Override
        public int cols() {
            return cols > 0 ? cols : inner.cols();
        }

        @Override
        public LinearAlgebra backend() {
            return owner.planted().reportedBackend(owner, this);
        }

        @Override
        public String toString() {
            return "planted " + shape();
        }
    }

    Handle wrap(Matrix innerMatrix) {
        return new Handle(this, innerMatrix);
    }

    /** The correct ownership check: null is a NullPointerException, another backend's matrix an IllegalArgumentException. */
    Matrix checkedOwn(String operation, String argument, Matrix m) {
        if (m == null) {
            throw new NullPointerException(operation + ": argument " + argument + " is null");
        }
        if (!(m instanceof Handle h) || !sharesMatricesWith(h.owner)) {
            throw new IllegalArgumentException(operation + ": argument " + argument + " is a matrix of backend '"
                    + Backends.label(m.backend()) + "' but this is backend '" + Backends.label(this) + "'");
        }
        return storage(h);
    }

    /** The reference matrix behind a handle, refreshed from the caller's array if the handle still reads it. */
    Matrix storage(Handle h) {
        if (h.alias != null && h.alias.length == h.inner.rows() * h.inner.cols()) {
            inner.setRowMajor(h.inner, h.alias);
        }
        return h.inner;
    }

    private Matrix own(String operation, String argument, Matrix m) {
        return planted().own(this, operation, argument, m);
    }

    /** Row-major contents of a reference matrix of this backend. */
    double[] read(Matrix m) {
        return inner.toRowMajor(m);
    }

    /** Overwrites a reference matrix of this backend (rounding to float in F32). */
    void write(Matrix m, double[] values) {
        inner.setRowMajor(m, values);
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public String name() {
        return planted().name(this);
    }

    @Override
    public String description() {
        return planted().description(this);
    }

    @Override
    public int priority() {
        return planted().priority(this);
    }

    @Override
    public Availability availability() {
        return planted().availability(this);
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public Set<Precision> supportedPrecisions() {
        return planted().supportedPrecisions(this);
    }

    @Override
    public LinearAlgebra withPrecision(Precision other) {
        return planted().withPrecision(this, other);
    }

    /** This bug in another precision (the correct {@link #withPrecision}). */
    PlantedBugBackend sibling(Precision other) {
        return other == precision ? this : new PlantedBugBackend(bug, other, loadedAsProvider);
    }

    @Override
    public String toString() {
        return Backends.label(this) + " with " + bug;
    }

    // ---------------------------------------------------------------- data in and out

    @Override
    public Matrix zeros(int rows, int cols) {
        return planted().zeros(this, rows, cols);
    }

    @Override
    public Matrix fromRowMajor(int rows, int cols, double[] data) {
        return planted().fromRowMajor(this, rows, cols, data);
    }

    @Override
    public Matrix copy(Matrix source) {
        return planted().copy(this, own("copy", "source", source));
    }

    @Override
    public void setRowMajor(Matrix destination, double[] data) {
        planted().setRowMajor(this, (Handle) checkedHandle(destination), own("setRowMajor", "destination", destination),
                data);
    }

    @Override
    public double[] toRowMajor(Matrix source) {
        return planted().toRowMajor(this, own("toRowMajor", "source", source));
    }

    @Override
    public void toRowMajor(Matrix source, double[] destination) {
        planted().toRowMajor(this, own("toRowMajor", "source", source), destination);
    }

    /** The handle itself, for the bugs that keep state in it; null when the argument is not one of ours. */
    private Matrix checkedHandle(Matrix m) {
        return m instanceof Handle h && sharesMatricesWith(h.owner) ? h : null;
    }

    /** Instances with one bug in one precision share their matrices, as the contract asks. */
    private boolean sharesMatricesWith(PlantedBugBackend other) {
        return other == this || other.bug == bug && other.precision == precision;
    }

    // ---------------------------------------------------------------- operations

    @Override
    public void gemm(double alpha, Matrix a, boolean transposeA, Matrix b, boolean transposeB, double beta, Matrix c) {
        planted().gemm(this, alpha, own("gemm", "a", a), transposeA, own("gemm", "b", b), transposeB, beta,
                own("gemm", "c", c));
    }

    @Override
    public void rankOneUpdate(double alpha, Matrix x, Matrix y, Matrix a) {
        planted().rankOneUpdate(this, alpha, own("rankOneUpdate", "x", x), own("rankOneUpdate", "y", y),
                own("rankOneUpdate", "a", a));
    }

    @Override
    public void affine(Matrix x, Matrix w, Matrix bias, Activation given, Matrix out) {
        Activation activation = planted().activation(given);
        Matrix ix = own("affine", "x", x);
        Matrix iw = own("affine", "w", w);
        Matrix ib = own("affine", "bias", bias);
        Matrix io = own("affine", "out", out);
        if (activation == Activation.RELU || activation == Activation.IDENTITY) {
            planted().affine(this, ix, iw, ib, activation == Activation.RELU, io);
        } else {
            planted().affineWith(this, ix, iw, ib, activation, io);
        }
    }

    @Override
    public double softmaxCrossEntropy(Matrix logits, int[] labels, Matrix gradient) {
        return planted().softmaxCrossEntropy(this, own("softmaxCrossEntropy", "logits", logits), labels,
                own("softmaxCrossEntropy", "gradient", gradient));
    }

    @Override
    public void addRowVector(Matrix a, Matrix v, Matrix out) {
        planted().addRowVector(this, own("addRowVector", "a", a), own("addRowVector", "v", v),
                own("addRowVector", "out", out));
    }

    @Override
    public void activate(Activation given, Matrix z, Matrix out) {
        Activation activation = planted().activation(given);
        Matrix iz = own("activate", "z", z);
        Matrix io = own("activate", "out", out);
        if (activation == Activation.RELU) {
            planted().relu(this, iz, io);
        } else {
            planted().activate(this, activation, iz, io);
        }
    }

    @Override
    public void activationBackward(Activation given, Matrix gradient, Matrix z, Matrix a, Matrix out) {
        Activation activation = planted().activation(given);
        Matrix ig = own("activationBackward", "gradient", gradient);
        Matrix iz = own("activationBackward", "z", z);
        Matrix ia = own("activationBackward", "a", a);
        Matrix io = own("activationBackward", "out", out);
        if (activation == Activation.RELU && iz == ia) {
            planted().reluBackward(this, ig, ia, io);
        } else {
            planted().activationBackward(this, activation, ig, iz, ia, io);
        }
    }

    @Override
    public void multiplyElements(Matrix a, Matrix b, Matrix out) {
        planted().multiplyElements(this, own("multiplyElements", "a", a), own("multiplyElements", "b", b),
                own("multiplyElements", "out", out));
    }

    @Override
    public void sgdStep(SgdUpdate step, Matrix gradient, Matrix velocity, Matrix parameter) {
        Objects.requireNonNull(step, "step");
        Matrix iv = planted().velocity(this, step, velocity);
        planted().sgdStep(this, step, own("sgdStep", "gradient", gradient), iv, own("sgdStep", "parameter", parameter));
    }

    @Override
    public void adamStep(AdamUpdate step, Matrix gradient, Matrix firstMoment, Matrix secondMoment, Matrix parameter) {
        Objects.requireNonNull(step, "step");
        planted().adamStep(this, step, own("adamStep", "gradient", gradient), own("adamStep", "firstMoment", firstMoment),
                own("adamStep", "secondMoment", secondMoment), own("adamStep", "parameter", parameter));
    }

    @Override
    public void rmsPropStep(RmsPropUpdate step, Matrix gradient, Matrix meanSquare, Matrix parameter) {
        Objects.requireNonNull(step, "step");
        planted().rmsPropStep(this, step, own("rmsPropStep", "gradient", gradient),
                own("rmsPropStep", "meanSquare", meanSquare), own("rmsPropStep", "parameter", parameter));
    }

    @Override
    public void softmaxRows(Matrix z, Matrix out) {
        planted().softmaxRows(this, own("softmaxRows", "z", z), own("softmaxRows", "out", out));
    }

    @Override
    public double sumNegativeLogSoftmax(Matrix logits, int[] labels) {
        return planted().sumNegativeLogSoftmax(this, own("sumNegativeLogSoftmax", "logits", logits), labels);
    }

    @Override
    public void addAtColumns(Matrix a, int[] columns, double value) {
        planted().addAtColumns(this, own("addAtColumns", "a", a), columns, value);
    }

    @Override
    public void columnSums(double alpha, Matrix a, double beta, Matrix out) {
        planted().columnSums(this, alpha, own("columnSums", "a", a), beta, own("columnSums", "out", out));
    }

    @Override
    public void axpy(double alpha, Matrix x, Matrix y) {
        planted().axpy(this, alpha, own("axpy", "x", x), own("axpy", "y", y));
    }

    @Override
    public void scale(double alpha, Matrix a) {
        planted().scale(this, alpha, own("scale", "a", a));
    }

    @Override
    public void fill(Matrix a, double value) {
        planted().fill(this, own("fill", "a", a), value);
    }

    @Override
    public void argmaxRows(Matrix a, int[] out) {
        planted().argmaxRows(this, own("argmaxRows", "a", a), out);
    }
}
