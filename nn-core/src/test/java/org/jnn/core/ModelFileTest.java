package org.jnn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    @TempDir
    Path dir;

    private final Parameters parameters = Parameters.heInitialized(new int[] {5, 4, 3}, 99);

    private Path saved() throws IOException {
        Path file = dir.resolve("model.safetensors");
        ModelFile.save(file, parameters, Map.of("learning_rate", "0.01", "backend", "ejml"));
        return file;
    }

    @Test
    void roundTripIsBitIdenticalAndKeepsMetadata() throws IOException {
        SavedModel model = ModelFile.load(saved());
        assertEquals(parameters, model.parameters());
        assertEquals("0.01", model.metadata().get("learning_rate"));
        assertEquals("5,4,3", model.metadata().get(ModelFile.LAYER_SIZES_KEY));
    }

    @Test
    void fileIsSafetensorsWithPyTorchSequentialNames() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8, "tensor data start 8-byte aligned");
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"0.weight\":{\"dtype\":\"F64\",\"shape\":[4,5],\"data_offsets\":[0,160]}"), header);
        assertTrue(header.contains("\"2.bias\""), header);
        assertEquals(8 + headerLength + 8 * parameters.count(), bytes.length);
    }

    @Test
    void savingAgainReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = saved();
        Parameters other = Parameters.heInitialized(new int[] {5, 4, 3}, 100);
        ModelFile.save(file, other, Map.of());
        assertEquals(other, ModelFile.load(file).parameters());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the model itself remains");
        }
    }

    @Test
    void failedSaveLeavesNoTemporaryFile() throws IOException {
        Path blocker = dir.resolve("model.safetensors");
        Files.createDirectories(blocker.resolve("occupied"));
        assertThrows(IOException.class, () -> ModelFile.save(blocker, parameters, Map.of()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the blocking directory remains");
        }
    }

    private void assertRejected(byte[] bytes, String phrase) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().startsWith("bad.safetensors: "), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), "expected '" + phrase + "' in: " + e.getMessage());
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        assertRejected(Arrays.copyOf(bytes, bytes.length - 8), "truncated");
        assertRejected(Arrays.copyOf(bytes, 5), "too few");
        assertRejected(Arrays.copyOf(bytes, 40), "truncated");
    }

    @Test
    void changedWeightIsDetectedByTheChecksum() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        bytes[bytes.length - 20] ^= 1;
        assertRejected(bytes, "checksum");
    }

    @Test
    void fileWhoseChecksumWasRemovedIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        bytes[bytes.length - 20] ^= 1; // an edit the checksum would reveal, so the checksum goes too
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        Matcher entry = Pattern.compile("\"" + ModelFile.SHA256_KEY + "\":\"[0-9a-f]{64}\",").matcher(text);
        assertTrue(entry.find(), "the header holds the checksum entry: " + text.substring(0, 200));
        // Blanked out rather than cut, so the header keeps its length and stays valid JSON.
        String withoutChecksum = text.substring(0, entry.start()) + " ".repeat(entry.end() - entry.start())
                + text.substring(entry.end());
        assertRejected(withoutChecksum.getBytes(StandardCharsets.ISO_8859_1),
                "the metadata has no 'data_sha256' checksum, so the tensor data cannot be verified");
    }

    @Test
    void absurdHeaderLengthIsRejectedWithoutAllocating() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE / 2);
        assertRejected(bytes, "header length field");
    }

    @Test
    void headerThatIsNotJsonIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        bytes[8] = '#';
        assertRejected(bytes, "not valid JSON");
    }

    @Test
    void safetensorsFileOfAnotherProgramIsRejected() throws IOException {
        byte[] json = "{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json).putDouble(1.0);
        assertRejected(file.array(), "__metadata__");
    }

    @Test
    void editedShapeIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("\"shape\":[4,5]", "\"shape\":[5,4]");
        assertRejected(text.getBytes(StandardCharsets.ISO_8859_1), "has shape [5, 4]");
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        assertRejected(new byte[0], "0 bytes");
    }
}
