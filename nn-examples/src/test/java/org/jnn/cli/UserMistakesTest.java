package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import picocli.CommandLine;

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
    void aBackendThatFailsToLoadIsNamedWithTheReasonEvenWhenQuiet() {
        System.setProperty("nn.ejml.threads", "abc");
        try {
            CliRun run = assertUserMistake("train", "unknown backend 'ejml'",
                    "train", "--dataset", data.toString(), "--backend", "ejml", "--quiet");
            assertTrue(run.err().contains("failed to load") && run.err().contains("nn.ejml.threads=abc is not a positive integer"),
                    "says why ejml is missing and what to set:\n" + run);
        } finally {
            System.clearProperty("nn.ejml.threads");
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
    void layersTooLargeForOneMatrixNameTheLayerAndTheCount() {
        // Once: "nn train: -1942967296", and an index out of bounds: the products overflowed an int.
        Path noData = work.resolve("no-such-data");
        assertUserMistake("train", "--layers 784,3000000,10: layer 0 maps 784 inputs to 3,000,000 outputs: 2,352,000,000"
                + " weights, more than the 2,147,483,639 values one matrix can hold", "train", "--dataset", noData.toString(),
                "--layers", "784,3000000,10");
        assertUserMistake("train", "--layers 1,65536,65537,2: layer 1 maps 65,536 inputs to 65,537 outputs: 4,295,032,832"
                + " weights", "train", "--dataset", noData.toString(), "--layers", "1,65536,65537,2");
    }

    @Test
    void aNetworkTooLargeForTheHeapIsRefusedBeforeAnythingIsAllocated() {
        // 784,000,000 weights: a few GB that the heap may or may not hold, and training needs several copies.
        assumeTrue(Runtime.getRuntime().maxMemory() < 20L << 30, "this JVM may take 20 GiB or more");
        CliRun run = CliRun.of("train", "--dataset", work.resolve("no-such-data").toString(), "--backend", "ejml",
                "--layers", "784,1000000,10");
        assertEquals(1, run.status(), run::toString);
        List<String> lines = run.err().lines().filter(line -> !line.startsWith("nn: using ")).toList();
        assertEquals(1, lines.size(), "one line:\n" + run);
        assertTrue(lines.get(0).matches("nn train: --layers 784,1000000,10 with batch size 1: a 784-1000000-10 network"
                + " needs about \\d+\\.\\d GiB of Java heap to train, and Java may take at most \\d+\\.\\d GiB here\\. Give it"
                + " more with NN_JAVA_OPTS=-Xmx\\d+g if the machine has it, or make the layers narrower\\."), run::toString);
        assertFalse(run.err().contains("not a data set"), "refused before the data are looked for:\n" + run);
        assertFalse(run.err().contains("out of memory") || run.err().contains("\tat "), run::toString);
    }

    @Test
    void theMemoryMessageSuggestsAHeapThatHoldsTheNetworkAndTheData() {
        MemoryCheck.NotEnoughMemoryException e = assertThrows(
                MemoryCheck.NotEnoughMemoryException.class, () -> MemoryCheck.check("--layers 784,4000,10", new int[] {784,
                    4000, 10}, 64, (long) (2.3 * (1L << 30)), 1L << 30));
        assertEquals("--layers 784,4000,10 with batch size 64: a 784-4000-10 network needs about 2.3 GiB of Java heap to"
                + " train, and Java may take at most 1.0 GiB here. Give it more with NN_JAVA_OPTS=-Xmx4g if the machine has"
                + " it, or make the layers narrower or the batches smaller.", e.getMessage());
        MemoryCheck.check("--layers 784,4000,10", new int[] {784, 4000, 10}, 64, 1L << 30, 1L << 30); // fits exactly
    }

    @Test
    void runningOutOfMemorySaysHowMuchWasInUseAndHowToGiveMore() {
        // Networks too large are refused before they are made, so the handler is called here as the
        // execution strategy calls it when something else runs out of memory.
        StringWriter err = new StringWriter();
        CommandLine nn = NnCommand.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        int status = ErrorHandler.outOfMemory(new OutOfMemoryError("Java heap space"), nn.getSubcommands().get("train"));
        assertEquals(1, status);
        assertTrue(err.toString().startsWith("nn train: out of memory (Java heap space): "), err::toString);
        assertTrue(err.toString().matches("(?s).*\\d+ MiB of the Java heap in use, and Java may take at most \\d+ MiB here.*"),
                err::toString);
        assertTrue(err.toString().contains("Give it more with NN_JAVA_OPTS=-Xmx"), err::toString);
        assertFalse(err.toString().contains("\tat "), "no stack trace without --verbose:\n" + err);
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
    void plotUnderAFileIsAMistakeLikeSaveUnderAFile() throws Exception {
        Path file = Files.writeString(work.resolve("a-file"), "x");
        Path plots = file.resolve("plots");
        assertUserMistake("train", "--plot " + plots + ": " + file + " is a file, not a folder", "train", "--dataset",
                data.toString(), "--plot", plots.toString());
        assertUserMistake("evaluate", "--plot " + plots + ": " + file + " is a file, not a folder", "evaluate",
                model.toString(), "--plot", plots.toString());
        Path saved = file.resolve("model.safetensors");
        assertUserMistake("train", "--save " + saved + ": " + file + " is a file, not a folder", "train", "--dataset",
                data.toString(), "--save", saved.toString());
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
