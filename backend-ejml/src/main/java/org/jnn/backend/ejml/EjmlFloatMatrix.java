package org.jnn.backend.ejml;

import java.util.Objects;

import org.ejml.data.FMatrixRMaj;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * A matrix of the EJML backend in single precision: a handle around one {@link FMatrixRMaj}, whose
 * shape never changes.
 */
public final class EjmlFloatMatrix implements Matrix {

    private final EjmlFloatLinearAlgebra backend;
    private final FMatrixRMaj dense;

    EjmlFloatMatrix(EjmlFloatLinearAlgebra backend, FMatrixRMaj dense) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.dense = Objects.requireNonNull(dense, "dense");
    }

    /** The EJML matrix behind this handle; only the backend operates on it. */
    FMatrixRMaj dense() {
        return dense;
    }

    @Override
    public int rows() {
        return dense.numRows;
    }

    @Override
    public int cols() {
        return dense.numCols;
    }

    @Override
    public LinearAlgebra backend() {
        return backend;
    }

    @Override
    public String toString() {
        return "EjmlFloatMatrix " + shape() + " (" + backend + ")";
    }
}
