package org.jnn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz test of loading model files: whatever a file holds, {@link ModelFile#load} gives a model whose
 * parameters fit its layer sizes and are finite, or a {@link ModelFormatException} whose message starts
 * with the file's name; never another exception, an {@link OutOfMemoryError} (the fuzzing run in
 * {@code .ci/run} gives the JVM a small heap, so a header that makes the loader allocate what the file
 * does not hold shows) or a hang. Seeds: a small model saved by {@link ModelFile#save} and a PyTorch
 * {@code Sequential} file, in {@code src/test/resources/org/jnn/core/ModelFileFuzzTestInputs}.
 */
class ModelFileFuzzTest {

    @TempDir
    Path dir;

    @FuzzTest
    @Timeout(10)
    void anyFile(byte[] content) throws IOException {
        Path file = Files.write(dir.resolve("fuzzed.safetensors"), content);
        SavedModel model;
        try {
            model = ModelFile.load(file);
        } catch (ModelFormatException e) {
            assertTrue(e.getMessage().startsWith(file.getFileName() + ": "), e.getMessage());
            return;
        }
        Parameters p = model.parameters();
        int[] sizes = p.layerSizes();
        assertEquals(sizes.length - 1, p.layerCount());
        for (int l = 0; l < p.layerCount(); l++) {
            assertEquals((long) sizes[l] * sizes[l + 1], p.weights(l).length);
            assertEquals(sizes[l + 1], p.biases(l).length);
            for (double w : p.weights(l)) {
                assertTrue(Double.isFinite(w));
            }
            for (double b : p.biases(l)) {
                assertTrue(Double.isFinite(b));
            }
        }
    }
}
