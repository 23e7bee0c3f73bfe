package org.jnn.mnist;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Makes a data set's four files present and verified in its data folder, fetching what is missing.
 *
 * <p>Every file is checked against its pinned size and SHA-256 (of the uncompressed content) before it
 * is used. A cached file that fails is reported, moved aside to {@code <name>.corrupt} and fetched again.
 * Fetched files are decompressed and verified under a temporary name in the data folder and only then
 * renamed into place atomically, so an interrupted fetch never leaves a file that looks complete.
 * Sources are tried in order until every file verifies. What happens is reported to a
 * {@link FetchProgress} the caller passes in; the fetcher itself prints nothing.
 */
public final class DatasetFetcher {

    private final Function<DatasetKind, ? extends List<? extends DataSource>> sources;
    private final FetchProgress progress;

    /** The {@linkplain DataSource#defaults default sources}, reporting nothing. */
    public DatasetFetcher() {
        this(FetchProgress.NONE);
    }

    /** The {@linkplain DataSource#defaults default sources}, reporting to {@code progress}. */
    public DatasetFetcher(FetchProgress progress) {
        this(DataSource::defaults, progress);
    }

    /**
     * @param sources the sources to try, in order, for each data set
     * @param progress receives the downloads and verifications, and one note per notable event (a
     *     corrupt file, a fetch, a failed source)
     */
    public DatasetFetcher(Function<DatasetKind, ? extends List<? extends DataSource>> sources,
            FetchProgress progress) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * Ensures that the files of {@code kind} are present and verified in {@code root}'s subfolder for
     * the kind, fetching those that are missing or bad.
     *
     * @param root the data root (see {@link DataDirectory}); the files go in {@code root/kind.id()}
     * @return the folder holding the four verified, uncompressed files
     * @throws DatasetUnavailableException if some file could be obtained from no source
     * @throws IOException if the data folder cannot be written
     */
    public Path ensureAvailable(DatasetKind kind, Path root) throws IOException {
        return ensureAvailable(kind, root, kind.files());
    }

    /** As {@link #ensureAvailable(DatasetKind, Path)} with other pins: tests cannot forge MNIST's. */
    Path ensureAvailable(DatasetKind kind, Path root, List<DatasetKind.FileSpec> files) throws IOException {
        Path folder = DataDirectory.folder(root, kind);
        Files.createDirectories(folder);
        List<DatasetKind.FileSpec> missing = new ArrayList<>();
        for (DatasetKind.FileSpec spec : files) {
            if (!usable(kind, folder, spec)) {
                missing.add(spec);
            }
        }
        if (missing.isEmpty()) {
            return folder;
        }
        List<String> attempts = new ArrayList<>();
        for (DataSource source : sources.apply(kind)) {
            progress.note(kind.displayName() + ": fetching " + names(missing) + " from " + source.describe()
                    + " into " + folder);
            try {
                fetchFrom(source, kind, folder, missing);
            } catch (IOException | RuntimeException e) {
                String error = e.getMessage() == null ? e.toString() : e.getMessage();
                attempts.add(source.describe() + ": " + error);
                progress.note(kind.displayName() + ": " + source.describe() + " failed: " + error);
            }
            if (missing.isEmpty()) {
                progress.note(kind.displayName() + ": all files verified in " + folder);
                return folder;
            }
        }
        throw new DatasetUnavailableException(kind, folder, missing, attempts);
    }

    /** Whether the cached file is good; a bad one is reported and moved aside, a hand-placed .gz unpacked. */
    private boolean usable(DatasetKind kind, Path folder, DatasetKind.FileSpec spec) throws IOException {
        Path file = folder.resolve(spec.name());
        if (!Files.exists(file)) {
            Path gz = folder.resolve(spec.name() + ".gz");
            if (!Files.exists(gz)) {
                return false;
            }
            try {
                install(gz, spec, file);
                progress.note(kind.displayName() + ": unpacked " + gz);
                return true;
            } catch (IOException e) {
                progress.note(kind.displayName() + ": ignoring " + gz + ": " + e.getMessage());
                return false;
            }
        }
        String problem = problem(file, spec, progress);
        if (problem == null) {
            return true;
        }
        Path aside = folder.resolve(spec.name() + ".corrupt");
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        progress.note(kind.displayName() + ": " + file + " is corrupt (" + problem + "); moved it to " + aside
                + " and fetching it again");
        return false;
    }

    /** Lets {@code source} fill a scratch folder, then installs each missing file that verifies. */
    private void fetchFrom(DataSource source, DatasetKind kind, Path folder, List<DatasetKind.FileSpec> missing)
            throws IOException {
        Path scratch = Files.createTempDirectory(folder, ".fetch-");
        try {
            IOException sourceError = null;
            try {
                source.fetchInto(scratch, kind, progress);
            } catch (IOException e) {
                sourceError = e; // files it did deliver may still verify, so they are kept
            }
            List<String> problems = new ArrayList<>();
            for (Iterator<DatasetKind.FileSpec> it = missing.iterator(); it.hasNext(); ) {
                DatasetKind.FileSpec spec = it.next();
                Path delivered = scratch.resolve(spec.name());
                if (!Files.isRegularFile(delivered)) {
                    continue;
                }
                try {
                    install(delivered, spec, folder.resolve(spec.name()));
                    it.remove();
                } catch (IOException e) {
                    problems.add(e.getMessage());
                }
            }
            if (sourceError != null) {
                throw sourceError;
            }
            if (!problems.isEmpty() || !missing.isEmpty()) {
                if (!missing.isEmpty() && problems.isEmpty()) {
                    problems.add("did not provide " + names(missing));
                }
                throw new IOException(String.join("; ", problems));
            }
        } finally {
            FileUtil.deleteRecursively(scratch);
        }
    }

    /**
     * Decompresses (if gzip) {@code delivered} to a temporary file beside {@code target}, verifies its size
     * and SHA-256, and renames it to {@code target} atomically.
     */
    private void install(Path delivered, DatasetKind.FileSpec spec, Path target) throws IOException {
        // Not Files.createTempFile: its owner-only permissions would make a shared data folder unreadable.
        Path part = target.resolveSibling("." + spec.name() + "." + UUID.randomUUID() + ".part");
        try {
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                String problem = check(delivered, spec, out, progress);
                if (problem != null) {
                    throw new IOException(spec.name() + ": " + problem);
                }
            }
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
                channel.force(true); // the data is on disk before the name says it is complete
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** What is wrong with {@code file} (raw or gzip) compared with its pin, or {@code null} if nothing. */
    static String problem(Path file, DatasetKind.FileSpec spec) {
        return problem(file, spec, FetchProgress.NONE);
    }

    private static String problem(Path file, DatasetKind.FileSpec spec, FetchProgress progress) {
        try {
            return check(file, spec, OutputStream.nullOutputStream(), progress);
        } catch (IOException e) {
            return "cannot read it: " + (e.getMessage() == null ? e : e.getMessage());
        }
    }

    /**
     * Copies the uncompressed content of {@code file} to {@code out}, reporting it to {@code progress} as
     * "verifying NAME", and says what is wrong with it compared with its pin, or {@code null} if nothing.
     * Reads at most one byte more than the pinned size.
     *
     * @throws IOException if {@code file} cannot be read or decompressed, or {@code out} written
     */
    private static String check(Path file, DatasetKind.FileSpec spec, OutputStream out, FetchProgress progress)
            throws IOException {
        MessageDigest digest = sha256();
        long size = 0;
        progress.start("verifying " + spec.name(), spec.size());
        try (InputStream in = openUncompressed(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; size <= spec.size()
                    && (n = in.read(buffer, 0, (int) Math.min(buffer.length, spec.size() + 1 - size))) >= 0; ) {
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
                size += n;
                progress.update(size);
            }
        } catch (EOFException | ZipException e) {
            return "not a whole gzip stream (" + (e.getMessage() == null ? "it ends early" : e.getMessage()) + ")";
        } finally {
            progress.end();
        }
        if (size != spec.size()) {
            return size > spec.size() ? "more than the expected " + spec.size() + " bytes"
                    : size + " bytes, expected " + spec.size();
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        return actual.equals(spec.sha256()) ? null
                : "SHA-256 " + actual + " does not match the pinned " + spec.sha256();
    }

    private static InputStream openUncompressed(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return IdxReader.isGzip(file) ? new GZIPInputStream(in, 1 << 16) : in;
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String names(List<DatasetKind.FileSpec> specs) {
        return String.join(", ", specs.stream().map(DatasetKind.FileSpec::name).toList());
    }
}
