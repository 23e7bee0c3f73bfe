package org.jnn.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What went wrong with a file, in words, for a message that names the file itself. The JDK's file
 * exceptions often carry nothing but the path as their message ({@code AccessDeniedException},
 * {@code NoSuchFileException}), or nothing at all ({@code EOFException}), so printing
 * {@code e.getMessage()} would say "/data/x" where the reader needs "permission denied".
 */
public final class FileErrors {

    private FileErrors() {
    }

    /**
     * The reason of {@code e} without the file name: "permission denied", "no such file or folder",
     * "Is a directory", "it ends early", ... or its message when the exception says more than a path.
     */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "a folder that is not empty is in the way";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof FileSystemException f) {
            // The operating system's words, e.g. "Is a directory", "Read-only file system".
            return f.getReason() != null ? f.getReason() : "cannot be used (" + e.getClass().getSimpleName() + ")";
        }
        if (e instanceof EOFException && e.getMessage() == null) {
            return "it ends early";
        }
        return e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * {@link #reason} with the file it is about, for a message that does not name it: "/data/x:
     * permission denied", "/a -> /b: Is a directory"; the message itself for exceptions not about one file.
     */
    public static String message(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + reason(e);
        }
        return reason(e);
    }
}
