package org.jnn.backend.ejml;

import org.ejml.data.DMatrixRMaj;
import org.jnn.api.AbstractMatrix;

/**
 * A matrix of the EJML backend in double precision: a handle around one {@link DMatrixRMaj}, whose
 * shape never changes. The build generates the f32 class from this one, like the backend's.
 */
public final class EjmlMatrix extends AbstractMatrix {

    private final DMatrixRMaj dense;

    EjmlMatrix(EjmlLinearAlgebra backend, DMatrixRMaj dense) {
        super(backend, dense.numRows, dense.numCols);
        this.dense = dense;
    }

    /** The EJML matrix behind this handle; only the backend operates on it. */
    DMatrixRMaj dense() {
        return dense;
    }
}
