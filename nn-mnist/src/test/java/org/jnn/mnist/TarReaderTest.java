package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarReaderTest {

    @TempDir
    Path dir;

    /** One ustar entry: header plus data padded to 512 bytes. */
    private static void entry(ByteArrayOutputStream tar, String name, char type, byte[] data) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 124, String.format("%011o", data.length));
        header[156] = (byte) type;
        put(header, 257, "ustar");
        put(header, 263, "00");
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        tar.writeBytes(header);
        tar.writeBytes(data);
        tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] header, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    @Test
    void extractsOnlyTheWantedEntries() throws Exception {
        byte[] labels = IdxFiles.labels(1, 2, 3);
        byte[] big = new byte[1500];
        big[1499] = 7;
        String longName = "package/" + "x".repeat(120) + "/data/images";
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, "package/readme.md", '0', "hello".getBytes(StandardCharsets.US_ASCII));
        entry(tar, "package/data/labels", '0', labels);
        entry(tar, "././@LongLink", 'L', (longName + "\0").getBytes(StandardCharsets.US_ASCII));
        entry(tar, "package/xxxx/truncated-name", '0', big);
        entry(tar, "package/data/too-large", '0', new byte[4096]);
        tar.writeBytes(new byte[1024]);

        Map<String, Path> wanted = Map.of("package/data/labels", dir.resolve("labels"),
                longName, dir.resolve("images"), "package/data/too-large", dir.resolve("too-large"));
        int written = TarReader.extract(new ByteArrayInputStream(tar.toByteArray()), wanted::get, 2000);

        assertEquals(2, written);
        assertArrayEquals(labels, Files.readAllBytes(dir.resolve("labels")));
        assertArrayEquals(big, Files.readAllBytes(dir.resolve("images")));
        assertFalse(Files.exists(dir.resolve("too-large")), "entries over the size limit are skipped");
    }
}
