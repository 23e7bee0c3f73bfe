package org.jnn.mnist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What a data folder holds, as the tests check it. */
final class DataFolders {

    private DataFolders() {
    }

    /** The names in {@code folder}, sorted, without the lock file (which stays by design). */
    static Set<String> contents(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> !name.equals(DataFolderLock.FILE_NAME))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
