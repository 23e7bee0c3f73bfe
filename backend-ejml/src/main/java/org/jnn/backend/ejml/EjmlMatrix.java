package org.jnn.backend.ejml;

import java.util.Objects;

import org.ejml.data.DMatrixRMaj;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * A matrix of the EJML backend in double precision: a handle around one {@link DMatrixRMaj}, whose
 * shape never changes. The build generates the f32 class from this one, like the backend's.
 */
public final class EjmlMatrix implements Matrix {

    private final EjmlLinearAlgebra backend;
    private final DMatrixRMaj dense;

    EjmlMatrix(EjmlLinearAlgebra backend, DMatrixRMaj dense) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.dense = Objects.requireNonNull(dense, "dense");
    }

    /** The EJML matrix behind this handle; only the backend operates on it. */
    DMatrixRMaj dense() {
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
        return "EjmlMatrix " + shape() + " (" + backend + ")";
    }
}
