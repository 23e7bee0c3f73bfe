package org.jnn.mnist;

import java.nio.file.Path;
import org.jnn.core.Dataset;

/**
 * Grey-level images with integer class labels, held compactly: one unsigned byte per pixel and per
 * label (60,000 MNIST images take 47 MB), converted to {@code double}s in [0, 1] only when a row is
 * copied out through {@link #copyFeatures}.
 *
 * <p>Instances are immutable. A {@linkplain #subset subset} shares the pixel and label arrays and keeps
 * only an index array, so splitting off a validation set copies no pixels.
 */
public final class LabelledImages implements Dataset {

    private static final double SCALE = 1.0 / 255.0;

    private final byte[] pixels;
    private final byte[] labels;
    private final int rows;
    private final int cols;
    private final int classCount;
    /** Rows of the shared arrays that this view shows, in order; {@code null} means all of them. */
    private final int[] index;

    /**
     * Images over the given arrays, which are taken over, not copied: the caller must not change them.
     *
     * @param pixels {@code labels.length × rows × cols} unsigned bytes, image after image, row-major
     * @param labels one label per image, each in {@code [0, classCount)}
     * @param rows the image height
     * @param cols the image width
     * @param classCount the number of classes
     * @throws IllegalArgumentException if the sizes do not match or a label is out of range
     */
    public LabelledImages(byte[] pixels, byte[] labels, int rows, int cols, int classCount) {
        if (rows <= 0 || cols <= 0 || classCount <= 0 || classCount > 256) {
            throw new IllegalArgumentException("bad shape: rows " + rows + ", cols " + cols
                    + ", classCount " + classCount);
        }
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * rows * cols
                    + " pixels of " + rows + "x" + cols + " images, but there are " + pixels.length);
        }
        int bad = firstLabelOutOfRange(labels, classCount);
        if (bad >= 0) {
            throw new IllegalArgumentException("label " + (labels[bad] & 0xff) + " at index " + bad
                    + " is outside the class range 0.." + (classCount - 1));
        }
        this.pixels = pixels;
        this.labels = labels;
        this.rows = rows;
        this.cols = cols;
        this.classCount = classCount;
        this.index = null;
    }

    private LabelledImages(LabelledImages base, int[] index) {
        this.pixels = base.pixels;
        this.labels = base.labels;
        this.rows = base.rows;
        this.cols = base.cols;
        this.classCount = base.classCount;
        this.index = index;
    }

    /**
     * Reads an images file and a labels file (each raw or gzip-compressed) and checks that they belong
     * together: the same count, and every label in {@code [0, classCount)}. Both headers are read and
     * compared before any data, so a mismatched pair fails before 47 MB of pixels are read.
     *
     * @throws IdxFormatException naming the file at fault and the problem
     */
    public static LabelledImages read(Path imagesFile, Path labelsFile, int classCount) throws IdxFormatException {
        int labelCount = IdxReader.readDimensions(labelsFile, IdxReader.Expect.LABELS)[0];
        int imageCount = IdxReader.readDimensions(imagesFile, IdxReader.Expect.IMAGES)[0];
        checkCounts(imagesFile, imageCount, labelsFile, labelCount);

        IdxData labels = IdxReader.readLabels(labelsFile);
        int bad = firstLabelOutOfRange(labels.data(), classCount);
        if (bad >= 0) {
            throw new IdxFormatException(labelsFile, "label " + (labels.data()[bad] & 0xff) + " at index " + bad
                    + " is outside the class range 0.." + (classCount - 1));
        }
        IdxData images = IdxReader.readImages(imagesFile);
        // Again on the data read: a file replaced since its header was read must not slip through.
        checkCounts(imagesFile, images.count(), labelsFile, labels.count());
        return new LabelledImages(images.data(), labels.data(), images.size(1), images.size(2), classCount);
    }

    private static void checkCounts(Path imagesFile, int imageCount, Path labelsFile, int labelCount)
            throws IdxFormatException {
        if (imageCount != labelCount) {
            throw new IdxFormatException(imagesFile, "holds " + imageCount + " images but "
                    + labelsFile.getFileName() + " holds " + labelCount + " labels");
        }
    }

    private static int firstLabelOutOfRange(byte[] labels, int classCount) {
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xff) >= classCount) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return index == null ? labels.length : index.length;
    }

    @Override
    public int featureCount() {
        return rows * cols;
    }

    @Override
    public int classCount() {
        return classCount;
    }

    /** The image height in pixels. */
    public int rows() {
        return rows;
    }

    /** The image width in pixels. */
    public int cols() {
        return cols;
    }

    @Override
    public int label(int i) {
        return labels[row(i)] & 0xff;
    }

    /** Pixel {@code (r, c)} of image {@code i} as its raw unsigned value 0..255. */
    public int pixel(int i, int r, int c) {
        if (r < 0 || r >= rows || c < 0 || c >= cols) {
            throw new IndexOutOfBoundsException("pixel (" + r + ", " + c + ") of a " + rows + "x" + cols + " image");
        }
        return pixels[row(i) * featureCount() + r * cols + c] & 0xff;
    }

    /** Writes the {@link #featureCount()} pixels of image {@code i}, scaled to [0, 1], from {@code offset}. */
    @Override
    public void copyFeatures(int i, double[] destination, int offset) {
        int n = featureCount();
        int start = row(i) * n;
        for (int p = 0; p < n; p++) {
            destination[offset + p] = (pixels[start + p] & 0xff) * SCALE;
        }
    }

    /** The number of samples of each class, indexed by label. */
    public int[] labelHistogram() {
        int[] counts = new int[classCount];
        for (int i = 0; i < size(); i++) {
            counts[label(i)]++;
        }
        return counts;
    }

    /**
     * The samples at the given positions of this data set, in the given order. Only the index array is
     * copied; pixels and labels are shared.
     *
     * @throws IndexOutOfBoundsException if an index is outside {@code [0, size())}
     */
    public LabelledImages subset(int[] indices) {
        int[] mapped = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            mapped[k] = row(indices[k]);
        }
        return new LabelledImages(this, mapped);
    }

    private int row(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("sample " + i + " of " + size());
        }
        return index == null ? i : index[i];
    }

    @Override
    public String toString() {
        return "LabelledImages[" + size() + " images of " + rows + "x" + cols + ", " + classCount + " classes]";
    }
}
