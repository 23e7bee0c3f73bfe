package org.jnn.mnist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Gets Fashion-MNIST from the Debian package {@code dataset-fashion-mnist}: {@code apt-get download}
 * (no root needed) and {@code dpkg-deb -x}, then the gzip-compressed IDX files under
 * {@code usr/share/datasets/fashion-mnist/}. The downloads show a progress bar on standard error.
 *
 * <p>On a machine whose package lists were never downloaded ({@code apt-get update} not yet run),
 * {@code apt-get download} cannot find the package; the source then downloads package lists of its own
 * into its scratch folder and tries again, which needs no root and leaves the system's lists alone.
 */
public final class DebianPackageSource implements DataSource {

    /** The Debian package that ships Fashion-MNIST. */
    public static final String DEFAULT_PACKAGE = "dataset-fashion-mnist";
    /** The folder in the package that holds the IDX files. */
    public static final String DEFAULT_FOLDER = "usr/share/datasets/fashion-mnist/";

    private final String packageName;
    private final String folder;
    private final Duration timeout;

    /** The {@value #DEFAULT_PACKAGE} package, with a 10-minute timeout per command. */
    public DebianPackageSource() {
        this(DEFAULT_PACKAGE, DEFAULT_FOLDER, Duration.ofMinutes(10));
    }

    /**
     * @param packageName the Debian package name
     * @param folder the folder in the package holding the files, ending in {@code /}
     * @param timeout how long each command may take
     */
    public DebianPackageSource(String packageName, String folder, Duration timeout) {
        this.packageName = packageName;
        this.folder = folder;
        this.timeout = timeout;
    }

    @Override
    public String describe() {
        return "Debian package " + packageName + " (apt-get download)";
    }

    @Override
    public void fetchInto(Path dir, DatasetKind kind) throws IOException {
        Path work = Files.createTempDirectory(dir, "deb-");
        try {
            download(work, kind);
            Path deb;
            try (Stream<Path> files = Files.list(work)) {
                deb = files.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new IOException("`apt-get download " + packageName + "` left no .deb"));
            }
            Path root = work.resolve("root");
            ProcessRunner.run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), work, timeout);
            List<String> absent = new ArrayList<>();
            for (DatasetKind.FileSpec spec : kind.files()) {
                Path inPackage = root.resolve(folder).resolve(spec.name() + ".gz");
                if (!Files.exists(inPackage)) {
                    inPackage = root.resolve(folder).resolve(spec.name());
                }
                if (Files.exists(inPackage)) {
                    Files.move(inPackage, dir.resolve(spec.name()), StandardCopyOption.REPLACE_EXISTING);
                } else {
                    absent.add(spec.name());
                }
            }
            if (!absent.isEmpty()) {
                throw new IOException("the package " + packageName + " has no " + String.join(", ", absent)
                        + " under " + folder);
            }
        } finally {
            FileUtil.deleteRecursively(work);
        }
    }

    private void download(Path work, DatasetKind kind) throws IOException {
        String task = "fetching " + kind.displayName() + ": apt-get download " + packageName;
        try {
            ProcessRunner.run(List.of("apt-get", "download", packageName), work, timeout, task);
        } catch (IOException first) {
            // Most often the package lists are missing; fetch private ones (no root, system untouched).
            System.err.println("apt-get download failed; retrying with package lists of its own in " + work);
            Path state = work.resolve("apt-state");
            Path cache = work.resolve("apt-cache");
            Files.createDirectories(state.resolve("lists/partial"));
            Files.createDirectories(cache.resolve("archives/partial"));
            List<String> options = List.of("-o", "Dir::State=" + state, "-o", "Dir::Cache=" + cache,
                    "-o", "Debug::NoLocking=1");
            try {
                ProcessRunner.run(concat(options, "update"), work, timeout,
                        "fetching " + kind.displayName() + ": apt-get update (package lists of its own)");
                ProcessRunner.run(concat(options, "download", packageName), work, timeout, task);
            } catch (IOException second) {
                second.addSuppressed(first);
                throw new IOException(first.getMessage() + "; with package lists of its own: "
                        + second.getMessage(), second);
            }
        }
    }

    private static List<String> concat(List<String> options, String... args) {
        List<String> command = new ArrayList<>();
        command.add("apt-get");
        command.addAll(options);
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public String toString() {
        return describe();
    }
}
