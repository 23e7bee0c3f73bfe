package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jnn.core.ModelFile;
import org.jnn.core.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nn info} on files that did not come from {@code nn train}: what the file has, and what the reader assumed. */
class InfoCommandTest {

    @TempDir
    Path work;

    @Test
    void aPyTorchFileShowsItsLayersAndTheReadersAssumption() throws IOException {
        Path file = torchSequential(work.resolve("torch.safetensors"), 784, 12, 10);
        CliRun run = CliRun.of("info", file.toString(), "--json");
        assertEquals(0, run.status(), run::toString);
        Map<String, Object> json = run.json();
        assertEquals(List.of(784, 12, 10), json.get("layers"));
        assertEquals(List.of("relu"), json.get("activations"));
        assertEquals(784 * 12 + 12 + 12 * 10 + 10, ((Number) json.get("parameters")).intValue());
        List<?> notes = (List<?>) json.get("notes");
        assertEquals(1, notes.size(), json::toString);
        assertTrue(run.err().contains("safetensors without jnn metadata"), run::toString);
        assertTrue(run.err().contains("note         " + notes.get(0)), run::toString);
        assertFalse(run.err().contains("checksum verified"), "a PyTorch file has no checksum:\n" + run);
    }

    @Test
    void aModelSavedWithoutTrainingSettingsShowsItsNetworkAndItsOwnMetadata() throws IOException {
        Path file = work.resolve("plain.safetensors");
        ModelFile.save(file, Parameters.heInitialized(new int[] {784, 8, 10}, 1), Map.of("author", "a test"));
        CliRun run = CliRun.of("info", file.toString());
        assertEquals(0, run.status(), run::toString);
        assertTrue(run.out().contains("784-8(relu)-10, softmax output; 6,370 parameters"), run::toString);
        assertTrue(run.out().contains("author       a test"), run::toString);
        assertFalse(run.out().contains("training "), "nothing about training it does not record:\n" + run);
    }

    /** A safetensors file as PyTorch saves an {@code nn.Sequential(Linear, ReLU, Linear, ...)}: F32, no metadata. */
    private static Path torchSequential(Path file, int... sizes) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        int tensors = 0;
        for (int l = 0; l < sizes.length - 1; l++) {
            long weights = 4L * sizes[l] * sizes[l + 1];
            long biases = 4L * sizes[l + 1];
            header.append(tensors++ == 0 ? "" : ",").append(String.format("\"%d.weight\":{\"dtype\":\"F32\",\"shape\":[%d,%d],"
                    + "\"data_offsets\":[%d,%d]}", 2 * l, sizes[l + 1], sizes[l], offset, offset + weights));
            offset += weights;
            header.append(String.format(",\"%d.bias\":{\"dtype\":\"F32\",\"shape\":[%d],\"data_offsets\":[%d,%d]}",
                    2 * l, sizes[l + 1], offset, offset + biases));
            offset += biases;
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json);
        for (int i = 0; i < offset / 4; i++) {
            bytes.putFloat((float) Math.sin(i) / 10);
        }
        return Files.write(file, bytes.array());
    }
}
