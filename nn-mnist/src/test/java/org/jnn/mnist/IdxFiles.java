package org.jnn.mnist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files for the tests. */
final class IdxFiles {

    private IdxFiles() {
    }

    /** An IDX file: magic {@code 00 00 type rank}, the given sizes, then {@code data}. */
    static byte[] idx(int type, int[] sizes, byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * sizes.length + data.length);
        buffer.put((byte) 0).put((byte) 0).put((byte) type).put((byte) sizes.length);
        for (int size : sizes) {
            buffer.putInt(size);
        }
        return buffer.put(data).array();
    }

    static byte[] labels(int... labels) {
        byte[] data = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            data[i] = (byte) labels[i];
        }
        return idx(0x08, new int[] {labels.length}, data);
    }

    /** {@code count} images of rows×cols whose pixel k of image i is {@code (i * 50 + k) % 256}. */
    static byte[] images(int count, int rows, int cols) {
        byte[] data = new byte[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < rows * cols; k++) {
                data[i * rows * cols + k] = (byte) ((i * 50 + k) % 256);
            }
        }
        return idx(0x08, new int[] {count, rows, cols}, data);
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Pins for stand-in files (name → content), in order: what the fetcher checks them against. */
    static List<DatasetKind.FileSpec> pins(Map<String, byte[]> content) {
        return content.entrySet().stream()
                .map(e -> new DatasetKind.FileSpec(e.getKey(), e.getValue().length, sha256(e.getValue()))).toList();
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Path write(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code content} raw, or gzip-compressed when {@code gzip} (same name either way). */
    static Path write(Path dir, String name, byte[] content, boolean gzip) {
        return write(dir, name, gzip ? gzip(content) : content);
    }
}
