package org.jnn.core;

import java.io.IOException;
import java.nio.file.Path;

/** A model file is truncated, corrupt, tampered with, or not a model this library wrote. */
public class ModelFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public ModelFormatException(Path file, String problem) {
        super(file.getFileName() + ": " + problem);
    }
}
