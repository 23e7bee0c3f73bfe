package org.jnn.mnist;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Just enough of a tar reader to take files out of an npm package: ustar entries, with GNU long names
 * and pax {@code path} records. Only the entries the caller asks for are written.
 */
final class TarReader {

    private static final int BLOCK = 512;

    private TarReader() {
    }

    /**
     * Reads the tar stream {@code in} and writes each regular file whose entry name {@code target} maps
     * to a path there; entries mapped to {@code null} are skipped, as are entries larger than
     * {@code maxBytes}.
     *
     * @return how many files were written
     */
    static int extract(InputStream in, Function<String, Path> target, long maxBytes) throws IOException {
        int written = 0;
        String longName = null;
        byte[] header = new byte[BLOCK];
        while (true) {
            int n = in.readNBytes(header, 0, BLOCK);
            if (n == 0 || isZero(header)) {
                return written; // end-of-archive marker (or a tar without one)
            }
            if (n < BLOCK) {
                throw new EOFException("tar archive ends inside an entry header");
            }
            long size = parseSize(header);
            char type = (char) header[156];
            String name = longName != null ? longName : headerName(header);
            longName = null;
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            if (type == 'L' || type == 'x') {
                if (size > 1 << 20) {
                    throw new IOException("tar extended header of " + size + " bytes");
                }
                byte[] data = in.readNBytes((int) size);
                in.skipNBytes(padded - size);
                longName = type == 'L' ? cString(data, 0, data.length) : paxPath(data);
                continue;
            }
            Path out = (type == '0' || type == 0) && size <= maxBytes ? target.apply(name) : null;
            if (out != null) {
                copy(in, out, size);
                in.skipNBytes(padded - size);
                written++;
            } else {
                in.skipNBytes(padded);
            }
        }
    }

    private static void copy(InputStream in, Path out, long size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (OutputStream os = Files.newOutputStream(out)) {
            long left = size;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("tar archive ends inside " + out.getFileName());
                }
                os.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    private static String headerName(byte[] header) {
        String name = cString(header, 0, 100);
        boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? cString(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static long parseSize(byte[] header) throws IOException {
        if ((header[124] & 0x80) != 0) { // GNU base-256 for sizes of 8 GiB and more
            long value = 0;
            for (int i = 125; i < 136; i++) {
                value = (value << 8) | (header[i] & 0xff);
            }
            return value;
        }
        String octal = cString(header, 124, 12).trim();
        try {
            return octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
        } catch (NumberFormatException e) {
            throw new IOException("not a tar archive (bad entry size '" + octal + "')");
        }
    }

    /** The {@code path} of pax records "LEN key=value\n", or {@code null}. */
    private static String paxPath(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 6);
            }
        }
        return null;
    }

    private static String cString(byte[] bytes, int from, int length) {
        int end = from;
        while (end < from + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, from, end - from, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
