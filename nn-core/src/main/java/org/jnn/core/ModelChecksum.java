package org.jnn.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jnn.core.io.Sha256;

/**
 * The checksum of a {@value ModelFile#FORMAT} file: SHA-256 over a canonical form of everything the
 * file means, independent of JSON spacing, key order, header padding and where in the data section
 * each tensor lies. In order, with every number an unsigned 64-bit little-endian integer and every
 * string its UTF-8 bytes, each string or byte run preceded by its length:
 * <ol>
 *   <li>the number of metadata entries other than {@value ModelFile#CHECKSUM_KEY}, then each such
 *       entry's key and value, ordered by the keys' bytes;</li>
 *   <li>the number of tensors, then per tensor, ordered by the names' bytes: its name, its dtype, the
 *       number of dimensions, each dimension, and its bytes as stored.</li>
 * </ol>
 * See {@link ModelFile} for a few lines of Python that compute the same.
 */
final class ModelChecksum {

    /** Orders strings by their UTF-8 bytes, as Python's {@code sorted} orders {@code str} (by code point). */
    static final Comparator<String> BY_UTF8 = (a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b));

    private final MessageDigest digest = Sha256.newDigest();

    /** Starts the checksum with the metadata (its checksum entry, if any, left out) and the number of tensors. */
    ModelChecksum(Map<String, String> metadata, int tensorCount) {
        List<String> keys = metadata.keySet().stream().filter(k -> !k.equals(ModelFile.CHECKSUM_KEY)).sorted(BY_UTF8).toList();
        number(keys.size());
        for (String key : keys) {
            string(key);
            string(metadata.get(key));
        }
        number(tensorCount);
    }

    /** Adds a tensor's description; its {@code byteLength} bytes must follow through {@link #digest()}. */
    void tensor(String name, String dtype, long[] shape, long byteLength) {
        string(name);
        string(dtype);
        number(shape.length);
        for (long dimension : shape) {
            number(dimension);
        }
        number(byteLength);
    }

    /** The digest, for the tensors' bytes. */
    MessageDigest digest() {
        return digest;
    }

    /** The finished checksum in hex. */
    String hex() {
        return Sha256.hex(digest);
    }

    private void number(long value) {
        digest.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    private void string(String text) {
        byte[] bytes = utf8(text);
        number(bytes.length);
        digest.update(bytes);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
