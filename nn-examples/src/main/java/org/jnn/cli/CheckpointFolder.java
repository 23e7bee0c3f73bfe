package org.jnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jnn.core.Checkpoint;
import org.jnn.core.ModelFormatException;
import org.jnn.core.io.AtomicFile;

/**
 * The folder of {@code --checkpoint} and {@code --resume}: the library's checkpoint (network, optimizer
 * state, schedule, early stopping, history, options), and beside it {@value #RUN_FILE}, what the command
 * line needs to resume the same run: which data it trains on, and whether the run has ended.
 */
final class CheckpointFolder {

    static final String RUN_FILE = "nn-train.json";

    /**
     * What {@code nn train} records beside a checkpoint.
     *
     * @param dataset the data set's id (mnist, fashion, or a folder's absolute path)
     * @param limit the {@code --limit} of the run, or null for all samples
     * @param trainSamples the samples the run trains on (validation set included), to notice other data
     * @param ended null while the run goes on, else how it ended ("completed 10 epochs", "stopped early ...")
     */
    record Run(String dataset, Integer limit, int trainSamples, String ended) {
    }

    private CheckpointFolder() {
    }

    /** Refuses a {@code --checkpoint} folder that is a file or holds another run's checkpoint: that run is not overwritten. */
    static void checkNew(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("--checkpoint " + dir + ": is a file; give a folder");
        }
        if (Files.exists(Checkpoint.file(dir))) {
            throw new UsageException("--checkpoint " + dir + ": holds the checkpoint of an earlier run; continue it with "
                    + "--resume " + dir + ", or give another folder");
        }
    }

    /** Creates the folder and records the run, before its first epoch. */
    static void start(Path dir, Run run) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UsageException("--checkpoint " + dir + ": cannot create the folder (" + e.getMessage() + ")", e);
        }
        write(dir, run);
    }

    /** Records how the run ended, so that it is not resumed by mistake. */
    static void finish(Path dir, Run run, String ended) throws IOException {
        write(dir, new Run(run.dataset(), run.limit(), run.trainSamples(), ended));
    }

    private static void write(Path dir, Run run) throws IOException {
        AtomicFile.write(dir.resolve(RUN_FILE), Json.write(run).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The folder {@code --resume} names: the folder itself, or the one holding the checkpoint file given. */
    static Path resumeFolder(Path given) {
        if (Files.isRegularFile(given) && given.getFileName().toString().equals(Checkpoint.FILE_NAME)) {
            return given.toAbsolutePath().getParent();
        }
        if (!Files.isDirectory(given)) {
            throw new UsageException("--resume " + given + ": " + (Files.exists(given) ? "is not a checkpoint folder"
                    : "no such folder") + "; give the folder a run wrote with --checkpoint");
        }
        if (!Files.isRegularFile(Checkpoint.file(given))) {
            throw new UsageException("--resume " + given + ": holds no checkpoint (" + Checkpoint.FILE_NAME
                    + "); a run writes one with --checkpoint " + given);
        }
        return given;
    }

    /** The checkpoint in {@code dir}; a damaged one is the user's to replace. */
    static Checkpoint read(Path dir) throws IOException {
        try {
            return Checkpoint.read(dir);
        } catch (ModelFormatException e) {
            throw new UsageException("--resume " + dir + ": not a usable checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * What the run recorded beside its checkpoint, or null if nothing (a checkpoint written from Java).
     *
     * @param option what the user gave the folder with, for the message: "--resume", or "" for a parameter
     */
    static Run readRun(String option, Path dir) throws IOException {
        Path file = dir.resolve(RUN_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), Run.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new UsageException(option + (option.isEmpty() ? "" : " ") + dir + ": " + RUN_FILE + " is damaged ("
                    + e.getOriginalMessage()
                    + "); it records the run's data set", e);
        }
    }
}
