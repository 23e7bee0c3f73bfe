package org.jnn.mnist;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** File helpers shared by the sources and the fetcher. */
final class FileUtil {

    private FileUtil() {
    }

    /**
     * Deletes {@code path} and everything below it, as far as possible: what vanishes meanwhile (another
     * process cleaning up too) or cannot be deleted is skipped, since this runs in {@code finally} blocks
     * and cleanups, where an exception would hide the one that matters.
     *
     * @return whether {@code path} is gone
     */
    static boolean deleteRecursivelyIfPossible(Path path) {
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    deleteIfPossible(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    deleteIfPossible(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            // what is left stays
        }
        return !Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    private static void deleteIfPossible(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // left for the next cleanup
        }
    }
}
