package org.jnn.backend.nd4j;

import java.util.Objects;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.AbstractMatrix;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A matrix of the ND4J backend: a dense, row-major ({@code 'c'}) rank-2 {@link INDArray} that is
 * never a view, so its buffer holds exactly {@code rows × cols} elements starting at offset 0.
 *
 * <p>The class is sealed with one final subclass per element type: {@link F64} wraps a
 * {@code DOUBLE} array and {@link F32} a {@code FLOAT} array. {@link org.jnn.api.AbstractLinearAlgebra}
 * checks handles by class, so giving each precision its own class is what makes the F64 backend reject
 * an F32 matrix and vice versa.
 *
 * @see Nd4jLinearAlgebra
 */
public abstract sealed class Nd4jMatrix extends AbstractMatrix permits Nd4jMatrix.F64, Nd4jMatrix.F32 {

    private final INDArray array;
    private INDArray vector;

    Nd4jMatrix(INDArray array, LinearAlgebra backend) {
        super(backend, Math.toIntExact(checked(array).rows()), Math.toIntExact(array.columns()));
        this.array = array;
    }

    private static INDArray checked(INDArray array) {
        Objects.requireNonNull(array, "array");
        if (array.rank() != 2 || array.ordering() != 'c' || array.isView()) {
            throw new IllegalArgumentException("an Nd4jMatrix wraps a rank-2 'c'-order array that is not a view");
        }
        return array;
    }

    /**
     * The wrapped array. It belongs to the matrix: operate on it only through the backend (or read
     * it), never reshape it or keep views of it beyond a call.
     */
    public INDArray array() {
        return array;
    }

    /**
     * For a single row or column: a rank-1 view of the same buffer, made once. ND4J multiplies a
     * matrix by a rank-1 vector with BLAS gemv, several times faster than gemm with one row.
     */
    INDArray vector() {
        if (vector == null) {
            if (rows() != 1 && cols() != 1) {
                throw new IllegalStateException("a " + shape() + " matrix is not a vector");
            }
            vector = array.reshape('c', new long[] {(long) rows() * cols()});
        }
        return vector;
    }




    /** {@code Nd4jMatrix[3×4, DOUBLE]}: the shape and type, never the contents. */
    @Override
    public String toString() {
        return "Nd4jMatrix[" + shape() + ", " + array.dataType() + "]";
    }

    /** A matrix of the F64 backend: a {@code DOUBLE} array. */
    public static final class F64 extends Nd4jMatrix {
        F64(INDArray array, LinearAlgebra backend) {
            super(array, backend);
        }
    }

    /** A matrix of the F32 backend: a {@code FLOAT} array. */
    public static final class F32 extends Nd4jMatrix {
        F32(INDArray array, LinearAlgebra backend) {
            super(array, backend);
        }
    }
}
