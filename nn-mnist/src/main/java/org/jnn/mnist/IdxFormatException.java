package org.jnn.mnist;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An IDX file that cannot be used: its message starts with the file name and says the problem in plain
 * words, e.g. {@code "t10k-labels-idx1-ubyte: header says 10000 labels but the file holds 9990"}.
 */
public class IdxFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** A problem with {@code file}, described by {@code problem} (without the file name). */
    public IdxFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    /** A problem with {@code file}, described by {@code problem}, caused by {@code cause}. */
    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(nameOf(file) + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault, as it was given to the reader. */
    public Path file() {
        return file;
    }

    private static String nameOf(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }
}
