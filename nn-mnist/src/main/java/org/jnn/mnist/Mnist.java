package org.jnn.mnist;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One-line loading of MNIST and Fashion-MNIST: {@code DatasetSplits data = Mnist.load();}
 *
 * <p>The files are looked for in the {@linkplain DataDirectory data directory}, fetched there if they
 * are missing or corrupt, verified by checksum, and read into compact {@link LabelledImages}.
 */
public final class Mnist {

    private Mnist() {
    }

    /** MNIST from the default data directory, fetched if needed. */
    public static DatasetSplits load() throws IOException {
        return load(DatasetKind.MNIST);
    }

    /** The given data set from the default data directory, fetched if needed. */
    public static DatasetSplits load(DatasetKind kind) throws IOException {
        return load(kind, null);
    }

    /**
     * The given data set from {@code dataDir} (or the default data directory if {@code null}), fetched
     * if needed. The files live in {@code dataDir/kind.id()}.
     *
     * @throws DatasetUnavailableException if the files are missing and no source could provide them
     * @throws IdxFormatException if a file cannot be read as the data set it should be
     */
    public static DatasetSplits load(DatasetKind kind, Path dataDir) throws IOException {
        return load(kind, dataDir, new DatasetFetcher());
    }

    /** As {@link #load(DatasetKind, Path)}, fetching through the given fetcher. */
    public static DatasetSplits load(DatasetKind kind, Path dataDir, DatasetFetcher fetcher) throws IOException {
        Path folder = fetcher.ensureAvailable(kind, DataDirectory.root(dataDir));
        return read(folder, kind.classCount());
    }

    /**
     * Reads the four files with the standard names ({@code train-images-idx3-ubyte},
     * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte},
     * each raw or gzip-compressed) from {@code folder}, without fetching or checksums: for data sets in
     * MNIST's format that this module does not pin.
     *
     * @throws IdxFormatException if a file is malformed, counts differ, a label is out of range, or the
     *     training and test images differ in size
     */
    public static DatasetSplits read(Path folder, int classCount) throws IOException {
        DatasetKind.FileSpec[] names = {DatasetKind.MNIST.trainImages(), DatasetKind.MNIST.trainLabels(),
            DatasetKind.MNIST.testImages(), DatasetKind.MNIST.testLabels()};
        LabelledImages train = LabelledImages.read(folder.resolve(names[0].name()), folder.resolve(names[1].name()),
                classCount);
        Path testImages = folder.resolve(names[2].name());
        LabelledImages test = LabelledImages.read(testImages, folder.resolve(names[3].name()), classCount);
        if (train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new IdxFormatException(testImages, "holds " + test.rows() + "x" + test.cols()
                    + " images but the training images are " + train.rows() + "x" + train.cols());
        }
        return new DatasetSplits(train, test);
    }
}
