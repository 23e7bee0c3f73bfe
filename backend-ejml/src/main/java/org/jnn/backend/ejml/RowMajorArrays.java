package org.jnn.backend.ejml;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.ops.ConvertMatrixData;

/**
 * The SPI's row-major {@code double[]} arrays copied into and out of EJML matrices of either precision:
 * the one job the two precisions do with different EJML calls. A {@link DMatrixRMaj} stores such an array
 * as it is; an {@link FMatrixRMaj} is converted with EJML's {@link ConvertMatrixData}, which reads or
 * writes the caller's array through a reused {@link DMatrixRMaj} view, so nothing is copied first and
 * nothing is allocated.
 *
 * <p>The methods are overloads on the matrix type, so the one line in {@link EjmlLinearAlgebra} calls the
 * {@code float} overload in the class generated from it. The view is state: one instance per backend
 * instance, used by one thread at a time like the backend.
 */
final class RowMajorArrays {

    private static final double[] NO_DATA = new double[0];

    private final DMatrixRMaj view = new DMatrixRMaj(0, 0);

    /** {@code destination = data}, read row by row. */
    void copy(double[] data, DMatrixRMaj destination) {
        destination.set(destination.numRows, destination.numCols, true, data);
    }

    /** {@code destination = data}, each value rounded to the nearest float. */
    void copy(double[] data, FMatrixRMaj destination) {
        ConvertMatrixData.convert(view(data, destination.numRows, destination.numCols), destination);
        view.setData(NO_DATA); // keep no reference to the caller's array
    }

    /** {@code destination = source}, row by row. */
    void copy(DMatrixRMaj source, double[] destination) {
        // EJML has no "copy out into this array"; its storage is the row-major array itself.
        System.arraycopy(source.data, 0, destination, 0, source.getNumElements());
    }

    /** {@code destination = source}, each float widened exactly. */
    void copy(FMatrixRMaj source, double[] destination) {
        ConvertMatrixData.convert(source, view(destination, source.numRows, source.numCols));
        view.setData(NO_DATA);
    }

    /** The view showing {@code data} as a rows×cols matrix (what DMatrixRMaj.wrap does, without a new object). */
    private DMatrixRMaj view(double[] data, int rows, int cols) {
        view.setData(data);
        view.numRows = rows;
        view.numCols = cols;
        return view;
    }
}
