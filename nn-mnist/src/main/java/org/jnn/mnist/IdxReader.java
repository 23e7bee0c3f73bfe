package org.jnn.mnist;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jnn.core.io.FileErrors;

/**
 * Reads unsigned-byte IDX files, raw or gzip-compressed. Compression is recognised by the gzip magic
 * bytes {@code 1f 8b}, never by the file name.
 *
 * <p>A damaged or hostile header fails with a message instead of an {@link OutOfMemoryError}: no
 * array larger than the data actually present is allocated. Raw files are compared with their length
 * before the data array is allocated. A gzip file's length bounds its content only loosely (a small
 * file can honestly inflate to a thousand times its size), so its header is first compared with the
 * most a DEFLATE stream of that length can inflate to, and the data are then inflated in chunks into
 * a buffer that grows only as bytes arrive, no further than the header promises (plus one byte, to
 * detect a stream that goes on); the claim is judged against what actually inflated. Every failure is
 * an {@link IdxFormatException} whose message starts with the file name.
 */
public final class IdxReader {

    /** The most data bytes one file may hold (1 GiB; MNIST's largest file holds 47 MB). */
    public static final long MAX_DATA_BYTES = 1L << 30;

    /** The IDX type byte for unsigned bytes, the only element type supported. */
    static final int UNSIGNED_BYTE = 0x08;

    // DEFLATE cannot compress better than about 1032:1; a header claiming more than that is a lie.
    private static final long MAX_DEFLATE_RATIO = 1032;
    private static final int MAX_RANK = 4;
    private static final int BUFFER = 1 << 16;
    // The first chunk of inflated data; the buffer doubles from here up to what the header claims.
    private static final int FIRST_CHUNK = 1 << 20;

    private IdxReader() {
    }

    /** What the caller expects the file to hold; only changes the wording of messages and the rank. */
    enum Expect {
        ANY(0), LABELS(1), IMAGES(3);

        final int rank;

        Expect(int rank) {
            this.rank = rank;
        }
    }

    /** Reads an IDX file of any rank (1 to 4) holding unsigned bytes. */
    public static IdxData read(Path file) throws IdxFormatException {
        return read(file, Expect.ANY, MAX_DATA_BYTES);
    }

    /** Reads a labels file: an IDX file of rank 1 (magic number 0x00000801). */
    public static IdxData readLabels(Path file) throws IdxFormatException {
        return read(file, Expect.LABELS, MAX_DATA_BYTES);
    }

    /** Reads an images file: an IDX file of rank 3, count × rows × columns (magic number 0x00000803). */
    public static IdxData readImages(Path file) throws IdxFormatException {
        return read(file, Expect.IMAGES, MAX_DATA_BYTES);
    }

    /** Whether {@code file} starts with the gzip magic bytes. */
    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    static IdxData read(Path file, Expect expect, long maxDataBytes) throws IdxFormatException {
        return withStream(file, (in, gzip, fileSize) ->
                readData(file, in, gzip, expect, readHeader(file, in, gzip, fileSize, expect, maxDataBytes)));
    }

    /**
     * Reads and checks only the header of {@code file}, as {@link #read(Path, Expect, long)} does before
     * it reads the data: the magic number, the rank and each size, against the cap and against what the
     * file's length allows. Lets a caller compare the headers of two files before reading either.
     *
     * @return the dimensions, e.g. {@code [60000, 28, 28]}
     */
    static int[] readDimensions(Path file, Expect expect) throws IdxFormatException {
        return withStream(file, (in, gzip, fileSize) ->
                readHeader(file, in, gzip, fileSize, expect, MAX_DATA_BYTES).dims());
    }

    /** What a header says, once checked. */
    private record Header(int[] dims, long dataBytes, long headerBytes, String claim) {
    }

    /** Reads something from an open IDX file; {@code in} is already decompressed if {@code gzip}. */
    private interface Reading<T> {
        T from(InputStream in, boolean gzip, long fileSize) throws IOException;
    }

    /** Opens {@code file} (decompressing it if it is gzip) and turns every failure into an IdxFormatException. */
    private static <T> T withStream(Path file, Reading<T> reading) throws IdxFormatException {
        long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new IdxFormatException(file, "file not found (" + file.toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new IdxFormatException(file, "cannot read the file: " + FileErrors.reason(e), e);
        }
        if (fileSize == 0) {
            throw new IdxFormatException(file, "the file is empty");
        }
        boolean gzip;
        try {
            gzip = isGzip(file);
        } catch (IOException e) {
            throw new IdxFormatException(file, "cannot read the file: " + FileErrors.reason(e), e);
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
                InputStream in = gzip ? new GZIPInputStream(raw, BUFFER) : raw) {
            return reading.from(in, gzip, fileSize);
        } catch (IdxFormatException e) {
            throw e;
        } catch (ZipException | EOFException e) {
            // EOFException: GZIPInputStream's "Unexpected end of ZLIB input stream" for a cut-off file, and
            // one without a message for a file that ends inside the gzip header.
            throw new IdxFormatException(file, "the gzip stream is corrupt or truncated (" + FileErrors.reason(e) + ")", e);
        } catch (IOException e) {
            throw new IdxFormatException(file, "cannot read the file: " + FileErrors.reason(e), e);
        }
    }

    private static Header readHeader(Path file, InputStream in, boolean gzip, long fileSize, Expect expect,
            long maxDataBytes) throws IOException {
        byte[] magic = readHeaderBytes(file, in, 4, gzip);
        int type = magic[2] & 0xff;
        int rank = magic[3] & 0xff;
        if (magic[0] != 0 || magic[1] != 0 || elementTypeName(type) == null) {
            String hint = !gzip && file.toString().endsWith(".gz")
                    ? "; the name ends in .gz but the content is not gzip-compressed either" : "";
            throw new IdxFormatException(file, String.format(
                    "not an IDX file: magic number 0x%02X%02X%02X%02X, expected 0x00000801 (labels) or"
                            + " 0x00000803 (images)%s",
                    magic[0], magic[1], magic[2], magic[3], hint));
        }
        if (type != UNSIGNED_BYTE) {
            throw new IdxFormatException(file, String.format(
                    "unsupported element type 0x%02X (%s); only unsigned bytes (0x08) are supported",
                    type, elementTypeName(type)));
        }
        if (rank < 1 || rank > MAX_RANK) {
            throw new IdxFormatException(file, "bad number of dimensions " + rank + " in the magic number"
                    + " (expected 1 to " + MAX_RANK + ")");
        }
        if (expect != Expect.ANY && rank != expect.rank) {
            throw new IdxFormatException(file, "expected " + describe(expect) + " file with " + expect.rank
                    + (expect.rank == 1 ? " dimension" : " dimensions") + " but the header has " + rank);
        }
        byte[] sizeBytes = readHeaderBytes(file, in, 4 * rank, gzip);
        int[] dims = new int[rank];
        long dataBytes = 1;
        for (int i = 0; i < rank; i++) {
            long size = ((sizeBytes[4 * i] & 0xffL) << 24) | ((sizeBytes[4 * i + 1] & 0xff) << 16)
                    | ((sizeBytes[4 * i + 2] & 0xff) << 8) | (sizeBytes[4 * i + 3] & 0xff);
            if (size == 0 || size > Integer.MAX_VALUE) {
                throw new IdxFormatException(file, "dimension " + (i + 1) + " of the header has size " + size);
            }
            dims[i] = (int) size;
            dataBytes *= size; // at most 4 factors below 2^31 each are checked one by one, so no overflow
            if (dataBytes > maxDataBytes) {
                throw new IdxFormatException(file, "header says " + describeSizes(sizeBytes, rank, expect)
                        + ", more than the limit of " + maxDataBytes + " bytes");
            }
        }
        String claim = describe(dims, expect, dataBytes);
        long headerBytes = 4L + 4L * rank;
        if (!gzip) {
            long held = fileSize - headerBytes;
            if (held < dataBytes) {
                throw new IdxFormatException(file, "header says " + claim + " but the file holds "
                        + describeHeld(dims, expect, held));
            }
            if (held > dataBytes) {
                throw new IdxFormatException(file, "header says " + claim + " but the file holds "
                        + (held - dataBytes) + " bytes more than that");
            }
        } else if (dataBytes + headerBytes > fileSize * MAX_DEFLATE_RATIO + 1024) {
            throw new IdxFormatException(file, "header says " + claim + ", more than a gzip file of "
                    + fileSize + " bytes can hold");
        }
        return new Header(dims, dataBytes, headerBytes, claim);
    }

    private static IdxData readData(Path file, InputStream in, boolean gzip, Expect expect, Header header)
            throws IOException {
        int[] dims = header.dims();
        long dataBytes = header.dataBytes();
        String claim = header.claim();
        byte[] data;
        int held;
        if (gzip) {
            data = inflate(in, (int) dataBytes);
            held = data.length;
        } else {
            data = new byte[(int) dataBytes]; // the length check above showed the file holds that much
            held = in.readNBytes(data, 0, data.length);
        }
        if (held < dataBytes) {
            throw new IdxFormatException(file, "header says " + claim + " but the "
                    + (gzip ? "decompressed data holds " : "file holds ") + describeHeld(dims, expect, held));
        }
        if (gzip && in.read() != -1) {
            throw new IdxFormatException(file, "the gzip stream inflates past the "
                    + (header.headerBytes() + dataBytes) + " bytes its header promises (" + claim + ")");
        }
        return new IdxData(dims, data);
    }

    /**
     * Reads at most {@code wanted} bytes into a buffer that starts small and doubles as data arrive, so a
     * header that claims far more than the stream holds costs memory for what is there, not for the claim.
     * Returns fewer than {@code wanted} bytes if the stream ends first.
     */
    private static byte[] inflate(InputStream in, int wanted) throws IOException {
        byte[] buffer = new byte[Math.min(wanted, FIRST_CHUNK)];
        int filled = 0;
        while (true) {
            filled += in.readNBytes(buffer, filled, buffer.length - filled);
            if (filled < buffer.length) {
                return Arrays.copyOf(buffer, filled); // the stream ended short of the claim
            }
            if (filled == wanted) {
                return buffer;
            }
            buffer = Arrays.copyOf(buffer, (int) Math.min(wanted, 2L * buffer.length));
        }
    }

    private static byte[] readHeaderBytes(Path file, InputStream in, int count, boolean gzip) throws IOException {
        byte[] bytes = in.readNBytes(count);
        if (bytes.length < count) {
            throw new IdxFormatException(file, (gzip ? "the decompressed data" : "the file")
                    + " ends inside the IDX header");
        }
        return bytes;
    }

    private static String describe(Expect expect) {
        return switch (expect) {
            case LABELS -> "a labels";
            case IMAGES -> "an images";
            case ANY -> "an IDX";
        };
    }

    /** "10000 labels", "60000 images of 28x28 pixels (47040000 bytes)" or "3x4 elements (12 bytes)". */
    private static String describe(int[] dims, Expect expect, long bytes) {
        return switch (expect) {
            case LABELS -> dims[0] + " labels";
            case IMAGES -> dims[0] + " images of " + dims[1] + "x" + dims[2] + " pixels (" + bytes + " bytes)";
            case ANY -> join(dims) + " elements (" + bytes + " bytes)";
        };
    }

    private static String describeSizes(byte[] sizeBytes, int rank, Expect expect) {
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = ((sizeBytes[4 * i] & 0xff) << 24) | ((sizeBytes[4 * i + 1] & 0xff) << 16)
                    | ((sizeBytes[4 * i + 2] & 0xff) << 8) | (sizeBytes[4 * i + 3] & 0xff);
        }
        return join(dims) + (expect == Expect.LABELS ? " labels" : " elements");
    }

    private static String describeHeld(int[] dims, Expect expect, long held) {
        return expect == Expect.LABELS ? String.valueOf(held) : held + " bytes";
    }

    private static String join(int[] dims) {
        StringBuilder text = new StringBuilder();
        for (int d : dims) {
            text.append(text.length() == 0 ? "" : "x").append(Integer.toUnsignedString(d));
        }
        return text.toString();
    }

    private static String elementTypeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "16-bit integer";
            case 0x0C -> "32-bit integer";
            case 0x0D -> "32-bit float";
            case 0x0E -> "64-bit float";
            default -> null;
        };
    }
}
