package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

    @TempDir
    Path work;

    private final RecordingProgress progress = new RecordingProgress();

    @BeforeEach
    void needsAShell() {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
    }

    private void run(String script, Duration timeout, long byteLimit) throws IOException {
        ProcessRunner.run(List.of("/bin/sh", "-c", script), work, timeout, byteLimit, progress);
    }

    @Test
    void reportsTheBytesTheCommandWritesAsOneTask() throws Exception {
        Files.write(work.resolve("already-there.bin"), new byte[5 << 20]); // not this command's doing
        // Like npm pack: silent for a while, then the file appears in the working folder.
        run("sleep 2; head -c 3145728 /dev/zero > fetched.tgz; echo fetched.tgz", Duration.ofSeconds(60), 4 << 20);

        assertEquals(List.of("/bin/sh -c sleep 2; head -c 3145728 /dev/zero > fetched.tgz; echo fetched.tgz"),
                progress.tasks);
        assertTrue(progress.updates.size() >= 2, "reported while the command runs, not only at the end: "
                + progress.updates);
        long last = progress.updates.get(progress.updates.size() - 1);
        assertTrue(last >= 3 << 20 && last < 4 << 20, "counts the 3 MiB it wrote (and its output), not the 5 MiB"
                + " already there: " + last);
        assertEquals(1, progress.ends);
    }

    @Test
    void aFailingCommandReportsItsLastLines() {
        IOException e = assertThrows(IOException.class, () -> run(
                "echo 'npm notice fetching'; echo; echo 'npm error 404 Not Found' >&2; exit 3",
                Duration.ofSeconds(60), 1 << 20));
        assertEquals("`/bin/sh -c echo 'npm notice fetching'; echo; echo 'npm error 404 Not Found' >&2; exit 3`"
                + " failed with exit status 3: npm notice fetching | npm error 404 Not Found", e.getMessage());
        assertEquals(1, progress.ends, "the task is closed when the command fails");
    }

    @Test
    void aCommandThatWritesTooMuchIsStopped() throws Exception {
        IOException e = assertThrows(IOException.class, () -> run(
                "head -c 2097152 /dev/zero > big; sleep 60", Duration.ofSeconds(60), 1 << 20));
        assertEquals("`/bin/sh -c head -c 2097152 /dev/zero > big; sleep 60` wrote more than 1048576 bytes;"
                + " stopped it", e.getMessage());
        assertEquals(1, progress.ends);
    }

    @Test
    void aCommandThatTakesTooLongIsStopped() {
        IOException e = assertThrows(IOException.class, () -> run("sleep 60", Duration.ofSeconds(1), 1 << 20));
        assertEquals("`/bin/sh -c sleep 60` did not finish within 1 s", e.getMessage());
    }

    @Test
    void aMissingCommandSaysSo() {
        IOException e = assertThrows(IOException.class, () -> ProcessRunner.run(
                List.of("no-such-downloader-here"), work, Duration.ofSeconds(5), 1 << 20, progress));
        assertTrue(e.getMessage().startsWith("cannot run `no-such-downloader-here`: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(is it installed and on the PATH?)"), e.getMessage());
        assertFalse(e.getMessage().contains(work.toString()), e.getMessage());
        assertEquals(List.of(), progress.tasks, "no task was started for a command that never ran");
    }
}
