package org.jnn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL in the middle of saving over a model leaves the old model or the new
 * one, complete, and the next save removes whatever temporary file it left.
 */
class ModelFileCrashTest {

    private static final int[] SIZES = {784, 1000, 10}; // 6 MB files: a save takes long enough to be hit

    /** Saves models of seeds 1 and 2 over {@code args[0]} in turn until it is killed. */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        List<Parameters> models = List.of(Parameters.heInitialized(SIZES, 1), Parameters.heInitialized(SIZES, 2));
        System.out.println("saving");
        System.out.flush();
        for (int i = 0; ; i++) {
            ModelFile.save(target, models.get(i % 2), Map.of("round", Integer.toString(i)));
        }
    }

    @TempDir
    Path dir;

    @Test
    void killedSaveLeavesAWholeModelAndTheNextSaveLeavesNoTemporary() throws Exception {
        Path target = dir.resolve("model.safetensors");
        Parameters original = Parameters.heInitialized(SIZES, 0);
        ModelFile.save(target, original, Map.of());
        List<Parameters> possible = List.of(original, Parameters.heInitialized(SIZES, 1), Parameters.heInitialized(SIZES, 2));
        Random random = new Random(7);
        int roundsWithLeftovers = 0;
        for (int round = 0; round < 8; round++) {
            Process saver = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ModelFileCrashTest.class.getName(), target.toString())
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(saver.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("saving", out.readLine(), "the saving process started");
                if (round % 2 == 0) {
                    Thread.sleep(random.nextInt(400)); // any moment: computing, writing, renaming
                } else {
                    String own = "." + target.getFileName() + "." + saver.pid() + ".";
                    while (saver.isAlive() && temporaries().stream().noneMatch(p -> p.getFileName().toString().startsWith(own))) {
                        Thread.onSpinWait(); // until this process writes its temporary file
                    }
                }
                saver.destroyForcibly(); // SIGKILL: no finally blocks, no shutdown hooks
                saver.waitFor();
            }
            Parameters found = ModelFile.load(target).parameters(); // throws if the file is partial or corrupt
            assertTrue(possible.contains(found), "round " + round + ": the target holds one of the saved models");
            if (!temporaries().isEmpty()) {
                roundsWithLeftovers++;
            }
        }
        assertTrue(roundsWithLeftovers > 0, "kills while writing leave temporaries behind, for the next save to remove");
        ModelFile.save(target, original, Map.of());
        assertEquals(List.of(), temporaries(), "the next save removed the temporaries of the killed processes");
    }

    private List<Path> temporaries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
