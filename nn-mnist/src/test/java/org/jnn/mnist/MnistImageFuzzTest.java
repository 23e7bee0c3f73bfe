package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz test of reading pictures for {@code nn predict}: whatever a file holds, the result is 784 grey
 * values in [0, 1], or an {@link java.io.IOException} (not a picture, damaged, too large) or an
 * {@link IllegalArgumentException} (blank) whose message starts with the file; never another exception
 * (the JDK's decoders throw some for damaged files: they must come out as IOExceptions), an
 * {@link OutOfMemoryError} or a hang. Seeds: a handwritten seven from MNIST as PNG, GIF, BMP and JPEG,
 * and a PNG declaring 30000×30000 pixels, in {@code src/test/resources/org/jnn/mnist/MnistImageFuzzTestInputs}.
 */
class MnistImageFuzzTest {

    /** Small, so that each input decodes fast; the limit itself is the same code at any size. */
    private static final long MAX_PIXELS = 64 * 64;

    @TempDir
    Path dir;

    @FuzzTest
    @Timeout(10)
    void anyFile(byte[] content) throws IOException {
        Path file = Files.write(dir.resolve("fuzzed-picture"), content);
        double[] pixels;
        try {
            pixels = MnistImage.read(file, MAX_PIXELS);
        } catch (IOException | IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            return;
        }
        assertEquals(MnistImage.SIZE * MnistImage.SIZE, pixels.length);
        for (int i = 0; i < pixels.length; i++) {
            assertTrue(pixels[i] >= 0 && pixels[i] <= 1, "pixel " + i + " is " + pixels[i]); // false for NaN too
        }
    }
}
