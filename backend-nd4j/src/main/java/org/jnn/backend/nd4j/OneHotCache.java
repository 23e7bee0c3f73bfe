package org.jnn.backend.nd4j;

import java.util.Arrays;

import org.bytedeco.javacpp.IntPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code rows×cols} 0/1 matrix with a single 1 per row, at the column given by an index array,
 * built by ND4J's {@code one_hot} op. The labels of a batch are used twice in a training step (the
 * loss and the gradient {@code p - y}), so the last result is kept and reused while the indices are
 * the same (compared by content, so a caller that reuses and refills its array is safe).
 *
 * <p>Not thread-safe, like the backend instance that owns it.
 */
final class OneHotCache {

    private final DataType dataType;
    private int[] lastIndices;
    private int lastCols;
    private INDArray indices;
    private INDArray oneHot;

    OneHotCache(DataType dataType) {
        this.dataType = dataType;
    }

    /** One-hot rows for {@code columns}, each index already checked to lie in {@code [0, cols)}. */
    INDArray of(int[] columns, int cols) {
        int rows = columns.length;
        if (oneHot != null && lastCols == cols && Arrays.equals(lastIndices, columns)) {
            return oneHot;
        }
        if (oneHot == null || lastCols != cols || lastIndices.length != rows) {
            indices = Nd4j.create(DataType.INT32, new long[] {rows}, 'c');
            oneHot = Nd4j.create(dataType, new long[] {rows, cols}, 'c');
            lastIndices = new int[rows];
            lastCols = cols;
        }
        new IntPointer(indices.data().addressPointer()).put(columns, 0, rows);
        Host.written(indices);
        Nd4j.exec(new OneHot(indices, oneHot, cols, -1, 1.0, 0.0));
        System.arraycopy(columns, 0, lastIndices, 0, rows);
        return oneHot;
    }
}
