package org.jnn.mnist;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jnn.core.io.AtomicFile;
import org.jnn.core.io.FileErrors;
import org.jnn.core.io.Sha256;

/**
 * Makes a data set's four files present and verified in its data folder, fetching what is missing.
 *
 * <p>Every file is checked against its pinned size and SHA-256 (of the uncompressed content) before it
 * is used. A cached file that fails is reported, moved aside to {@code <name>.corrupt} and fetched again.
 * Fetched files are decompressed and verified under a temporary name in the data folder and only then
 * renamed into place atomically ({@link AtomicFile}), so an interrupted fetch never leaves a file that
 * looks complete. Sources are tried in order until every file verifies. What happens is reported to a
 * {@link FetchProgress} the caller passes in; the fetcher itself prints nothing.
 *
 * <p><b>Several processes, one data folder.</b> When every file is there and good, and nothing in the
 * folder looks left over, the fetcher writes nothing, not even a lock. Otherwise checking again,
 * quarantining, fetching and placing happen under a {@link DataFolderLock} ({@code <folder>/.lock}): one
 * process at a time works on a folder, and one that waited finds the files good when its turn comes.
 * Each step also holds if another process has done it first (a file already moved aside, already
 * replaced), for file systems without locks.
 *
 * <p><b>Leftovers of a crash.</b> A fetch killed on the way leaves its scratch folder
 * ({@code .fetch-PID-RANDOM}) and perhaps a temporary file ({@code .NAME.PID.RANDOM.tmp}) behind. The
 * next fetch into the folder removes them, under the lock, once their process id says their process is
 * gone; a live process's are never touched. Leftovers named by earlier versions, without a process id
 * ({@code .fetch-DIGITS}, {@code .NAME.UUID.part}), are removed once they are an hour old.
 */
public final class DatasetFetcher {

    private static final String SCRATCH_PREFIX = ".fetch-";
    private static final Pattern SCRATCH = Pattern.compile("\\.fetch-(\\d{1,18})-[0-9a-f]{1,16}");
    // Files.createTempDirectory's names, and the .part files of versions before AtomicFile.
    private static final Pattern LEGACY_SCRATCH = Pattern.compile("\\.fetch-\\d+");
    private static final Pattern LEGACY_PART = Pattern.compile("\\..+\\.[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\\.part");

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
        if (allGoodAndNothingLeftOver(folder, files)) {
            return folder; // the usual case, checked without writing anything: no lock file either
        }
        Files.createDirectories(folder);
        DataFolderLock lock = DataFolderLock.acquire(folder, message -> progress.note(kind.displayName() + ": " + message));
        try {
            removeLeftovers(kind, folder, files);
            return ensureAvailableLocked(kind, folder, files);
        } finally {
            lock.close();
        }
    }

    /**
     * Whether every file is there and good and nothing looks like a fetch's scratch folder or temporary
     * file (another process's fetch under way, or a killed one's leftovers): then there is nothing to do.
     */
    private boolean allGoodAndNothingLeftOver(Path folder, List<DatasetKind.FileSpec> files) {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, p -> p.getFileName().toString()
                .startsWith("."))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(SCRATCH_PREFIX) || (name.endsWith(".tmp") || name.endsWith(".part"))
                        && files.stream().anyMatch(spec -> name.startsWith("." + spec.name() + "."))) {
                    return false;
                }
            }
        } catch (IOException e) {
            return false; // a folder that cannot be listed: the careful way will say what is wrong
        }
        for (DatasetKind.FileSpec spec : files) {
            Path file = folder.resolve(spec.name());
            if (!Files.isRegularFile(file) || problem(file, spec, progress) != null) {
                return false;
            }
        }
        return true;
    }

    private Path ensureAvailableLocked(DatasetKind kind, Path folder, List<DatasetKind.FileSpec> files)
            throws IOException {
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
                String error = e instanceof IOException io ? FileErrors.message(io)
                        : e.getMessage() == null ? e.toString() : e.getMessage();
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

    /**
     * Whether the cached file is good; a bad one is reported and moved aside, a hand-placed .gz unpacked.
     *
     * @throws FileSystemException if a folder (or anything but a file) is where the file or its
     *     quarantine belongs: it is the user's, so it is named rather than moved
     */
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
                progress.note(kind.displayName() + ": ignoring " + gz + ": " + FileErrors.reason(e));
                return false;
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new FileSystemException(file.toString(), null, "a folder (or something else that is not a file)"
                    + " is where this data file belongs; remove or rename it and the file will be fetched");
        }
        String problem = problem(file, spec, progress);
        if (problem == null) {
            return true;
        }
        Path aside = folder.resolve(spec.name() + ".corrupt");
        if (Files.exists(aside) && !Files.isRegularFile(aside)) {
            throw new FileSystemException(aside.toString(), null, "a folder (or something else that is not a file)"
                    + " is where the corrupt " + spec.name() + " is to be moved aside (" + problem
                    + "); remove or rename it");
        }
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException e) {
            // Another process moved it aside or replaced it first (where the folder cannot be locked).
            return false;
        }
        progress.note(kind.displayName() + ": " + file + " is corrupt (" + problem + "); moved it to " + aside
                + " and fetching it again");
        return false;
    }

    /**
     * Removes what fetches killed on the way left in {@code folder}: their scratch folders and
     * temporary files (see the class description for which count as left over).
     */
    private void removeLeftovers(DatasetKind kind, Path folder, List<DatasetKind.FileSpec> files) {
        List<Path> removed = new ArrayList<>();
        for (DatasetKind.FileSpec spec : files) {
            removed.addAll(AtomicFile.removeStaleTemporaries(folder.resolve(spec.name())));
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, p -> p.getFileName().toString()
                .startsWith("."))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Matcher scratch = SCRATCH.matcher(name);
                boolean stale = scratch.matches() ? processIsGone(Long.parseLong(scratch.group(1)))
                        : (LEGACY_SCRATCH.matcher(name).matches() || LEGACY_PART.matcher(name).matches())
                                && untouchedForAnHour(entry);
                if (stale && FileUtil.deleteRecursivelyIfPossible(entry)) {
                    removed.add(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Cleaning up is a courtesy: a folder that cannot be listed must not stop the fetch itself.
        }
        if (!removed.isEmpty()) {
            progress.note(kind.displayName() + ": removed what an interrupted fetch left in " + folder + ": "
                    + String.join(", ", removed.stream().map(p -> p.getFileName().toString()).sorted().toList()));
        }
    }

    private static boolean processIsGone(long pid) {
        return pid != ProcessHandle.current().pid() && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean untouchedForAnHour(Path file) throws IOException {
        return Files.getLastModifiedTime(file).toInstant().isBefore(Instant.now().minus(Duration.ofHours(1)));
    }

    /** A new scratch folder {@code .fetch-PID-RANDOM} in {@code folder}, named so a later fetch can tell when it is stale. */
    private static Path createScratch(Path folder) throws IOException {
        while (true) {
            String name = SCRATCH_PREFIX + ProcessHandle.current().pid() + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong());
            try {
                return Files.createDirectory(folder.resolve(name));
            } catch (FileAlreadyExistsException e) {
                // one chance in 2^64: draw again
            }
        }
    }

    /** Lets {@code source} fill a scratch folder, then installs each missing file that verifies. */
    private void fetchFrom(DataSource source, DatasetKind kind, Path folder, List<DatasetKind.FileSpec> missing)
            throws IOException {
        Path scratch = createScratch(folder);
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
                    problems.add(FileErrors.message(e));
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
            FileUtil.deleteRecursivelyIfPossible(scratch);
        }
    }

    /**
     * Decompresses (if gzip) {@code delivered} to a temporary file beside {@code target}, verifies its size
     * and SHA-256, and renames it to {@code target} atomically.
     */
    private void install(Path delivered, DatasetKind.FileSpec spec, Path target) throws IOException {
        AtomicFile.write(target, out -> {
            String problem = check(delivered, spec, out, progress);
            if (problem != null) {
                throw new IOException(spec.name() + ": " + problem);
            }
        });
    }

    /** What is wrong with {@code file} (raw or gzip) compared with its pin, or {@code null} if nothing. */
    static String problem(Path file, DatasetKind.FileSpec spec) {
        return problem(file, spec, FetchProgress.NONE);
    }

    private static String problem(Path file, DatasetKind.FileSpec spec, FetchProgress progress) {
        try {
            return check(file, spec, OutputStream.nullOutputStream(), progress);
        } catch (IOException e) {
            return "cannot read it: " + FileErrors.reason(e);
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
        MessageDigest digest = Sha256.newDigest();
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
        String actual = Sha256.hex(digest);
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

    private static String names(List<DatasetKind.FileSpec> specs) {
        return String.join(", ", specs.stream().map(DatasetKind.FileSpec::name).toList());
    }
}
