package org.jnn.backend.nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scratch arrays of one backend instance, kept between calls so that hot operations allocate no
 * native memory. A network uses a handful of shapes over and over (the mini-batch, the last partial
 * batch, single samples, the evaluation batch), so each kind of scratch keeps the arrays of the
 * {@value #SHAPES_PER_KIND} shapes used most recently and allocates only on a miss.
 *
 * <p>Not thread-safe, like the backend instance that owns it.
 */
final class Scratch {

    static final int SHAPES_PER_KIND = 4;

    private final Map<Long, INDArray> arrays = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, INDArray> eldest) {
            return size() > SHAPES_PER_KIND;
        }
    };

    private final DataType dataType;
    private final boolean ones;

    /**
     * @param dataType the element type of the arrays
     * @param ones whether new arrays are filled with ones (else zeros)
     */
    Scratch(DataType dataType, boolean ones) {
        this.dataType = dataType;
        this.ones = ones;
    }

    /** A {@code rows×cols} 'c'-order array of this scratch's kind; its contents are whatever the last user left. */
    INDArray get(int rows, int cols) {
        return get(rows, cols, new long[] {rows, cols});
    }

    /** A rank-1 array of {@code length} elements, otherwise like {@link #get(int, int)}. */
    INDArray vector(int length) {
        return get(0, length, new long[] {length});
    }

    private INDArray get(int rows, int cols, long[] shape) {
        long key = ((long) rows << 32) | (cols & 0xFFFF_FFFFL);
        INDArray array = arrays.get(key);
        if (array == null) {
            array = Nd4j.create(dataType, shape, 'c');
            if (ones) {
                array.assign(1.0);
            }
            arrays.put(key, array);
        }
        return array;
    }
}
