package org.jnn.api;

/**
 * An opaque handle to a dense matrix owned by one {@link LinearAlgebra} backend.
 *
 * <p>Matrices are created only by their backend ({@link LinearAlgebra#zeros}, {@link
 * LinearAlgebra#fromRowMajor}, {@link LinearAlgebra#copy}) and can only be passed to operations of a
 * backend of the same kind: a handle from another backend is rejected with an error naming both. Their
 * contents cross into Java arrays only through {@link LinearAlgebra#setRowMajor} and {@link
 * LinearAlgebra#toRowMajor}. The shape of a matrix never changes.
 */
public interface Matrix {

    /** Number of rows. */
    int rows();

    /** Number of columns. */
    int cols();

    /** The backend that created this matrix and is the only one allowed to operate on it. */
    LinearAlgebra backend();

    /** The shape as {@code rows×cols}, the form used in every error message. */
    default String shape() {
        return rows() + "×" + cols();
    }
}
