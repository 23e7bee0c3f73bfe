package org.jnn.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileErrorsTest {

    @TempDir
    Path dir;

    @Test
    void exceptionsWhoseMessageIsOnlyAPathGetTheirReasonInWords() {
        // Root reads every file, so an unreadable one cannot be made here: the JDK's exception is built as it throws it.
        AccessDeniedException denied = new AccessDeniedException("/data/mnist/train-images-idx3-ubyte");
        assertEquals("/data/mnist/train-images-idx3-ubyte", denied.getMessage(), "all the JDK says");
        assertEquals("permission denied", FileErrors.reason(denied));
        assertEquals("/data/mnist/train-images-idx3-ubyte: permission denied", FileErrors.message(denied));
        assertEquals("no such file or folder", FileErrors.reason(new NoSuchFileException("/x")));
    }

    @Test
    void theOperatingSystemsReasonIsKept() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        FileSystemException e = org.junit.jupiter.api.Assertions.assertThrows(FileSystemException.class,
                () -> Files.newOutputStream(folder));
        assertEquals(e.getReason(), FileErrors.reason(e));
        assertEquals(folder + ": " + e.getReason(), FileErrors.message(e));
        assertEquals("/a -> /b: Is a directory", FileErrors.message(new FileSystemException("/a", "/b", "Is a directory")));
    }

    @Test
    void anExceptionWithoutAMessageIsNotCalledNull() {
        assertEquals("it ends early", FileErrors.reason(new EOFException()));
        assertEquals("Unexpected end of ZLIB input stream", FileErrors.reason(new EOFException("Unexpected end of ZLIB input stream")));
        assertEquals("IOException", FileErrors.reason(new IOException()));
    }
}
