package org.jnn.mnist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command (npm, apt-get, dpkg-deb) with a timeout. Its output is copied to standard
 * error, so a user sees the download's progress while standard output stays clean, and the last lines
 * are kept for the error message.
 */
final class ProcessRunner {

    private static final int TAIL_LINES = 8;

    private ProcessRunner() {
    }

    static void run(List<String> command, Path workDir, Duration timeout) throws IOException {
        String shown = String.join(" ", command);
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
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    err.println("  " + line);
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
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new IOException("`" + shown + "` did not finish within " + timeout.toSeconds() + " s");
            }
            pump.join(2000);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running `" + shown + "`");
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

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
