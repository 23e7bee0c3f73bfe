package org.jnn.core;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An open safetensors file as {@link ModelFile} reads it: the header parsed and checked for form
 * (every tensor has a dtype, a shape and a byte range inside the data), the tensor values read on
 * demand. Nothing is allocated in proportion to what the header claims, only to what the file holds.
 */
final class SafetensorsFile implements Closeable {

    /** One tensor's entry in the header; {@code begin} and {@code end} are offsets into the data section. */
    record Tensor(String name, String dtype, long[] shape, long begin, long end) {

        /** The shape as a list, for messages. */
        String shapeText() {
            return Arrays.toString(shape);
        }
    }

    /** Headers beyond this are not model files; refusing them keeps a corrupt length from allocating gigabytes. */
    private static final long MAX_HEADER_BYTES = 16L << 20;
    private static final int CHUNK_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final long dataLength;
    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, long dataLength, Map<String, String> metadata,
            Map<String, Tensor> tensors) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.dataLength = dataLength;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /**
     * Opens {@code file} and reads its header.
     *
     * @throws ModelFormatException if it is too short, its header length is impossible, or the header
     *     is not valid JSON describing tensors
     */
    static SafetensorsFile open(Path file) throws IOException {
        long size = Files.size(file);
        if (size < 8) {
            throw new ModelFormatException(file, "the file holds " + size + " bytes, too few for a safetensors header");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, prefix, 0, file);
            long headerLength = prefix.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw new ModelFormatException(file, "the header length field says " + headerLength
                        + " bytes but the file holds " + (size - 8) + " after it; the file is truncated or not a safetensors file");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, file);
            Map<String, Object> header;
            try {
                header = JSON.std.mapFrom(new String(headerBytes.array(), StandardCharsets.UTF_8).strip());
            } catch (IOException | RuntimeException e) {
                throw new ModelFormatException(file, "the header is not valid JSON ("
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
            }
            Map<String, String> metadata = new TreeMap<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : header.entrySet()) {
                if (entry.getKey().equals("__metadata__")) {
                    metadata = readMetadata(file, entry.getValue());
                } else {
                    tensors.put(entry.getKey(), readTensor(file, entry.getKey(), entry.getValue()));
                }
            }
            return new SafetensorsFile(file, channel, 8 + headerLength, size - 8 - headerLength, metadata, tensors);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Map<String, String> readMetadata(Path file, Object value) throws ModelFormatException {
        if (!(value instanceof Map<?, ?> raw)) {
            throw new ModelFormatException(file, "the header's __metadata__ is not an object of strings");
        }
        Map<String, String> metadata = new TreeMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            if (!(e.getValue() instanceof String text)) {
                throw new ModelFormatException(file, "metadata entry '" + e.getKey() + "' is not a string, as safetensors requires");
            }
            metadata.put(String.valueOf(e.getKey()), text);
        }
        return metadata;
    }

    private static Tensor readTensor(Path file, String name, Object value) throws ModelFormatException {
        if (!(value instanceof Map<?, ?> entry) || !(entry.get("dtype") instanceof String dtype)) {
            throw new ModelFormatException(file, "tensor '" + name + "' is not described by an object with a dtype,"
                    + " a shape and data_offsets");
        }
        long[] shape = naturals(file, name, "shape", entry.get("shape"));
        long[] offsets = naturals(file, name, "data_offsets", entry.get("data_offsets"));
        if (offsets.length != 2 || offsets[0] > offsets[1]) {
            throw new ModelFormatException(file, "tensor '" + name + "' has data_offsets " + Arrays.toString(offsets)
                    + "; they must be a begin and an end no smaller than it");
        }
        return new Tensor(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A list of non-negative integers that fit a long. */
    private static long[] naturals(Path file, String tensor, String field, Object value) throws ModelFormatException {
        if (!(value instanceof List<?> list)) {
            throw new ModelFormatException(file, "tensor '" + tensor + "' has no list '" + field + "'");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object o = list.get(i);
            if (!(o instanceof Integer || o instanceof Long) || ((Number) o).longValue() < 0) {
                throw new ModelFormatException(file, "tensor '" + tensor + "' field '" + field + "' holds " + o
                        + ", not a non-negative integer");
            }
            out[i] = ((Number) o).longValue();
        }
        return out;
    }

    Path file() {
        return file;
    }

    /** The header's {@code __metadata__}, empty if it has none. */
    Map<String, String> metadata() {
        return metadata;
    }

    /** The tensors in the order the header lists them. */
    Map<String, Tensor> tensors() {
        return tensors;
    }

    /** Bytes per value of a dtype this library reads: F64 or F32. */
    static int width(String dtype) {
        return switch (dtype) {
            case "F64" -> 8;
            case "F32" -> 4;
            default -> 0;
        };
    }

    /**
     * Checks that {@code tensor} holds F64 or F32 values of {@code shape}, in exactly as many bytes as
     * that shape needs.
     */
    void check(Tensor tensor, long[] shape, String whatNeedsIt) throws ModelFormatException {
        if (width(tensor.dtype()) == 0) {
            throw new ModelFormatException(file, "tensor '" + tensor.name() + "' has dtype " + tensor.dtype()
                    + "; only F64 and F32 are supported (in PyTorch, model.double() or model.float() before saving)");
        }
        if (!Arrays.equals(tensor.shape(), shape)) {
            throw new ModelFormatException(file, "tensor '" + tensor.name() + "' has shape " + tensor.shapeText() + " but "
                    + whatNeedsIt + " need " + Arrays.toString(shape));
        }
        long bytes = 1;
        for (long dimension : shape) {
            bytes *= dimension; // no overflow: the shape fits layer sizes that Parameters accepted
        }
        bytes *= width(tensor.dtype());
        if (tensor.end() - tensor.begin() != bytes) {
            throw new ModelFormatException(file, "tensor '" + tensor.name() + "' claims bytes [" + tensor.begin() + ", "
                    + tensor.end() + "] but its " + tensor.dtype() + " values of shape " + tensor.shapeText() + " need "
                    + bytes + " bytes");
        }
    }

    /**
     * Checks that {@code used} tile the data section exactly: no gaps, overlaps or bytes beyond them,
     * and no tensor beyond the end of the file.
     */
    void checkLayout(Collection<Tensor> used) throws ModelFormatException {
        List<Tensor> byOffset = new ArrayList<>(used);
        byOffset.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
        long expected = 0;
        for (Tensor t : byOffset) {
            if (t.begin() != expected) {
                throw new ModelFormatException(file, "tensor data overlap or leave a gap at byte " + Math.min(t.begin(), expected));
            }
            expected = t.end();
        }
        if (expected != dataLength) {
            throw new ModelFormatException(file, "the header describes " + expected + " bytes of tensors but " + dataLength
                    + " follow it; the file is " + (expected > dataLength ? "truncated" : "followed by extra bytes"));
        }
    }

    /**
     * Reads the values of a tensor that passed {@link #check}, widening F32 to double, and feeds its
     * bytes to {@code digest} if there is one.
     */
    double[] read(Tensor tensor, MessageDigest digest) throws IOException {
        int width = width(tensor.dtype());
        double[] values = new double[Math.toIntExact((tensor.end() - tensor.begin()) / width)];
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, tensor.end() - tensor.begin()))
                .order(ByteOrder.LITTLE_ENDIAN);
        int next = 0;
        for (long at = tensor.begin(); at < tensor.end(); at += chunk.limit()) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), tensor.end() - at));
            readFully(channel, chunk, dataStart + at, file);
            chunk.flip();
            if (digest != null) {
                digest.update(chunk.array(), 0, chunk.limit());
            }
            while (chunk.hasRemaining()) {
                values[next++] = width == 8 ? chunk.getDouble() : chunk.getFloat();
            }
        }
        return values;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new ModelFormatException(file, "the file ends early; it is truncated");
            }
            at += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
