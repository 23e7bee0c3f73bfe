package org.jnn.mnist;

import java.util.Arrays;

/**
 * The content of one unsigned-byte IDX file: its dimensions (the first is the item count) and its
 * data in row-major order. The data array is shared, not copied, to keep 47 MB of pixels in one place.
 *
 * @param dimensions the size of each dimension, e.g. {@code [60000, 28, 28]} for training images
 * @param data the elements, {@code product(dimensions)} bytes, each an unsigned value 0..255
 */
public record IdxData(int[] dimensions, byte[] data) {

    /** Checks that the data length matches the dimensions. */
    public IdxData {
        long product = 1;
        for (int size : dimensions) {
            if (size < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dimensions));
            }
            product *= size;
        }
        if (dimensions.length == 0 || product != data.length) {
            throw new IllegalArgumentException("dimensions " + Arrays.toString(dimensions) + " do not match "
                    + data.length + " data bytes");
        }
        dimensions = dimensions.clone();
    }

    /** The dimensions (a copy). */
    @Override
    public int[] dimensions() {
        return dimensions.clone();
    }

    /** The number of items: the size of the first dimension. */
    public int count() {
        return dimensions[0];
    }

    /** The size of dimension {@code index}. */
    public int size(int index) {
        return dimensions[index];
    }

    /** The number of dimensions. */
    public int rank() {
        return dimensions.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IdxData that
                && Arrays.equals(dimensions, that.dimensions) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dimensions) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IdxData" + Arrays.toString(dimensions);
    }
}
