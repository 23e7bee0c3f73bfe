package org.jnn.mnist;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a downloading command (npm, apt-get) in a working folder, with a time limit and a limit on what
 * it may write there. Its output goes to a file in that folder and its last lines into the error
 * message if it fails.
 *
 * <p>Once a second the runner adds up the bytes under the working folder (where npm and apt-get put
 * what they download; a handful of files): that is the download's progress, and past the byte limit
 * the command is stopped.
 */
final class ProcessRunner {

    private static final int TAIL_LINES = 8;
    private static final int TAIL_BYTES = 4096;
    private static final long POLL_MILLIS = 1000;

    private ProcessRunner() {
    }

    /**
     * Runs {@code command} in {@code workDir}, reporting it to {@code progress} as a task named after
     * the command.
     *
     * @param byteLimit the most bytes the command may add under {@code workDir}
     * @throws IOException if it cannot start, fails, takes longer than {@code timeout} or writes more
     *     than {@code byteLimit}, with a message saying which and the command's last output lines
     */
    static void run(List<String> command, Path workDir, Duration timeout, long byteLimit, FetchProgress progress)
            throws IOException {
        String shown = String.join(" ", command);
        long before = bytesUnder(workDir);
        Path output = Files.createTempFile(workDir, "output-", ".log");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            // The JDK's message repeats the folder; its tail ("error=2, No such file or directory") is the news.
            String reason = String.valueOf(e.getMessage()).replaceFirst("(?s).*error=\\d+, ", "");
            throw new IOException("cannot run `" + command.get(0) + "`: " + reason
                    + " (is it installed and on the PATH?)", e);
        }
        process.getOutputStream().close(); // no input: a command that asks a question gets EOF, not a hang
        progress.start(shown, -1);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!process.waitFor(Math.min(POLL_MILLIS, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                long written = bytesUnder(workDir) - before;
                progress.update(Math.max(0, written));
                if (written > byteLimit) {
                    kill(process);
                    throw new IOException("`" + shown + "` wrote more than " + byteLimit + " bytes; stopped it");
                }
                if (System.nanoTime() - deadline >= 0) {
                    kill(process);
                    throw new IOException("`" + shown + "` did not finish within " + timeout.toSeconds() + " s");
                }
            }
            progress.update(Math.max(0, bytesUnder(workDir) - before));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running `" + shown + "`");
        } finally {
            progress.end();
        }
        if (process.exitValue() != 0) {
            String last = lastLines(output);
            throw new IOException("`" + shown + "` failed with exit status " + process.exitValue()
                    + (last.isEmpty() ? "" : ": " + last));
        }
    }

    /** The last non-blank lines of the output file, joined by " | ". */
    private static String lastLines(Path output) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(output)) {
            long from = Math.max(0, channel.size() - TAIL_BYTES);
            ByteBuffer tail = ByteBuffer.allocate((int) (channel.size() - from));
            channel.position(from);
            while (tail.hasRemaining() && channel.read(tail) >= 0) {
                // read up to the end
            }
            List<String> lines = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(line -> !line.isEmpty()).toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        }
    }

    /** The bytes of the files under {@code dir}; files that vanish while it is counted are skipped. */
    private static long bytesUnder(Path dir) throws IOException {
        long[] total = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                total[0] += attributes.isRegularFile() ? attributes.size() : 0;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // deleted or renamed since it was listed
            }
        });
        return total[0];
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
