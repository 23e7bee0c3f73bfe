package org.jnn.mnist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** What the package sources ({@link NpmPackageSource}, {@link DebianPackageSource}) share. */
final class PackageFiles {

    /** Room for whatever else a package holds besides the data set's files. */
    private static final long PACKAGE_EXTRA_BYTES = 16 << 20;

    private PackageFiles() {
    }

    /** The most bytes a package holding {@code kind}'s files may take to download. */
    static long downloadLimit(DatasetKind kind) {
        return kind.files().stream().mapToLong(DatasetKind.FileSpec::deliveryLimit).sum() + PACKAGE_EXTRA_BYTES;
    }

    /** The file ending in {@code suffix} that {@code command} downloaded into {@code work}. */
    static Path downloaded(Path work, String suffix, String command) throws IOException {
        try (Stream<Path> files = Files.list(work)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst()
                    .orElseThrow(() -> new IOException("`" + command + "` left no " + suffix + " file"));
        }
    }

    /**
     * Writes each file of {@code kind} found in {@code folder} of the tar stream (raw, or gzip-compressed
     * with a {@code .gz} suffix) to {@code dir} under its name; other entries are skipped.
     *
     * @throws IOException if the archive is corrupt, or one of the files is larger than its
     *     {@linkplain DatasetKind.FileSpec#deliveryLimit() delivery limit}
     */
    static void extract(TarArchiveInputStream tar, String folder, DatasetKind kind, Path dir) throws IOException {
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
            if (!entry.isFile() || !name.startsWith(folder)) {
                continue;
            }
            String file = name.substring(folder.length()).replaceFirst("\\.gz$", "");
            for (DatasetKind.FileSpec spec : kind.files()) {
                if (spec.name().equals(file)) {
                    if (entry.getSize() > spec.deliveryLimit()) {
                        throw new IOException(name + " in the package is " + entry.getSize()
                                + " bytes, more than the " + spec.deliveryLimit() + " a copy of it can take");
                    }
                    // the stream ends with the entry; a later entry of the same name wins
                    Files.copy(tar, dir.resolve(spec.name()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
