package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jnn.core.ModelFile;
import org.jnn.core.Parameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mistake in the arguments: exit status 2, the one line that says what was wrong, where to read more, no stack trace. */
class UserMistakesTest {

    @TempDir
    static Path work;

    static Path data;
    static Path model;

    @BeforeAll
    static void writeDataAndModel() throws Exception {
        data = SyntheticShapes.writeDataset(work.resolve("shapes"), 3, 2, 1);
        model = work.resolve("small.safetensors");
        ModelFile.save(model, Parameters.heInitialized(new int[] {784, 8, 10}, 1), Map.of("dataset", data.toString()));
    }

    /**
     * Exit status 2, and on stderr two lines: what was wrong, then {@code see: ./nn help COMMAND} (after
     * the notice of which backend was chosen, if any); no wall of usage text, nothing like a stack trace.
     */
    static CliRun assertUserMistake(String command, String message, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(2, run.status(), run::toString);
        List<String> lines = run.err().lines().filter(line -> !line.startsWith("nn: using ")).toList();
        assertEquals(2, lines.size(), run::toString);
        assertTrue(lines.get(0).contains(message), () -> "expected '" + message + "' in\n" + run);
        assertEquals("see: ./nn help " + command, lines.get(1), run::toString);
        assertFalse(run.err().contains("Usage:"), run::toString);
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run::toString);
        return run;
    }

    @Test
    void unknownBackend() {
        CliRun run = assertUserMistake("train", "unknown backend 'blas9000'",
                "train", "--dataset", data.toString(), "--backend", "blas9000");
        assertTrue(run.err().contains("ejml"), "names the backends there are:\n" + run);
    }

    @Test
    void unknownBackendFromTheSystemPropertySaysWhereTheNameCameFrom() {
        System.setProperty("nn.backend", "cuda");
        try {
            CliRun run = assertUserMistake("train", "unknown backend 'cuda' (from the system property nn.backend)",
                    "train", "--dataset", data.toString());
            assertTrue(run.err().contains("the class path has nd4j, ejml, commons-math"), run::toString);
        } finally {
            System.clearProperty("nn.backend");
        }
    }

    @Test
    void negativeEpochs() {
        assertUserMistake("train", "--epochs -1: number of epochs must be at least 1, got -1",
                "train", "--dataset", data.toString(), "--epochs", "-1");
    }

    @Test
    void zeroBatchAndNegativeLearningRate() {
        assertUserMistake("train", "--batch 0: batch size must be at least 1", "train", "--dataset", data.toString(),
                "--batch", "0");
        assertUserMistake("train", "--lr -0.5: learning rate must be a finite number greater than 0", "train",
                "--dataset", data.toString(), "--lr", "-0.5");
    }

    @Test
    void layerSizesAreCheckedBeforeAnyDataIsRead() {
        // the data set does not exist: the layer sizes are refused first, by the library's rule
        assertUserMistake("train", "--layers 784,0,10: layer sizes must be positive", "train",
                "--dataset", work.resolve("no-such-data").toString(), "--layers", "784,0,10");
        assertUserMistake("compare", "--epochs 0: number of epochs must be at least 1", "compare",
                "--dataset", work.resolve("no-such-data").toString(), "--epochs", "0");
    }

    @Test
    void layersThatDoNotStartAtTheInputWidth() {
        assertUserMistake("train", "starts at 100", "train", "--dataset", data.toString(), "--layers", "100,10");
        assertUserMistake("train", "start it with 784", "train", "--dataset", data.toString(), "--layers", "100,10");
    }

    @Test
    void layersThatDoNotEndAtTheClassCount() {
        assertUserMistake("train", "end it with 10", "train", "--dataset", data.toString(), "--layers", "784,20,3");
    }

    @Test
    void notANumber() {
        assertUserMistake("train", "--epochs", "train", "--dataset", data.toString(), "--epochs", "three");
    }

    @Test
    void unknownOptionAndUnknownCommand() {
        assertUserMistake("train", "Unknown options: '--epoch', '3'; did you mean --epochs", "train", "--epoch", "3");
        CliRun run = CliRun.of("trian");
        assertEquals(2, run.status(), run::toString);
        assertEquals(List.of("nn: Unmatched argument at index 0: 'trian'; did you mean train?", "see: ./nn --help"),
                run.err().lines().toList(), run::toString);
    }

    @Test
    void noCommand() {
        CliRun run = CliRun.of();
        assertEquals(2, run.status(), run::toString);
        assertEquals(List.of("nn: say which command to run", "see: ./nn --help"), run.err().lines().toList(),
                run::toString);
    }

    @Test
    void runningOutOfMemorySaysHowMuchWasInUseAndHowToGiveMore() {
        // a hidden layer whose weights alone are half as large again as the most memory this JVM may take
        long hidden = (long) (Runtime.getRuntime().maxMemory() / 8.0 / 784 * 1.5) + 1;
        assumeTrue(hidden * 784 < Integer.MAX_VALUE - 16, "this JVM may take more memory than one array can hold");
        String[] args = {"train", "--dataset", data.toString(), "--backend", "ejml", "--layers", "784," + hidden + ",10"};
        CliRun run = CliRun.of(args);
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("nn train: out of memory (Java heap space): "), run::toString);
        assertTrue(run.err().matches("(?s).*\\d+ MiB of the Java heap in use, and Java may take at most \\d+ MiB here.*"),
                run::toString);
        assertTrue(run.err().contains("Give it more with NN_JAVA_OPTS=-Xmx"), run::toString);
        assertFalse(run.err().contains("\tat "), "no stack trace without --verbose:\n" + run);

        String[] verbose = java.util.Arrays.copyOf(args, args.length + 1);
        verbose[args.length] = "--verbose";
        CliRun loud = CliRun.of(verbose);
        assertEquals(1, loud.status(), loud::toString);
        assertTrue(loud.err().contains("\tat "), "--verbose shows where:\n" + loud);
    }

    @Test
    void unknownDataset() {
        assertUserMistake("train", "not a data set name nor a folder", "train", "--dataset", "cifar");
    }

    @Test
    void folderWithoutTheIdxFiles() {
        assertUserMistake("train", "lacks train-images-idx3-ubyte", "train", "--dataset", work.toString());
    }

    @Test
    void unsupportedPrecision() {
        assertUserMistake("train", "--precision f32", "train", "--dataset", data.toString(),
                "--backend", "commons-math", "--precision", "f32");
        assertUserMistake("train", "unknown precision 'f16'", "train", "--dataset", data.toString(),
                "--precision", "f16");
    }

    @Test
    void missingModelFile() {
        assertUserMistake("evaluate", "no such model file", "evaluate", work.resolve("missing.safetensors").toString());
        assertUserMistake("predict", "no such model file", "predict", "--model",
                work.resolve("missing.safetensors").toString(), "x.png");
    }

    @Test
    void corruptModelFile() throws Exception {
        Path corrupt = work.resolve("corrupt.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 5] ^= 0x55; // one weight changed: the checksum no longer matches
        Files.write(corrupt, bytes);
        assertUserMistake("evaluate", "not a usable model file", "evaluate", corrupt.toString());

        Path garbage = Files.writeString(work.resolve("garbage.safetensors"), "this is not a model");
        assertUserMistake("evaluate", "not a usable model file", "evaluate", garbage.toString());
    }

    @Test
    void modelOfAnotherInputWidth() throws Exception {
        Path narrow = work.resolve("narrow.safetensors");
        ModelFile.save(narrow, Parameters.heInitialized(new int[] {100, 10}, 1), Map.of());
        assertUserMistake("evaluate", "takes 100 inputs per sample", "evaluate", narrow.toString(),
                "--dataset", data.toString());
        Path png = SyntheticShapes.writePng(work.resolve("ring.png"), 0, 50, 50, 1);
        assertUserMistake("predict", "the model takes 100 inputs", "predict", "--model", narrow.toString(),
                png.toString());
    }

    @Test
    void predictNamesEachBadPictureWithTheReasonAndStillClassifiesTheOthers() throws Exception {
        Path good = SyntheticShapes.writePng(work.resolve("good-ring.png"), 0, 50, 50, 1);
        Path missing = work.resolve("nothing.png");
        Path text = Files.writeString(work.resolve("text.png"), "not a picture");
        Path blank = work.resolve("blank.png");
        ImageIO.write(new BufferedImage(30, 30, BufferedImage.TYPE_BYTE_GRAY), "png", blank.toFile());
        Path folder = Files.createDirectories(work.resolve("a-folder.png"));
        Path alsoGood = SyntheticShapes.writePng(work.resolve("good-bar.png"), 1, 50, 50, 2);

        CliRun run = CliRun.of("predict", "--model", model.toString(), good.toString(), missing.toString(),
                text.toString(), blank.toString(), folder.toString(), alsoGood.toString(), "--json");
        assertEquals(1, run.status(), "a picture failed: exit status 1\n" + run);
        assertFalse(run.err().contains("Usage:") || run.err().contains("\tat "), run::toString);
        for (String expected : List.of(missing + ": no such file", text + ": not an image this program can read",
                blank + ": the picture is blank", folder + ": not a file")) {
            assertTrue(run.err().contains("predict: " + expected), () -> "expected '" + expected + "' in\n" + run);
        }
        for (Path bad : List.of(missing, text, blank, folder)) {
            assertEquals(1, occurrences(run.err(), bad.toString()), "names " + bad + " once:\n" + run);
        }
        assertTrue(run.err().contains("4 of 6 pictures could not be classified"), run::toString);
        Map<String, Object> json = run.json();
        List<?> predictions = (List<?>) json.get("predictions");
        assertEquals(List.of(good.toString(), alsoGood.toString()),
                predictions.stream().map(p -> ((Map<?, ?>) p).get("file")).toList());
        assertEquals(4, ((List<?>) json.get("failures")).size(), json::toString);
    }

    @Test
    void predictOfGoodPicturesOnlyExitsWithZero() throws Exception {
        Path good = SyntheticShapes.writePng(work.resolve("only-good.png"), 3, 50, 50, 3);
        CliRun run = CliRun.of("predict", "--model", model.toString(), good.toString());
        assertEquals(0, run.status(), run::toString);
        assertTrue(run.out().startsWith(good + ": "), run::toString);
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            count++;
        }
        return count;
    }

    @Test
    void saveIntoAFolder() {
        assertUserMistake("train", "is a folder", "train", "--dataset", data.toString(), "--save", work.toString());
    }

    @Test
    void saveWhereNoFileCanBeCreatedIsRefusedBeforeTraining() throws Exception {
        Path folder = folderNoFileCanBeCreatedIn();
        assumeTrue(folder != null, "no folder here refuses new files");
        Path target = folder.resolve("model.safetensors");
        CliRun run = assertUserMistake("train", "--save " + target + ": cannot write in " + folder,
                "train", "--dataset", data.toString(), "--save", target.toString());
        assertFalse(run.out().contains("training") || run.out().contains("test accuracy"),
                "refused before training:\n" + run);
        assertFalse(run.err().contains(".tmp"), "names the file given, not a temporary one:\n" + run);

        Path nested = folder.resolve("models").resolve("model.safetensors");
        assertUserMistake("train", "--save " + nested + ": cannot create the folder " + nested.getParent()
                + ": cannot write in " + folder, "train", "--dataset", data.toString(), "--save", nested.toString());
    }

    /**
     * A folder in which creating a file really fails: a read-only one, unless the tests run as root (who
     * may write there whatever its permissions say), else {@code /sys}, which takes no new files even from
     * root although {@link Files#isWritable} says it does; {@code null} if there is none.
     */
    private static Path folderNoFileCanBeCreatedIn() throws Exception {
        Path readOnly = Files.createDirectories(work.resolve("read-only"));
        try {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system; /sys will not exist either
        }
        for (Path candidate : List.of(readOnly, Path.of("/sys"))) {
            if (Files.isDirectory(candidate)) {
                try {
                    Files.delete(Files.createTempFile(candidate, "probe", ".tmp"));
                } catch (IOException e) {
                    return candidate;
                }
            }
        }
        return null;
    }

    @Test
    void checkingTheSaveTargetLeavesNothingBehind() throws Exception {
        Path folder = Files.createDirectories(work.resolve("save-check"));
        Path target = folder.resolve("new").resolve("model.safetensors");
        // A mistake found after the --save check, so the command stops there.
        assertUserMistake("train", "starts at 100", "train", "--dataset", data.toString(), "--layers", "100,10",
                "--save", target.toString());
        try (Stream<Path> left = Files.list(folder)) {
            assertEquals(List.of(), left.toList(), "no probe file and no folder created");
        }
    }

    @Test
    void failuresThatAreNotTheUsersFaultExitWithOneAndNoStackTrace() {
        // A learning rate this large makes the loss overflow to infinity: not a wrong argument, but training fails.
        CliRun run = CliRun.of("train", "--dataset", data.toString(), "--backend", "ejml", "--lr", "1e150",
                "--epochs", "2", "--quiet");
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("training diverged"), run::toString);
        assertFalse(run.err().contains("\tat "), run::toString);
        assertFalse(run.err().contains("Usage:"), run::toString);

        CliRun verbose = CliRun.of("train", "--dataset", data.toString(), "--backend", "ejml", "--lr", "1e150",
                "--epochs", "2", "--quiet", "--verbose");
        assertEquals(1, verbose.status(), verbose::toString);
        assertTrue(verbose.err().contains("\tat "), "--verbose shows the stack trace\n" + verbose);
    }
}
