package org.jnn.core;

/**
 * A labelled data set held in memory: {@link #size()} rows of {@link #featureCount()} features, each
 * with an integer class label in {@code [0, classCount())}.
 *
 * <p>Implementations may store features compactly (bytes, floats) and convert them per row when
 * {@link #copyFeatures} is called; the network only ever reads rows through that method, so a data
 * set of 60,000 images never has to exist as boxed or {@code double[][]} values.
 */
public interface Dataset {

    /** Number of samples. */
    int size();

    /** Number of features per sample (the network's input width). */
    int featureCount();

    /** Number of classes; every label lies in {@code [0, classCount())}. */
    int classCount();

    /** The class label of sample {@code index}. */
    int label(int index);

    /**
     * Copies the features of sample {@code index} into {@code destination}, starting at
     * {@code offset}; exactly {@link #featureCount()} values are written.
     */
    void copyFeatures(int index, double[] destination, int offset);

    /**
     * A data set over arrays the caller already holds; the arrays are copied, so later changes to them
     * do not affect the data set.
     *
     * @param features one row of features per sample, all of the same length
     * @param labels one label per sample, each in {@code [0, classCount)}
     * @param classCount the number of classes
     * @throws IllegalArgumentException if the rows are ragged or empty, the counts differ, a feature is
     *     NaN or infinite, or a label lies outside {@code [0, classCount)}; the message names the row
     *     (and the feature)
     */
    static Dataset of(double[][] features, int[] labels, int classCount) {
        return ArrayDataset.copyOf(features, labels, classCount);
    }
}
