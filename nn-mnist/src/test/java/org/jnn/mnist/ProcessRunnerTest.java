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
import java.util.concurrent.CopyOnWriteArrayList;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

    private static final String TASK = "fetching MNIST: fake download";

    @TempDir
    Path work;

    /** Every frame the progress bar drew, in order. */
    private final List<String> frames = new CopyOnWriteArrayList<>();

    @BeforeEach
    void needsAShell() {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
    }

    private void run(String script) throws IOException {
        ProcessRunner.run(List.of("/bin/sh", "-c", script), work, Duration.ofSeconds(60), TASK,
                new DelegatingProgressBarConsumer(frames::add, 400));
    }

    @Test
    void aNamedTaskShowsABarThatTicksWhileTheCommandRunsAndCountsWhatItWrites() throws Exception {
        Files.write(work.resolve("already-there.bin"), new byte[5 << 20]); // not this command's doing
        // Like npm pack: silent for a while, then the file appears in the working folder, then a last line.
        run("sleep 2; head -c 3145728 /dev/zero > fetched.tgz; echo fetched.tgz");

        assertFalse(frames.isEmpty(), "no progress was shown");
        assertTrue(frames.stream().allMatch(f -> f.contains(TASK)), frames::toString);
        assertTrue(frames.size() >= 2, "the bar is drawn while the command runs, not only at the end: " + frames);
        String last = frames.get(frames.size() - 1);
        assertTrue(last.contains(" 3/? MiB"), "counts the 3 MiB the command wrote, not the 5 already there: " + last);
        assertTrue(last.contains("fetched.tgz"), "the command's last line is the bar's message: " + last);
    }

    @Test
    void aFailingCommandStillReportsItsLastLinesWhenABarWasShown() {
        IOException e = assertThrows(IOException.class,
                () -> run("echo 'npm notice fetching'; echo 'npm error 404 Not Found'; exit 3"));
        assertEquals("`/bin/sh -c echo 'npm notice fetching'; echo 'npm error 404 Not Found'; exit 3` failed with"
                + " exit status 3: npm notice fetching | npm error 404 Not Found", e.getMessage());
    }
}
