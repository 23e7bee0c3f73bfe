package org.jnn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jnn.core.io.Processes;
import org.jnn.core.io.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    @TempDir
    Path dir;

    private final Parameters parameters = Parameters.heInitialized(new int[] {5, 4, 3}, 99);

    private Path saved() throws IOException {
        Path file = dir.resolve("model.safetensors");
        ModelFile.save(file, parameters, Map.of("learning_rate", "0.01", "backend", "ejml", "test_accuracy", "0.852"));
        return file;
    }

    private void assertRejected(byte[] bytes, String... phrases) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().startsWith("bad.safetensors: "), e.getMessage());
        for (String phrase : phrases) {
            assertTrue(e.getMessage().contains(phrase), "expected '" + phrase + "' in: " + e.getMessage());
        }
    }

    private SavedModel load(byte[] bytes) throws IOException {
        Path file = dir.resolve("other.safetensors");
        Files.write(file, bytes);
        return ModelFile.load(file);
    }

    /** The file as text, one character per byte, so that edits keep every offset. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] replaced(byte[] bytes, String old, String replacement) {
        assertEquals(old.length(), replacement.length(), "an edit that keeps the header's length");
        String text = latin1(bytes);
        assertTrue(text.contains(old), "the file holds " + old);
        return text.replace(old, replacement).getBytes(StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ files this library writes

    @Test
    void roundTripIsBitIdenticalAndKeepsMetadata() throws IOException {
        SavedModel model = ModelFile.load(saved());
        assertEquals(parameters, model.parameters());
        assertEquals("0.01", model.metadata().get("learning_rate"));
        assertEquals("5,4,3", model.metadata().get(ModelFile.LAYER_SIZES_KEY));
        assertEquals(ModelFile.FORMAT, model.metadata().get(ModelFile.FORMAT_KEY));
        assertTrue(model.metadata().get(ModelFile.CHECKSUM_COVERS_KEY).contains("metadata"));
        assertEquals(List.of(), model.notes(), "a file of the current format is verified whole");
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

    @Test
    void savedModelHasThePermissionsOfAnyNewFile() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path ordinary = Files.createFile(dir.resolve("ordinary"));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(ordinary)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(saved())));
    }

    @Test
    void saveRemovesTheTemporaryOfASaveThatWasKilled() throws Exception {
        Path stale = Files.write(dir.resolve(".model.safetensors." + Processes.deadProcessId() + ".0123456789abcdef.tmp"),
                new byte[1000]);
        saved();
        assertFalse(Files.exists(stale));
    }

    @Test
    void nullMetadataValueIsRejectedInsteadOfDropped() {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("dataset", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFile.save(dir.resolve("m.safetensors"), parameters, metadata));
        assertTrue(e.getMessage().contains("'dataset' has a null value"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    @Test
    void reservedMetadataKeysAreRejected() {
        for (String key : List.of(ModelFile.FORMAT_KEY, ModelFile.CHECKSUM_KEY, ModelFile.LEGACY_CHECKSUM_KEY)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelFile.save(dir.resolve("m.safetensors"), parameters, Map.of(key, "x")));
            assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ what the checksum covers

    @Test
    void changedWeightIsDetectedByTheChecksum() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        bytes[bytes.length - 20] ^= 1;
        assertRejected(bytes, "does not match the checksum", "metadata or tensors");
    }

    @Test
    void changedMetadataValueIsDetectedByTheChecksum() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        // Valid JSON of the same length: only the checksum can tell.
        assertRejected(replaced(bytes, "\"test_accuracy\":\"0.852\"", "\"test_accuracy\":\"0.952\""),
                "does not match the checksum in its header ('jnn_checksum_sha256')");
    }

    @Test
    void tensorsSwappedInTheHeaderAreDetectedByTheChecksum() throws IOException {
        // 2.weight and 4.weight have the same shape, so swapping their byte ranges keeps the file well formed.
        Path file = dir.resolve("model.safetensors");
        ModelFile.save(file, Parameters.heInitialized(new int[] {3, 4, 4, 4}, 1), Map.of());
        String text = latin1(Files.readAllBytes(file));
        assertTrue(text.contains("[128,256]") && text.contains("[288,416]"), text.substring(0, 400));
        String swapped = text.replace("[128,256]", "[XXX]").replace("[288,416]", "[128,256]").replace("[XXX]", "[288,416]");
        assertRejected(swapped.getBytes(StandardCharsets.ISO_8859_1), "does not match the checksum");
    }

    @Test
    void checksumIgnoresJsonLayoutAndWhereTheTensorsLie() throws IOException {
        // The same content written as another program might: spaces in the JSON, the data in reverse order.
        SavedModel original = ModelFile.load(saved());
        HandBuiltSafetensors rewritten = new HandBuiltSafetensors().metadata(new LinkedHashMap<>(original.metadata()));
        for (int l = 0; l < parameters.layerCount(); l++) {
            rewritten.tensor(l * 2 + ".weight", "F64", new long[] {parameters.layerSizes()[l + 1], parameters.layerSizes()[l]},
                    parameters.weights(l));
            rewritten.tensor(l * 2 + ".bias", "F64", new long[] {parameters.layerSizes()[l + 1]}, parameters.biases(l));
        }
        assertEquals(parameters, load(rewritten.dataInReverse().bytes()).parameters());
    }

    @Test
    void fileWhoseChecksumWasRemovedIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        bytes[bytes.length - 20] ^= 1; // an edit the checksum would reveal, so the checksum goes too
        String text = latin1(bytes);
        Matcher entry = Pattern.compile("\"" + ModelFile.CHECKSUM_KEY + "\":\"[0-9a-f]{64}\",").matcher(text);
        assertTrue(entry.find(), "the header holds the checksum entry: " + text.substring(0, 200));
        // Blanked out rather than cut, so the header keeps its length and stays valid JSON.
        String withoutChecksum = text.substring(0, entry.start()) + " ".repeat(entry.end() - entry.start())
                + text.substring(entry.end());
        assertRejected(withoutChecksum.getBytes(StandardCharsets.ISO_8859_1),
                "the metadata has no 'jnn_checksum_sha256' checksum, so the file cannot be verified");
    }

    @Test
    void fileOfTheFormerFormatIsReadWithANoteThatItsMetadataIsUnverified() throws IOException {
        HandBuiltSafetensors v1 = new HandBuiltSafetensors();
        ByteBuffer data = ByteBuffer.allocate(8 * (int) parameters.count()).order(ByteOrder.LITTLE_ENDIAN);
        for (int l = 0; l < parameters.layerCount(); l++) {
            int[] s = parameters.layerSizes();
            v1.tensor(l * 2 + ".weight", "F64", new long[] {s[l + 1], s[l]}, parameters.weights(l));
            v1.tensor(l * 2 + ".bias", "F64", new long[] {s[l + 1]}, parameters.biases(l));
            Arrays.stream(parameters.weights(l)).forEach(data::putDouble);
            Arrays.stream(parameters.biases(l)).forEach(data::putDouble);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "jnn-mlp-1");
        metadata.put("layer_sizes", "5,4,3");
        metadata.put("data_sha256", Sha256.hex(data.array()));
        metadata.put("test_accuracy", "0.852");
        byte[] bytes = v1.metadata(metadata).bytes();

        SavedModel model = load(bytes);
        assertEquals(parameters, model.parameters());
        assertEquals(1, model.notes().size());
        assertTrue(model.notes().get(0).contains("jnn-mlp-1 file: its checksum covers the tensors but not the metadata"),
                model.notes().get(0));
        bytes[bytes.length - 20] ^= 1;
        assertRejected(bytes, "does not match the checksum in its header ('data_sha256')");
    }

    @Test
    void fileOfANewerFormatIsRejected() throws IOException {
        byte[] bytes = replaced(Files.readAllBytes(saved()), "\"jnn-mlp-2\"", "\"jnn-mlp-9\"");
        assertRejected(bytes, "jnn-mlp-9, a format this version does not know");
    }

    // ------------------------------------------------------------------ damaged and crafted files

    @Test
    void truncatedFileIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(saved());
        assertRejected(Arrays.copyOf(bytes, bytes.length - 8), "truncated");
        assertRejected(Arrays.copyOf(bytes, 5), "too few");
        assertRejected(Arrays.copyOf(bytes, 40), "truncated");
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
    void editedShapeIsRejected() throws IOException {
        byte[] bytes = replaced(Files.readAllBytes(saved()), "\"shape\":[4,5]", "\"shape\":[5,4]");
        assertRejected(bytes, "has shape [5, 4]");
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        assertRejected(new byte[0], "0 bytes");
    }

    @Test
    void layerSizesThatOverflowAnIntAreRejectedBeforeAnythingIsAllocated() throws IOException {
        Map<String, String> metadata = Map.of("format", "jnn-mlp-2", "layer_sizes", "784,3000000,10",
                "jnn_checksum_sha256", "0".repeat(64));
        byte[] bytes = new HandBuiltSafetensors().metadata(metadata)
                .tensor("0.weight", "F64", new long[] {3_000_000, 784}).bytes();
        assertRejected(bytes, "'layer_sizes' is '784,3000000,10'", "layer 0 maps 784 inputs to 3,000,000 outputs",
                "2,352,000,000 weights");
    }

    @Test
    void hugeTensorsTheFileDoesNotHoldAreRejectedBeforeAnythingIsAllocated() throws IOException {
        // 784 × 1,000,000 weights fit an array, but 6.3 GB of them would exhaust the test's heap if allocated.
        byte[] header = ("{\"__metadata__\":{\"format\":\"jnn-mlp-2\",\"layer_sizes\":\"784,1000000,10\","
                + "\"jnn_checksum_sha256\":\"" + "0".repeat(64) + "\"},"
                + "\"0.weight\":{\"dtype\":\"F64\",\"shape\":[1000000,784],\"data_offsets\":[0,6272000000]},"
                + "\"0.bias\":{\"dtype\":\"F64\",\"shape\":[1000000],\"data_offsets\":[6272000000,6280000000]},"
                + "\"2.weight\":{\"dtype\":\"F64\",\"shape\":[10,1000000],\"data_offsets\":[6280000000,6360000000]},"
                + "\"2.bias\":{\"dtype\":\"F64\",\"shape\":[10],\"data_offsets\":[6360000000,6360000080]}}")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + header.length + 64).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length).put(header);
        assertRejected(file.array(), "the header describes 6360000080 bytes of tensors but 64 follow it", "truncated");
        // The same claim in a file without jnn metadata.
        String torch = latin1(header).replaceFirst("\\{\"__metadata__\":\\{[^}]*\\},", "{");
        byte[] torchHeader = torch.getBytes(StandardCharsets.ISO_8859_1);
        file = ByteBuffer.allocate(8 + torchHeader.length + 64).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(torchHeader.length).put(torchHeader);
        assertRejected(file.array(), "the header describes 6360000080 bytes of tensors but 64 follow it");
    }

    @Test
    void fileWithThisLibrarysKeysButNoFormatIsRejected() throws IOException {
        byte[] bytes = replaced(Files.readAllBytes(saved()), "\"format\":\"jnn-mlp-2\"", "\"formxt\":\"jnn-mlp-2\"");
        assertRejected(bytes, "which only this library writes, but no 'format'");
    }

    // ------------------------------------------------------------------ PyTorch files without jnn metadata

    /** The values of a 3-4-2 network, none of them exactly representable in float. */
    private static double[] values(int count, double scale) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = scale * (i - count / 2.0) + 0.1;
        }
        return v;
    }

    private static double[] asFloats(double[] values) {
        double[] widened = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            widened[i] = (float) values[i];
        }
        return widened;
    }

    private static HandBuiltSafetensors torch342(String dtype) {
        return new HandBuiltSafetensors()
                .tensor("0.weight", dtype, new long[] {4, 3}, values(12, 0.1))
                .tensor("0.bias", dtype, new long[] {4}, values(4, 0.01))
                .tensor("2.weight", dtype, new long[] {2, 4}, values(8, -0.2))
                .tensor("2.bias", dtype, new long[] {2}, values(2, 0.03));
    }

    @Test
    void pyTorchF32FileWithoutMetadataIsReadAsLinearReluLayers() throws IOException {
        SavedModel model = load(torch342("F32").bytes());
        Parameters expected = Parameters.of(new int[] {3, 4, 2}, List.of(asFloats(values(12, 0.1)), asFloats(values(8, -0.2))),
                List.of(asFloats(values(4, 0.01)), asFloats(values(2, 0.03))));
        assertEquals(expected, model.parameters());
        assertEquals(Map.of(), model.metadata());
        assertEquals(List.of("a PyTorch file without jnn metadata: read as Linear layers 0, 2 with ReLU between them"
                + " and a softmax output; layer sizes 3-4-2; F32 values widened to double; no checksum to verify"),
                model.notes());
    }

    @Test
    void pyTorchFileWithANaNWeightIsRejected() throws IOException {
        double[] weights = values(8, -0.2);
        weights[5] = Double.NaN;
        byte[] bytes = new HandBuiltSafetensors()
                .tensor("0.weight", "F64", new long[] {4, 3}, values(12, 0.1))
                .tensor("0.bias", "F64", new long[] {4}, values(4, 0.01))
                .tensor("2.weight", "F64", new long[] {2, 4}, weights)
                .tensor("2.bias", "F64", new long[] {2}, values(2, 0.03)).bytes();
        assertRejected(bytes, "tensor '2.weight' holds NaN at element 5", "only finite weights");
    }

    @Test
    void tensorsWhoseBytesOverlapAreRejected() throws IOException {
        byte[] bytes = replaced(torch342("F64").bytes(), "[96, 128]", "[88, 120]"); // 0.bias reaches into 0.weight
        assertRejected(bytes, "tensor data overlap or leave a gap at byte 88");
    }

    @Test
    void pyTorchF64FileWithForeignMetadataIsReadBitForBit() throws IOException {
        HandBuiltSafetensors file = new HandBuiltSafetensors().metadata(Map.of("format", "pt"))
                .tensor("0.weight", "F64", new long[] {4, 5}, values(20, 0.1))
                .tensor("0.bias", "F64", new long[] {4}, values(4, 0.01))
                .tensor("2.weight", "F64", new long[] {3, 4}, values(12, 0.3))
                .tensor("2.bias", "F64", new long[] {3}, values(3, 0.02))
                .tensor("4.weight", "F64", new long[] {2, 3}, values(6, -0.2))
                .tensor("4.bias", "F64", new long[] {2}, values(2, 0.03))
                .dataInReverse();
        SavedModel model = load(file.bytes());
        assertEquals(Parameters.of(new int[] {5, 4, 3, 2}, List.of(values(20, 0.1), values(12, 0.3), values(6, -0.2)),
                List.of(values(4, 0.01), values(3, 0.02), values(2, 0.03))), model.parameters());
        assertEquals(Map.of("format", "pt"), model.metadata());
        assertEquals(List.of("a PyTorch file without jnn metadata: read as Linear layers 0, 2, 4 with ReLU between them"
                + " and a softmax output; layer sizes 5-4-3-2; no checksum to verify"), model.notes());
    }

    @Test
    void pyTorchFileWithOneLinearLayer() throws IOException {
        SavedModel model = load(new HandBuiltSafetensors().metadata(Map.of())
                .tensor("0.weight", "F64", new long[] {2, 3}, values(6, 1))
                .tensor("0.bias", "F64", new long[] {2}, values(2, 1)).bytes());
        assertEquals(List.of("a PyTorch file without jnn metadata: read as one Linear layer (0) with a softmax output;"
                + " layer sizes 3-2; no checksum to verify"), model.notes());
    }

    @Test
    void pyTorchLayersWhoseShapesDoNotChainAreRejected() throws IOException {
        byte[] bytes = new HandBuiltSafetensors()
                .tensor("0.weight", "F32", new long[] {4, 3}, values(12, 0.1))
                .tensor("0.bias", "F32", new long[] {4}, values(4, 0.1))
                .tensor("2.weight", "F32", new long[] {2, 5}, values(10, 0.1))
                .tensor("2.bias", "F32", new long[] {2}, values(2, 0.1)).bytes();
        assertRejected(bytes, "'2.weight' (shape [2, 5]) takes 5 inputs but '0.weight' (shape [4, 3]) gives 4 outputs;"
                + " the layers do not chain");
    }

    /** A 3-4-2 network whose second Linear layer sits at {@code position} of the Sequential. */
    private static byte[] secondLinearLayerAt(int position) {
        return new HandBuiltSafetensors()
                .tensor("0.weight", "F32", new long[] {4, 3}, values(12, 0.1))
                .tensor("0.bias", "F32", new long[] {4}, values(4, 0.1))
                .tensor(position + ".weight", "F32", new long[] {2, 4}, values(8, 0.1))
                .tensor(position + ".bias", "F32", new long[] {2}, values(2, 0.1)).bytes();
    }

    @Test
    void pyTorchLinearLayerAtAnOddPositionIsRejected() throws IOException {
        assertEquals(List.of(3, 4, 2), Arrays.stream(load(secondLinearLayerAt(2)).parameters().layerSizes()).boxed().toList());
        assertRejected(secondLinearLayerAt(1), "tensor '1.weight' sits at position 1 of the Sequential",
                "even positions 0, 2, 4");
        assertRejected(secondLinearLayerAt(4), "Linear layers at positions 0, 4 but none at 2");
    }

    @Test
    void pyTorchBiasOfTheWrongLengthIsRejected() throws IOException {
        byte[] bytes = new HandBuiltSafetensors()
                .tensor("0.weight", "F64", new long[] {4, 3}, values(12, 0.1))
                .tensor("0.bias", "F64", new long[] {5}, values(5, 0.1)).bytes();
        assertRejected(bytes, "'0.bias' has shape [5] but '0.weight' (shape [4, 3]) has 4 outputs");
        byte[] missing = new HandBuiltSafetensors().tensor("0.weight", "F64", new long[] {4, 3}, values(12, 0.1)).bytes();
        assertRejected(missing, "'0.weight' has no '0.bias'");
    }

    @Test
    void pyTorchTensorOfAnUnknownDtypeIsRejected() throws IOException {
        byte[] bytes = new HandBuiltSafetensors()
                .tensor("0.weight", "F16", new long[] {4, 3}, values(12, 0.1))
                .tensor("0.bias", "F16", new long[] {4}, values(4, 0.1)).bytes();
        assertRejected(bytes, "tensor '0.weight' has dtype F16; only F64 and F32 are supported", "model.double()");
    }

    @Test
    void pyTorchShapesTooLargeForALayerAreRejectedBeforeAnythingIsAllocated() throws IOException {
        byte[] wide = new HandBuiltSafetensors()
                .tensor("0.weight", "F32", new long[] {3_000_000, 784})
                .tensor("0.bias", "F32", new long[] {3_000_000}).bytes();
        assertRejected(wide, "the tensors' shapes give layer sizes 784,3000000", "2,352,000,000 weights");
        byte[] beyondInt = new HandBuiltSafetensors()
                .tensor("0.weight", "F32", new long[] {3_000_000_000L, 1})
                .tensor("0.bias", "F32", new long[] {3_000_000_000L}).bytes();
        assertRejected(beyondInt, "'0.weight' has shape [3000000000, 1], more units than a layer can have");
    }

    @Test
    void pyTorchFileWithOtherTensorsIsRejected() throws IOException {
        byte[] batchNorm = torch342("F32").tensor("1.running_mean", "F32", new long[] {4}, values(4, 0.1)).bytes();
        assertRejected(batchNorm, "tensor '1.running_mean' is not the weight or bias of a Linear layer",
                "nn.Sequential(Linear, ReLU, Linear, ...)");
        byte[] foreign = new HandBuiltSafetensors().tensor("w", "F64", new long[] {1}, 1.0).bytes();
        assertRejected(foreign, "tensor 'w' is not the weight or bias of a Linear layer");
    }
}
