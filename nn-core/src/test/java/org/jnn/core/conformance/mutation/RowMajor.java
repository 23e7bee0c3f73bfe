package org.jnn.core.conformance.mutation;

import org.jnn.api.Matrix;

/** Plain arithmetic on row-major arrays, for planted bugs that compute a result their own (wrong) way. */
final class RowMajor {

    private RowMajor() {
    }

    /** Where softmax and log-sum-exp subtract from each row. */
    enum Shift {
        /** The row's maximum: the right way. */
        ROW_MAXIMUM,
        /** The row's first element. */
        FIRST_ELEMENT,
        /** Nothing. */
        NONE,
        /** The maximum of the whole matrix. */
        MATRIX_MAXIMUM
    }

    static int count(Matrix m) {
        return m.rows() * m.cols();
    }

    static boolean isVector(Matrix m) {
        return m.rows() == 1 || m.cols() == 1;
    }

    /** {@code op(a)·op(b)} with only the first {@code terms} terms of each inner sum. */
    static double[] product(double[] a, int aRows, int aCols, boolean transposeA, double[] b, int bRows, int bCols,
            boolean transposeB, int terms) {
        int m = transposeA ? aCols : aRows;
        int n = transposeB ? bRows : bCols;
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < terms; p++) {
                    double x = transposeA ? a[p * aCols + i] : a[i * aCols + p];
                    double y = transposeB ? b[j * bCols + p] : b[p * bCols + j];
                    sum += x * y;
                }
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    private static double shift(double[] z, int row, int cols, Shift shift) {
        double max = Double.NEGATIVE_INFINITY;
        switch (shift) {
            case ROW_MAXIMUM -> {
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, z[row * cols + j]);
                }
                return max;
            }
            case FIRST_ELEMENT -> {
                return z[row * cols];
            }
            case MATRIX_MAXIMUM -> {
                for (double v : z) {
                    max = Math.max(max, v);
                }
                return max;
            }
            default -> {
                return 0;
            }
        }
    }

    /** Softmax of every row of a {@code rows×cols} array, shifted as given. */
    static double[] softmaxRows(double[] z, int rows, int cols, Shift shift) {
        double[] out = new double[z.length];
        for (int i = 0; i < rows; i++) {
            double s = shift(z, i, cols, shift);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = Math.exp(z[i * cols + j] - s);
                sum += out[i * cols + j];
            }
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] /= sum;
            }
        }
        return out;
    }

    /** {@code log Σ_j exp(z[row, j])} computed with the given shift. */
    static double logSumExp(double[] z, int row, int cols, Shift shift) {
        double s = shift(z, row, cols, shift);
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            sum += Math.exp(z[row * cols + j] - s);
        }
        return s + Math.log(sum);
    }

    /** The summed negative log-softmax at each row's label, with the given shift. */
    static double loss(double[] z, int rows, int cols, int[] labels, Shift shift) {
        double total = 0;
        for (int i = 0; i < rows; i++) {
            total += logSumExp(z, i, cols, shift) - z[i * cols + labels[i]];
        }
        return total;
    }

    /** Every value rounded to float. */
    static double[] toFloat(double[] values) {
        double[] rounded = values.clone();
        for (int i = 0; i < rounded.length; i++) {
            rounded[i] = (float) rounded[i];
        }
        return rounded;
    }
}
