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
 * shapes used most recently ({@value #SHAPES_PER_KIND} for the output layer's, more where every
 * layer's or every parameter's shape comes by) and allocates only on a miss.
 *
 * <p>Not thread-safe, like the backend instance that owns it.
 */
final class Scratch {

    /** Shapes kept per kind of scratch for the output layer (the batch shapes of one width). */
    static final int SHAPES_PER_KIND = 4;

    /**
     * Shapes kept per kind of scratch used by every layer (the batch shapes of each width) or for every
     * parameter tensor (weights and biases of each layer): enough for networks of 8 layers.
     */
    static final int SHAPES_PER_LAYER_KIND = 16;

    private final Map<Long, INDArray> arrays;
    private final DataType dataType;
    private final boolean ones;

    /**
     * Keeps {@value #SHAPES_PER_KIND} shapes.
     *
     * @param dataType the element type of the arrays
     * @param ones whether new arrays are filled with ones (else zeros)
     */
    Scratch(DataType dataType, boolean ones) {
        this(dataType, ones, SHAPES_PER_KIND);
    }

    /**
     * @param dataType the element type of the arrays
     * @param ones whether new arrays are filled with ones (else zeros)
     * @param shapes how many shapes to keep; a call for another drops the least recently used
     */
    Scratch(DataType dataType, boolean ones, int shapes) {
        this.dataType = dataType;
        this.ones = ones;
        this.arrays = new LinkedHashMap<>(2 * shapes, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, INDArray> eldest) {
                return size() > shapes;
            }
        };
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
