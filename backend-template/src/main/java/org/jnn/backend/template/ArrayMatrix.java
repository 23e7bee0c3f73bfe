package org.jnn.backend.template;

import org.jnn.api.AbstractMatrix;

/**
 * A dense matrix on a plain Java array in row-major order: element {@code (i, j)} is at {@code i * cols + j}.
 * Each precision has its own class, {@link F64} on {@code double[]} and {@link F32} on {@code float[]},
 * because {@link org.jnn.api.AbstractLinearAlgebra} tells the backend's matrices from others by class.
 */
public abstract sealed class ArrayMatrix extends AbstractMatrix permits ArrayMatrix.F64, ArrayMatrix.F32 {

    private ArrayMatrix(ArrayLinearAlgebra backend, int rows, int cols) {
        super(backend, rows, cols);
    }

    /** Element {@code i} in row-major order. */
    abstract double get(int i);

    /** Sets element {@code i}, rounded to this matrix's precision. */
    abstract void set(int i, double value);





    /** Double precision. */
    static final class F64 extends ArrayMatrix {
        private final double[] values;

        F64(ArrayLinearAlgebra backend, int rows, int cols) {
            super(backend, rows, cols);
            values = new double[rows * cols];
        }

        @Override
        double get(int i) {
            return values[i];
        }

        @Override
        void set(int i, double value) {
            values[i] = value;
        }
    }

    /** Single precision: every value is stored as the nearest float. */
    static final class F32 extends ArrayMatrix {
        private final float[] values;

        F32(ArrayLinearAlgebra backend, int rows, int cols) {
            super(backend, rows, cols);
            values = new float[rows * cols];
        }

        @Override
        double get(int i) {
            return values[i];
        }

        @Override
        void set(int i, double value) {
            values[i] = (float) value;
        }
    }
}
