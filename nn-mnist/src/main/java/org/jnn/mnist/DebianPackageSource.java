package org.jnn.mnist;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Gets Fashion-MNIST from the Debian package {@code dataset-fashion-mnist}: {@code apt-get download}
 * (no root needed), then the gzip-compressed IDX files under {@code usr/share/datasets/fashion-mnist/},
 * read with Commons Compress (a {@code .deb} is an ar archive whose {@code data.tar.xz} member holds the
 * files), so {@code dpkg} is not needed.
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

    /** Package lists of a whole distribution take some tens of MiB. */
    private static final long PACKAGE_LISTS_LIMIT = 1L << 30;

    private final String packageName;
    private final String folder;
    private final Duration timeout;
    private final List<String> downloadCommand;

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
        this(packageName, folder, timeout, List.of("apt-get", "download", packageName));
    }

    /** As the public constructor, with another command that leaves the .deb in its working folder. */
    DebianPackageSource(String packageName, String folder, Duration timeout, List<String> downloadCommand) {
        this.packageName = packageName;
        this.folder = folder;
        this.timeout = timeout;
        this.downloadCommand = List.copyOf(downloadCommand);
    }

    @Override
    public String describe() {
        return "Debian package " + packageName + " (apt-get download)";
    }

    @Override
    public void fetchInto(Path dir, DatasetKind kind, FetchProgress progress) throws IOException {
        Path work = Files.createTempDirectory(dir, "deb-");
        try {
            download(work, kind, progress);
            Path deb = PackageFiles.downloaded(work, ".deb", String.join(" ", downloadCommand));
            try (ArArchiveInputStream ar = new ArArchiveInputStream(
                    new BufferedInputStream(Files.newInputStream(deb), 1 << 16))) {
                try (TarArchiveInputStream tar = new TarArchiveInputStream(dataMember(ar, deb))) {
                    PackageFiles.extract(tar, folder, kind, dir);
                }
            }
        } finally {
            FileUtil.deleteRecursivelyIfPossible(work);
        }
    }

    /** The uncompressed content of the package's {@code data.tar}, {@code data.tar.xz}, ... member. */
    private static InputStream dataMember(ArArchiveInputStream ar, Path deb) throws IOException {
        for (ArArchiveEntry entry; (entry = ar.getNextEntry()) != null; ) {
            String name = entry.getName();
            if (name.equals("data.tar")) {
                return ar;
            }
            if (name.startsWith("data.tar.")) {
                try {
                    return new CompressorStreamFactory().createCompressorInputStream(new BufferedInputStream(ar));
                } catch (CompressorException e) {
                    throw new IOException("cannot decompress " + name + " of " + deb.getFileName() + ": "
                            + e.getMessage(), e);
                }
            }
        }
        throw new IOException(deb.getFileName() + " has no data.tar member; it is not a Debian package");
    }

    private void download(Path work, DatasetKind kind, FetchProgress progress) throws IOException {
        long limit = PackageFiles.downloadLimit(kind);
        try {
            ProcessRunner.run(downloadCommand, work, timeout, limit, progress);
        } catch (IOException first) {
            // Most often the package lists are missing; fetch private ones (no root, system untouched).
            progress.note("apt-get download failed; retrying with package lists of its own in " + work);
            Path state = work.resolve("apt-state");
            Path cache = work.resolve("apt-cache");
            Files.createDirectories(state.resolve("lists/partial"));
            Files.createDirectories(cache.resolve("archives/partial"));
            List<String> options = List.of("-o", "Dir::State=" + state, "-o", "Dir::Cache=" + cache,
                    "-o", "Debug::NoLocking=1");
            try {
                ProcessRunner.run(apt(options, "update"), work, timeout, PACKAGE_LISTS_LIMIT, progress);
                ProcessRunner.run(apt(options, "download", packageName), work, timeout, limit, progress);
            } catch (IOException second) {
                second.addSuppressed(first);
                throw new IOException(first.getMessage() + "; with package lists of its own: "
                        + second.getMessage(), second);
            }
        }
    }

    private static List<String> apt(List<String> options, String... args) {
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
