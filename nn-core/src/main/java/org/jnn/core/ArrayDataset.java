package org.jnn.core;

import java.util.Arrays;

/** {@link Dataset} over a row-major {@code double[]} copy of the caller's arrays. */
final class ArrayDataset implements Dataset {

    private final double[] features;
    private final int[] labels;
    private final int featureCount;
    private final int classCount;

    private ArrayDataset(double[] features, int[] labels, int featureCount, int classCount) {
        this.features = features;
        this.labels = labels;
        this.featureCount = featureCount;
        this.classCount = classCount;
    }

    static ArrayDataset copyOf(double[][] rows, int[] labels, int classCount) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("a data set needs at least one sample, got none");
        }
        if (rows.length != labels.length) {
            throw new IllegalArgumentException(
                    "features have " + rows.length + " rows but there are " + labels.length + " labels");
        }
        if (classCount < 1) {
            throw new IllegalArgumentException("class count must be at least 1, got " + classCount);
        }
        int width = rows[0].length;
        if (width == 0) {
            throw new IllegalArgumentException("samples need at least one feature, row 0 has none");
        }
        double[] flat = new double[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length
                        + " features but row 0 has " + width + "; all rows must have the same length");
            }
            if (labels[i] < 0 || labels[i] >= classCount) {
                throw new IllegalArgumentException("label of row " + i + " is " + labels[i]
                        + ", outside the class range [0, " + classCount + ")");
            }
            for (int j = 0; j < width; j++) {
                // A NaN or an infinity would turn every loss and gradient it touches into NaN, and training
                // would then seem to diverge; so it is refused here, where it can still be named.
                if (!Double.isFinite(rows[i][j])) {
                    throw new IllegalArgumentException("feature " + j + " of row " + i + " is " + rows[i][j]
                            + "; features must be finite numbers");
                }
            }
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return new ArrayDataset(flat, Arrays.copyOf(labels, labels.length), width, classCount);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int featureCount() {
        return featureCount;
    }

    @Override
    public int classCount() {
        return classCount;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public void copyFeatures(int index, double[] destination, int offset) {
        System.arraycopy(features, index * featureCount, destination, offset, featureCount);
    }
}
