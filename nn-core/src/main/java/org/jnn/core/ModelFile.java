package org.jnn.core;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Saves and loads networks as <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * files: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
 * byte range, then the tensors' little-endian bytes. Any safetensors reader (Python's
 * {@code safetensors}, Rust, JavaScript) can open them.
 *
 * <p>Tensors are named as in a PyTorch {@code nn.Sequential} of {@code Linear} and {@code ReLU}
 * modules, so {@code model.load_state_dict(safetensors.torch.load_file(path))} works there: layer
 * {@code l} is {@code "<2l>.weight"} ({@code outputs × inputs}) and {@code "<2l>.bias"}. Weights are
 * stored as F64, so a model moves between backends bit for bit; F32 files are accepted on loading.
 *
 * <p>The header's {@code __metadata__} holds {@value #FORMAT_KEY} = {@value #FORMAT},
 * {@value #LAYER_SIZES_KEY} (e.g. {@code 784,200,200,10}), {@value #SHA256_KEY} (SHA-256 of the tensor
 * bytes, so corruption and edits are detected; a file without it is refused, since removing it would
 * otherwise hide an edit), and whatever the caller adds (training settings).
 *
 * <p>Saving writes a temporary file in the target's directory and moves it into place, so a crash
 * while saving never destroys the previous model.
 */
public final class ModelFile {

    public static final String FORMAT_KEY = "format";
    public static final String FORMAT = "jnn-mlp-1";
    public static final String LAYER_SIZES_KEY = "layer_sizes";
    public static final String SHA256_KEY = "data_sha256";

    /** Headers beyond this are not model files; refusing them keeps a corrupt length from allocating gigabytes. */
    private static final long MAX_HEADER_BYTES = 16L << 20;

    private ModelFile() {
    }

    /**
     * Writes {@code parameters} and {@code metadata} to {@code file}, atomically.
     *
     * @param metadata extra string pairs (training settings, accuracy); keys of this class's own
     *     entries are reserved
     * @throws IOException if the file cannot be written; the previous file, if any, is then unchanged
     */
    public static void save(Path file, Parameters parameters, Map<String, String> metadata) throws IOException {
        for (String reserved : List.of(FORMAT_KEY, LAYER_SIZES_KEY, SHA256_KEY)) {
            if (metadata.containsKey(reserved)) {
                throw new IllegalArgumentException("metadata key '" + reserved + "' is reserved for the file format");
            }
        }
        int layers = parameters.layerCount();
        int[] sizes = parameters.layerSizes();
        List<double[]> tensors = new ArrayList<>();
        Map<String, Object> header = new LinkedHashMap<>();
        long offset = 0;
        for (int l = 0; l < layers; l++) {
            double[] w = parameters.weights(l);
            double[] b = parameters.biases(l);
            header.put(tensorName(l, "weight"), tensorEntry(List.of(sizes[l + 1], sizes[l]), offset, offset + 8L * w.length));
            offset += 8L * w.length;
            header.put(tensorName(l, "bias"), tensorEntry(List.of(sizes[l + 1]), offset, offset + 8L * b.length));
            offset += 8L * b.length;
            tensors.add(w);
            tensors.add(b);
        }
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(offset)).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] tensor : tensors) {
            data.asDoubleBuffer().put(tensor);
            data.position(data.position() + 8 * tensor.length);
        }
        Map<String, String> meta = new TreeMap<>(metadata);
        meta.put(FORMAT_KEY, FORMAT);
        meta.put(LAYER_SIZES_KEY, joinSizes(sizes));
        meta.put(SHA256_KEY, HexFormat.of().formatHex(sha256(data.array())));
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("__metadata__", meta);
        full.putAll(header);
        byte[] json = JSON.std.asString(full).getBytes(StandardCharsets.UTF_8);
        // Pad the header with spaces so the tensor data start 8-byte aligned, as the format recommends.
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);

        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                out.write(prefix.array());
                out.write(headerBytes);
                out.write(data.array());
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Reads a model written by {@link #save} (or any safetensors file with the same tensors and
     * metadata).
     *
     * @throws ModelFormatException if the file is truncated, corrupt, tampered with or not such a
     *     model; the message names the file and the problem
     * @throws IOException if it cannot be read at all
     */
    public static SavedModel load(Path file) throws IOException {
        long size = Files.size(file);
        if (size < 8) {
            throw new ModelFormatException(file, "the file holds " + size + " bytes, too few for a safetensors header");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, prefix, file);
            long headerLength = prefix.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw new ModelFormatException(file, "the header length field says " + headerLength
                        + " bytes but the file holds " + (size - 8) + " after it; the file is truncated or not a safetensors file");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, file);
            Map<String, Object> header;
            try {
                header = JSON.std.mapFrom(new String(headerBytes.array(), StandardCharsets.UTF_8).strip());
            } catch (IOException | RuntimeException e) {
                throw new ModelFormatException(file, "the header is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            long dataLength = size - 8 - headerLength;
            if (dataLength > Integer.MAX_VALUE) {
                throw new ModelFormatException(file, "holds " + dataLength + " bytes of tensors, more than a model of this library can have");
            }
            Map<String, String> metadata = readMetadata(file, header);
            String expectedHash = metadata.get(SHA256_KEY);
            if (expectedHash == null) {
                // Every file this format writes has one; without it an edited file would pass unnoticed.
                throw new ModelFormatException(file, "the metadata has no '" + SHA256_KEY + "' checksum, so the"
                        + " tensor data cannot be verified; the file is incomplete or was modified");
            }
            int[] sizes = parseSizes(file, metadata.get(LAYER_SIZES_KEY));
            long declared = declaredDataLength(header);
            if (declared != dataLength) {
                throw new ModelFormatException(file, "the header describes " + declared + " bytes of tensors but "
                        + dataLength + " follow it; the file is " + (declared > dataLength ? "truncated" : "followed by extra bytes"));
            }
            ByteBuffer data = ByteBuffer.allocate((int) dataLength).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, data, file);
            if (!expectedHash.equalsIgnoreCase(HexFormat.of().formatHex(sha256(data.array())))) {
                throw new ModelFormatException(file, "the tensor data do not match the checksum in the header; the file is corrupt or was modified");
            }
            return new SavedModel(readParameters(file, header, sizes, data), metadata);
        }
    }

    /** The end of the last tensor the header names: what the data section must hold. */
    private static long declaredDataLength(Map<String, Object> header) {
        long end = 0;
        for (Object entry : header.values()) {
            if (entry instanceof Map<?, ?> tensor && tensor.get("data_offsets") instanceof List<?> offsets
                    && offsets.size() == 2 && offsets.get(1) instanceof Number n) {
                end = Math.max(end, n.longValue());
            }
        }
        return end;
    }

    private static Map<String, String> readMetadata(Path file, Map<String, Object> header) throws ModelFormatException {
        if (!(header.get("__metadata__") instanceof Map<?, ?> raw)) {
            throw new ModelFormatException(file, "the header has no __metadata__ with the layer sizes; it was not written by this library");
        }
        Map<String, String> metadata = new TreeMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            if (!(e.getValue() instanceof String value)) {
                throw new ModelFormatException(file, "metadata entry '" + e.getKey() + "' is not a string, as safetensors requires");
            }
            metadata.put(String.valueOf(e.getKey()), value);
        }
        if (!FORMAT.equals(metadata.get(FORMAT_KEY))) {
            throw new ModelFormatException(file, "metadata '" + FORMAT_KEY + "' is " + metadata.get(FORMAT_KEY)
                    + ", expected " + FORMAT + "; it is not a model of this library or of a newer version");
        }
        return metadata;
    }

    private static Parameters readParameters(Path file, Map<String, Object> header, int[] sizes, ByteBuffer data)
            throws ModelFormatException {
        int layers = sizes.length - 1;
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        long[][] ranges = new long[2 * layers][];
        for (int l = 0; l < layers; l++) {
            weights.add(readTensor(file, header, tensorName(l, "weight"), new int[] {sizes[l + 1], sizes[l]}, data, ranges, 2 * l));
            biases.add(readTensor(file, header, tensorName(l, "bias"), new int[] {sizes[l + 1]}, data, ranges, 2 * l + 1));
        }
        if (header.size() - 1 != 2 * layers) {
            throw new ModelFormatException(file, "the header lists " + (header.size() - 1) + " tensors but layer sizes "
                    + joinSizes(sizes) + " need " + 2 * layers);
        }
        // The tensors must tile the data exactly: no gaps, overlaps or trailing bytes.
        Arrays.sort(ranges, (x, y) -> Long.compare(x[0], y[0]));
        long expected = 0;
        for (long[] range : ranges) {
            if (range[0] != expected) {
                throw new ModelFormatException(file, "tensor data overlap or leave a gap at byte " + Math.min(range[0], expected));
            }
            expected = range[1];
        }
        if (expected != data.capacity()) {
            throw new ModelFormatException(file, "the tensors cover " + expected + " bytes but the file holds "
                    + data.capacity() + " after the header; it is truncated or has extra bytes");
        }
        return Parameters.of(sizes, weights, biases);
    }

    private static double[] readTensor(Path file, Map<String, Object> header, String name, int[] shape, ByteBuffer data,
            long[][] ranges, int slot) throws ModelFormatException {
        if (!(header.get(name) instanceof Map<?, ?> entry)) {
            throw new ModelFormatException(file, "tensor '" + name + "' is missing");
        }
        Object dtype = entry.get("dtype");
        int width;
        if ("F64".equals(dtype)) {
            width = 8;
        } else if ("F32".equals(dtype)) {
            width = 4;
        } else {
            throw new ModelFormatException(file, "tensor '" + name + "' has dtype " + dtype + "; only F64 and F32 are supported");
        }
        List<Long> actualShape = longs(file, name, "shape", entry.get("shape"));
        if (!actualShape.equals(Arrays.stream(shape).mapToObj(i -> (long) i).toList())) {
            throw new ModelFormatException(file, "tensor '" + name + "' has shape " + actualShape + " but layer sizes need "
                    + Arrays.toString(shape));
        }
        List<Long> offsets = longs(file, name, "data_offsets", entry.get("data_offsets"));
        int count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (offsets.size() != 2 || offsets.get(0) < 0 || offsets.get(1) > data.capacity()
                || offsets.get(1) - offsets.get(0) != (long) count * width) {
            throw new ModelFormatException(file, "tensor '" + name + "' claims bytes " + offsets + " but needs "
                    + (long) count * width + " bytes inside the " + data.capacity() + " bytes of data");
        }
        ranges[slot] = new long[] {offsets.get(0), offsets.get(1)};
        double[] values = new double[count];
        int start = offsets.get(0).intValue();
        for (int i = 0; i < count; i++) {
            values[i] = width == 8 ? data.getDouble(start + 8 * i) : data.getFloat(start + 4 * i);
            if (!Double.isFinite(values[i])) {
                throw new ModelFormatException(file, "tensor '" + name + "' holds " + values[i] + " at element " + i
                        + "; a usable model has only finite weights");
            }
        }
        return values;
    }

    private static List<Long> longs(Path file, String tensor, String field, Object value) throws ModelFormatException {
        if (!(value instanceof List<?> list)) {
            throw new ModelFormatException(file, "tensor '" + tensor + "' has no list '" + field + "'");
        }
        List<Long> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Number n) || n.doubleValue() != n.longValue()) {
                throw new ModelFormatException(file, "tensor '" + tensor + "' field '" + field + "' holds " + o + ", not an integer");
            }
            out.add(n.longValue());
        }
        return out;
    }

    private static int[] parseSizes(Path file, String text) throws ModelFormatException {
        if (text == null) {
            throw new ModelFormatException(file, "metadata has no '" + LAYER_SIZES_KEY + "'");
        }
        try {
            int[] sizes = Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            return Parameters.checkLayerSizes(sizes);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "metadata '" + LAYER_SIZES_KEY + "' is '" + text + "': " + e.getMessage());
        }
    }

    private static Map<String, Object> tensorEntry(List<Integer> shape, long begin, long end) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("dtype", "F64");
        entry.put("shape", shape);
        entry.put("data_offsets", List.of(begin, end));
        return entry;
    }

    /** PyTorch's name in {@code Sequential(Linear, ReLU, Linear, ...)}: Linear modules sit at even indices. */
    private static String tensorName(int layer, String kind) {
        return (2 * layer) + "." + kind;
    }

    private static String joinSizes(int[] sizes) {
        return String.join(",", Arrays.stream(sizes).mapToObj(Integer::toString).toList());
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new ModelFormatException(file, "the file ends early; it is truncated");
            }
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
