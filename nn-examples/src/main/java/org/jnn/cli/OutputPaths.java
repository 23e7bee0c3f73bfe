package org.jnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jnn.core.io.FileErrors;

/**
 * Checks of where a command will write ({@code --save FILE}, {@code --plot DIR}), made before it spends
 * time training: a target that cannot be written is the user's mistake, reported as such (exit status
 * 2) with the option, instead of an I/O error after the work is done.
 */
final class OutputPaths {

    private OutputPaths() {
    }

    /**
     * Rejects a file that cannot be written: a folder in its place, a file where one of its folders
     * should be, a folder where no file can be created.
     *
     * @param option the option and its value as the user wrote them, e.g. {@code --save model.safetensors}
     */
    static void checkFile(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new UsageException(option + ": is a folder; give a file name such as " + file.resolve("model.safetensors"));
        }
        checkFolder(option, file.toAbsolutePath().getParent());
    }

    /**
     * Rejects a folder that cannot be created or written in. The nearest existing folder must really
     * take a new file: one is created and deleted, because permission bits say yes to root everywhere
     * and nothing of file systems such as {@code /sys} that take no new files.
     *
     * @param option the option and its value as the user wrote them, e.g. {@code --plot plots}
     */
    static void checkFolder(String option, Path folder) {
        Path absolute = folder.toAbsolutePath();
        for (Path p = absolute; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new UsageException(option + ": " + p + " is a file, not a folder");
                }
                checkCanCreateFileIn(option, p, p.equals(absolute) ? null : absolute);
                return;
            }
        }
    }

    /** Creates and deletes a file in {@code folder}, the nearest existing folder of what {@code option} names. */
    private static void checkCanCreateFileIn(String option, Path folder, Path missingFolder) {
        Path probe;
        try {
            probe = Files.createTempFile(folder, ".nn-write-check-", ".tmp");
        } catch (IOException e) {
            String problem = "cannot write in " + folder + " (" + reason(e) + ")";
            throw new UsageException(option + ": "
                    + (missingFolder == null ? problem : "cannot create the folder " + missingFolder + ": " + problem), e);
        }
        try {
            Files.deleteIfExists(probe);
        } catch (IOException e) {
            // Writing works, which is what matters; an empty hidden file is left behind.
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "it takes no new files"; // /sys answers creating a file with "no such file"
        }
        return FileErrors.reason(e);
    }
}
