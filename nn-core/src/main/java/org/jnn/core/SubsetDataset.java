package org.jnn.core;

/** The samples of another data set at the given indices, in that order; nothing is copied. */
final class SubsetDataset implements Dataset {

    private final Dataset source;
    private final int[] indices;

    SubsetDataset(Dataset source, int[] indices) {
        this.source = source;
        this.indices = indices.clone();
        int n = source.size();
        for (int i = 0; i < this.indices.length; i++) {
            if (this.indices[i] < 0 || this.indices[i] >= n) {
                throw new IllegalArgumentException("index " + this.indices[i] + " at position " + i
                        + " is outside the data set's " + n + " samples");
            }
        }
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int featureCount() {
        return source.featureCount();
    }

    @Override
    public int classCount() {
        return source.classCount();
    }

    @Override
    public int label(int index) {
        return source.label(indices[index]);
    }

    @Override
    public void copyFeatures(int index, double[] destination, int offset) {
        source.copyFeatures(indices[index], destination, offset);
    }
}
