package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz tests of the IDX reader: whatever a file holds, reading it gives data that match its header, or
 * an {@link IdxFormatException} whose message starts with the file's name; never another exception,
 * an {@link OutOfMemoryError} or a hang (the fuzzing run in {@code .ci/run} gives the JVM a small heap).
 *
 * <p>A normal build runs each test on its seed inputs only (Jazzer's regression mode): cut-down MNIST and
 * Fashion-MNIST files, raw and gzip-compressed, in {@code src/test/resources/org/jnn/mnist/
 * IdxReaderFuzzTestInputs}, and every input a fuzzing run found and saved there. {@code JAZZER_FUZZ=1}
 * fuzzes one of them (see {@code .ci/run}).
 */
class IdxReaderFuzzTest {

    @TempDir
    Path dir;

    /** Any bytes as a file: raw IDX, gzip-compressed IDX, or neither. */
    @FuzzTest
    @Timeout(10)
    void anyFile(byte[] content) throws IOException {
        IdxData data = read(Files.write(dir.resolve("fuzzed-idx"), content));
        boolean gzip = content.length >= 2 && content[0] == 0x1f && content[1] == (byte) 0x8b;
        if (data != null && !gzip) {
            assertArrayEquals(Arrays.copyOfRange(content, 4 + 4 * data.rank(), content.length), data.data(),
                    "a raw file's data are the bytes after its header");
        }
    }

    /**
     * Any bytes compressed with gzip: the fuzzer changes the IDX content rather than the compressed
     * stream, so the reader's gzip path sees headers and data of every kind. Its outcome must be the
     * raw path's for the same content: the same data, or a failure.
     */
    @FuzzTest
    @Timeout(10)
    void anyIdxContentGzipped(byte[] content) throws IOException {
        IdxData raw = read(Files.write(dir.resolve("raw-idx"), content));
        IdxData gzip = read(Files.write(dir.resolve("gzip-idx"), IdxFiles.gzip(content)));
        assertEquals(raw == null, gzip == null, "raw read " + raw + ", gzip read " + gzip);
        if (raw != null) {
            assertEquals(raw, gzip);
        }
    }

    /** The data read from {@code file}, checked against its header, or {@code null} if it was refused as it should be. */
    private static IdxData read(Path file) {
        IdxData data;
        try {
            data = IdxReader.read(file);
        } catch (IdxFormatException e) {
            assertTrue(e.getMessage().startsWith(file.getFileName() + ": "), e.getMessage());
            return null;
        }
        int[] dims = data.dimensions();
        assertTrue(dims.length >= 1 && dims.length <= 4, Arrays.toString(dims));
        long product = 1;
        for (int d : dims) {
            assertTrue(d > 0, Arrays.toString(dims));
            product *= d;
        }
        assertEquals(product, data.data().length, "the data hold what the header says");
        return data;
    }
}
