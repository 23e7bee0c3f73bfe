package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL at any moment of a fetch (checking, moving a corrupt file aside,
 * downloading, verifying, placing) leaves each data file absent or whole, never a part of it, and the
 * next fetch removes whatever scratch folder or temporary file the killed one left.
 */
class FetchCrashTest {

    private static final int ROUNDS = 12;

    @TempDir
    Path root;

    private Path folder() {
        return DataDirectory.folder(root, DatasetKind.MNIST);
    }

    @Test
    void killedFetchLeavesEachFileAbsentOrWholeAndTheNextFetchRemovesItsLeftovers() throws Exception {
        Random random = new Random(11);
        int roundsWithLeftovers = 0;
        try (LocalMirror mirror = new LocalMirror()) {
            for (int round = 0; round < ROUNDS; round++) {
                FetchingProcess.Child child = FetchingProcess.start(root, mirror.uri(), "loop");
                if (round % 2 == 0) {
                    Thread.sleep(random.nextInt(800)); // any moment of fetching and damaging, over and over
                } else {
                    waitForALeftoverOf(child.process());
                    Thread.sleep(random.nextInt(20)); // while it downloads, verifies or places a file
                }
                child.process().destroyForcibly(); // SIGKILL: no finally blocks, no shutdown hooks
                child.process().waitFor();
                for (String name : LocalMirror.CONTENT.keySet()) {
                    assertAbsentOrWhole(round, name);
                }
                if (!leftovers().isEmpty()) {
                    roundsWithLeftovers++;
                }
            }
            assertTrue(roundsWithLeftovers > 0, "kills while fetching leave leftovers behind, for the next fetch to remove");

            RecordingProgress progress = new RecordingProgress();
            new DatasetFetcher(kind -> List.of(new HttpMirrorSource(List.of(mirror.uri()), Duration.ofSeconds(10))),
                    progress).ensureAvailable(DatasetKind.MNIST, root, LocalMirror.PINS);
            assertEquals(Set.of(), leftovers(), "the next fetch removed the killed processes' leftovers");
        }
        for (Map.Entry<String, byte[]> file : LocalMirror.CONTENT.entrySet()) {
            assertArrayEquals(file.getValue(), Files.readAllBytes(folder().resolve(file.getKey())), file.getKey());
        }
    }

    /** The file is not there, or it is the whole file, or the whole corrupt copy the killed process put in its place. */
    private void assertAbsentOrWhole(int round, String name) throws IOException {
        Path file = folder().resolve(name);
        if (Files.notExists(file)) {
            return;
        }
        byte[] found = Files.readAllBytes(file);
        assertTrue(Arrays.equals(LocalMirror.CONTENT.get(name), found) || Arrays.equals(FetchingProcess.corrupted(name), found),
                "round " + round + ": " + name + " is absent or whole, but it holds " + found.length + " bytes of something else");
    }

    /** What only an interrupted fetch or write leaves: scratch folders and temporary files. */
    private Set<String> leftovers() {
        if (Files.notExists(folder())) {
            return Set.of();
        }
        return DataFolders.contents(folder()).stream()
                .filter(name -> name.startsWith(".fetch-") || name.endsWith(".tmp") || name.endsWith(".part"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Until {@code process} has a scratch folder or a temporary file in the data folder (at most 20 s). */
    private void waitForALeftoverOf(Process process) throws InterruptedException {
        String scratch = ".fetch-" + process.pid() + "-";
        String temporary = "." + process.pid() + ".";
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            if (leftovers().stream().anyMatch(name -> name.startsWith(scratch) || name.contains(temporary))) {
                return;
            }
            Thread.sleep(1);
        }
    }
}
