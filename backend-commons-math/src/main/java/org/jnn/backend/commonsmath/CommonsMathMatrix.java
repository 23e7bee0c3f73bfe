package org.jnn.backend.commonsmath;

import org.apache.commons.math3.linear.RealMatrix;
import org.jnn.api.AbstractMatrix;
import org.jnn.api.Matrix;

/**
 * A {@link Matrix} handle of the Commons Math backend: a Commons Math {@link RealMatrix} (a
 * {@code BlockRealMatrix} unless a test chose otherwise) and the backend that created it.
 *
 * <p>Commons Math has no in-place product, so {@code gemm} computes a new library matrix and may
 * install it here as the new storage instead of copying it over the old one: the handle's identity and
 * shape never change, only the library object behind it. The handle also keeps the transpose of its
 * storage once one has been computed, until the next write, so that a matrix used transposed again and
 * again without changing (weights during evaluation) is transposed only once.
 *
 * <p>All access goes through {@link #read()} and {@link #write()} so that a write can never leave a stale
 * transpose behind.
 */
public final class CommonsMathMatrix extends AbstractMatrix {

    private RealMatrix storage;
    /** The transpose of {@link #storage}, or null; dropped on every write. */
    private RealMatrix transposed;

    CommonsMathMatrix(CommonsMathLinearAlgebra backend, RealMatrix storage) {
        super(backend, storage.getRowDimension(), storage.getColumnDimension());
        this.storage = storage;
    }




    /** The library matrix, for reading only. */
    RealMatrix read() {
        return storage;
    }

    /** The library matrix, about to be modified in place: forgets the cached transpose. */
    RealMatrix write() {
        transposed = null;
        return storage;
    }

    /** Makes {@code replacement} (a fresh library matrix of the same shape, owned by no one else) the storage. */
    void replace(RealMatrix replacement) {
        assert replacement.getRowDimension() == rows() && replacement.getColumnDimension() == cols();
        storage = replacement;
        transposed = null;
    }

    /** The transpose of the storage, computed by the library on first use after a write. Read only. */
    RealMatrix transposed() {
        if (transposed == null) {
            transposed = storage.transpose();
        }
        return transposed;
    }

    /** True when {@link #transposed()} costs nothing. */
    boolean hasTransposed() {
        return transposed != null;
    }

    @Override
    public String toString() {
        return "CommonsMathMatrix " + shape() + " (" + storage.getClass().getSimpleName() + ")";
    }
}
