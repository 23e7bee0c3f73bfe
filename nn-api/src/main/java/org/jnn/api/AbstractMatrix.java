package org.jnn.api;

import java.util.Objects;

/**
 * What every backend's matrix handle holds besides its library's storage: the backend that made it and
 * its shape, which never changes. A backend's matrix class extends it and adds the storage.
 */
public abstract class AbstractMatrix implements Matrix {

    private final LinearAlgebra backend;
    private final int rows;
    private final int cols;

    /**
     * @param backend the backend that creates the matrix and alone operates on it
     * @throws IllegalArgumentException unless both sizes are at least 1
     */
    protected AbstractMatrix(LinearAlgebra backend, int rows, int cols) {
        this.backend = Objects.requireNonNull(backend, "backend");
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a matrix needs at least one row and one column, got " + rows + "×" + cols);
        }
        this.rows = rows;
        this.cols = cols;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final LinearAlgebra backend() {
        return backend;
    }

    /** {@code EjmlMatrix 3×4 (ejml (f64))}: the class, shape and backend, never the contents. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + " " + shape() + " (" + Backends.label(backend) + ")";
    }
}
