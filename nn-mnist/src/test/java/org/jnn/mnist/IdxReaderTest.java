package org.jnn.mnist;

import static org.jnn.mnist.IdxFiles.gzip;
import static org.jnn.mnist.IdxFiles.idx;
import static org.jnn.mnist.IdxFiles.images;
import static org.jnn.mnist.IdxFiles.labels;
import static org.jnn.mnist.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    @TempDir
    Path dir;

    /** Reads {@code file} expecting failure; checks the message starts with the name and holds each part. */
    private static IdxFormatException fails(Path file, IdxReader.Expect expect, String... parts) {
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxReader.read(file, expect, IdxReader.MAX_DATA_BYTES));
        String message = e.getMessage();
        assertTrue(message.startsWith(file.getFileName() + ": "), message);
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + message + "' should contain '" + part + "'");
        }
        assertEquals(file, e.file());
        return e;
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void readsLabelsAndImages(boolean gzip) throws Exception {
        IdxData labels = IdxReader.readLabels(write(dir, "labels", labels(3, 1, 4, 1, 5), gzip));
        assertArrayEquals(new int[] {5}, labels.dimensions());
        assertArrayEquals(new byte[] {3, 1, 4, 1, 5}, labels.data());

        IdxData images = IdxReader.readImages(write(dir, "images", images(2, 3, 4), gzip));
        assertArrayEquals(new int[] {2, 3, 4}, images.dimensions());
        assertEquals(24, images.data().length);
        assertEquals((byte) 50, images.data()[12]);
        assertEquals(images, IdxReader.read(dir.resolve("images")));
    }

    @Test
    void compressionIsRecognisedByContentNotName() throws Exception {
        // A raw file named .gz and a gzip file without the suffix both read.
        assertEquals(3, IdxReader.readLabels(write(dir, "raw-labels.gz", labels(1, 2, 3))).count());
        assertEquals(3, IdxReader.readLabels(write(dir, "gzip-labels", gzip(labels(1, 2, 3)))).count());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void wrongMagic(boolean gzip) {
        byte[] content = labels(1, 2, 3);
        content[0] = 0x12;
        content[1] = 0x34;
        fails(write(dir, "t10k-labels-idx1-ubyte", content, gzip), IdxReader.Expect.LABELS,
                "not an IDX file", "magic number 0x12340801", "expected 0x00000801");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void unsupportedElementType(boolean gzip) {
        Path file = write(dir, "floats-idx1", idx(0x0D, new int[] {1}, new byte[4]), gzip);
        fails(file, IdxReader.Expect.ANY, "unsupported element type 0x0D (32-bit float)",
                "only unsigned bytes");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void truncatedData(boolean gzip) {
        byte[] content = Arrays.copyOf(labels(new int[10]), 8 + 7);
        fails(write(dir, "t10k-labels-idx1-ubyte", content, gzip), IdxReader.Expect.LABELS,
                "header says 10 labels but the " + (gzip ? "decompressed data" : "file") + " holds 7");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void truncatedImages(boolean gzip) {
        byte[] content = images(3, 2, 2);
        content = Arrays.copyOf(content, content.length - 5);
        fails(write(dir, "train-images-idx3-ubyte", content, gzip), IdxReader.Expect.IMAGES,
                "header says 3 images of 2x2 pixels (12 bytes) but the", "holds 7 bytes");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void truncatedHeader(boolean gzip) {
        byte[] content = Arrays.copyOf(images(1, 2, 2), 10);
        fails(write(dir, "train-images-idx3-ubyte", content, gzip), IdxReader.Expect.IMAGES,
                "ends inside the IDX header");
    }

    @Test
    void headerClaimingMoreThanARawFileHoldsIsRefusedBeforeAllocating() {
        // 1,000,000 images of 28x28 would be 784 MB; the file has 10 bytes of pixels.
        Path file = write(dir, "train-images-idx3-ubyte", idx(0x08, new int[] {1_000_000, 28, 28}, new byte[10]));
        fails(file, IdxReader.Expect.IMAGES,
                "header says 1000000 images of 28x28 pixels (784000000 bytes) but the file holds 10 bytes");
    }

    @Test
    void headerClaimingMoreThanAGzipFileCanHoldIsRefusedBeforeAllocating() {
        Path file = write(dir, "train-images-idx3-ubyte.gz",
                gzip(idx(0x08, new int[] {1_000_000, 28, 28}, new byte[10])));
        fails(file, IdxReader.Expect.IMAGES, "header says 1000000 images of 28x28 pixels (784000000 bytes)",
                "more than a gzip file of");
    }

    @Test
    void gzipHeaderClaimingFarMoreThanItInflatesToFailsWithoutAllocatingTheClaim() {
        // 1 MiB of incompressible pixels behind a header claiming 1,000,000 images of 28x28 (784 MB): the
        // gzip file is large enough that DEFLATE could in principle hold that much, so only inflating
        // reveals the lie, and the reader must not allocate the 784 MB the header asks for.
        byte[] pixels = new byte[1 << 20];
        new Random(7).nextBytes(pixels);
        Path file = write(dir, "train-images-idx3-ubyte.gz",
                gzip(idx(0x08, new int[] {1_000_000, 28, 28}, pixels)));
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count the bytes a thread allocates");

        long before = threads.getCurrentThreadAllocatedBytes();
        fails(file, IdxReader.Expect.IMAGES, "header says 1000000 images of 28x28 pixels (784000000 bytes) but the"
                + " decompressed data holds 1048576 bytes");
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // A test heap is often big enough for 784 MB, so count the allocation rather than wait for an OOM.
        assertTrue(allocated < 64L << 20, "reading allocated " + allocated + " bytes for 1 MiB of data");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void headerBeyondTheHardLimit(boolean gzip) {
        Path file = write(dir, "huge-idx3", idx(0x08, new int[] {0x7fffffff, 0x7fffffff, 0x7fffffff}, new byte[4]),
                gzip);
        fails(file, IdxReader.Expect.IMAGES, "more than the limit of " + IdxReader.MAX_DATA_BYTES + " bytes");
    }

    @Test
    void rawFileWithTrailingBytes() {
        byte[] content = Arrays.copyOf(labels(1, 2, 3), 8 + 3 + 4);
        fails(write(dir, "train-labels-idx1-ubyte", content), IdxReader.Expect.LABELS,
                "header says 3 labels but the file holds 4 bytes more than that");
    }

    @Test
    void gzipStreamInflatingPastItsCap() {
        // The header promises 3 labels; the stream goes on with a megabyte of zeros.
        byte[] content = Arrays.copyOf(labels(1, 2, 3), 8 + 3 + (1 << 20));
        fails(write(dir, "train-labels-idx1-ubyte.gz", gzip(content)), IdxReader.Expect.LABELS,
                "the gzip stream inflates past the 11 bytes its header promises");
    }

    @Test
    void truncatedGzipStream() {
        byte[] compressed = gzip(images(20, 8, 8));
        Path file = write(dir, "t10k-images-idx3-ubyte.gz", Arrays.copyOf(compressed, compressed.length / 2));
        fails(file, IdxReader.Expect.IMAGES, "gzip stream is corrupt or truncated");
    }

    @Test
    void gzipFileThatEndsInsideItsHeader() {
        // Only the two magic bytes: the reader knows it is gzip, and the stream ends at once.
        IdxFormatException e = fails(write(dir, "t10k-labels-idx1-ubyte", new byte[] {0x1f, (byte) 0x8b}),
                IdxReader.Expect.LABELS, "the gzip stream is corrupt or truncated (it ends early)");
        assertFalse(e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void unreadableFileSaysPermissionDenied() throws Exception {
        Path file = write(dir, "t10k-labels-idx1-ubyte", labels(1, 2, 3));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "root reads every file whatever its permissions say");
        fails(file, IdxReader.Expect.LABELS, "cannot read the file: permission denied");
    }

    @Test
    void emptyFile() {
        fails(write(dir, "t10k-labels-idx1-ubyte", new byte[0]), IdxReader.Expect.LABELS, "the file is empty");
        fails(write(dir, "t10k-labels-idx1-ubyte.gz", new byte[0]), IdxReader.Expect.LABELS, "the file is empty");
    }

    @Test
    void fileNamedGzThatIsNotGzip() {
        Path file = write(dir, "train-labels-idx1-ubyte.gz", "<html>404 Not Found</html>".getBytes());
        fails(file, IdxReader.Expect.LABELS, "not an IDX file",
                "the name ends in .gz but the content is not gzip-compressed");
    }

    @Test
    void missingFile() {
        fails(dir.resolve("nowhere-idx1-ubyte"), IdxReader.Expect.LABELS, "file not found");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void wrongRankForWhatIsExpected(boolean gzip) {
        Path file = write(dir, "train-labels-idx1-ubyte", labels(1, 2), gzip);
        fails(file, IdxReader.Expect.IMAGES, "expected an images file with 3 dimensions but the header has 1");
    }

    @Test
    void zeroOrTooManyDimensions() {
        fails(write(dir, "zero-dims", idx(0x08, new int[0], new byte[0])), IdxReader.Expect.ANY,
                "bad number of dimensions 0");
        fails(write(dir, "zero-size", idx(0x08, new int[] {0}, new byte[0])), IdxReader.Expect.ANY,
                "dimension 1 of the header has size 0");
    }
}
