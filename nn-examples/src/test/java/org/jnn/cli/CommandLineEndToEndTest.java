package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end on a tiny synthetic data set: train, save, evaluate, predict, compare, backends. */
class CommandLineEndToEndTest {

    @TempDir
    static Path work;

    static Path data;

    @BeforeAll
    static void writeData() throws Exception {
        data = SyntheticShapes.writeDataset(work.resolve("shapes"), 30, 10, 7);
    }

    @Test
    void trainSavePlotThenEvaluateAndPredict() throws Exception {
        Path model = work.resolve("models/shapes.safetensors");
        Path plots = work.resolve("plots");
        CliRun train = CliRun.of("train", "--dataset", data.toString(), "--backend", "ejml", "--epochs", "4",
                "--save", model.toString(), "--plot", plots.toString(), "--json");
        assertEquals(0, train.status(), train::toString);

        // with --json, the per-epoch lines and progress bars go to stderr, and stdout is the JSON summary
        assertTrue(train.err().contains("epoch 1/4  loss "), train::toString);
        assertTrue(train.err().contains("epoch 4/4  loss "), train::toString);
        assertTrue(train.err().contains("epoch 1/4") && train.err().contains("100%"), train::toString);
        Map<String, Object> summary = train.json();
        assertEquals("ejml", summary.get("backend"));
        assertEquals(4, ((Number) summary.get("epochs")).intValue());
        assertEquals(1, ((Number) summary.get("batch")).intValue());
        assertEquals(List.of(784, 200, 200, 10), summary.get("layers"));
        for (String key : List.of("test_accuracy", "test_loss", "train_seconds", "samples_per_second")) {
            assertTrue(summary.get(key) instanceof Number, key + " in " + summary);
        }
        double accuracy = ((Number) summary.get("test_accuracy")).doubleValue();
        assertTrue(accuracy >= 0.9, "the shapes are easy; accuracy " + accuracy);
        assertFalse(train.err().contains("chance level"), train::toString);

        assertTrue(Files.size(model) > 784 * 200 * 8, "model file");
        Map<String, String> metadata = org.jnn.core.ModelFile.load(model).metadata();
        assertFalse(metadata.containsKey("layers"), "the layer sizes are the format's own entry: " + metadata);
        assertEquals("784,200,200,10", metadata.get(org.jnn.core.ModelFile.LAYER_SIZES_KEY), metadata::toString);
        assertEquals("ejml", metadata.get("backend"), metadata::toString);
        for (String png : List.of(Charts.TRAINING_CURVES, Charts.CONFUSION_MATRIX)) {
            BufferedImage image = ImageIO.read(plots.resolve(png).toFile());
            assertNotNull(image, png);
            assertTrue(image.getWidth() >= 600 && image.getHeight() >= 600, png);
        }

        // evaluate: the data set comes from the model's metadata; same backend, same numbers
        CliRun evaluate = CliRun.of("evaluate", model.toString(), "--backend", "ejml", "--json");
        assertEquals(0, evaluate.status(), evaluate::toString);
        assertTrue(evaluate.err().contains("confusion matrix"), evaluate::toString);
        assertTrue(evaluate.err().contains("precision") && evaluate.err().contains("recall"), evaluate::toString);
        Map<String, Object> evaluation = evaluate.json();
        assertEquals(accuracy, ((Number) evaluation.get("test_accuracy")).doubleValue());
        assertEquals(100, ((Number) evaluation.get("test_samples")).intValue());
        assertEquals(10, ((List<?>) evaluation.get("confusion_matrix")).size());
        assertFalse(evaluate.err().contains("warning"), "evaluated on its own data:\n" + evaluate);

        // on other data than it was trained on: said, with both
        Path other = SyntheticShapes.writeDataset(work.resolve("other-shapes"), 3, 3, 99);
        CliRun elsewhere = CliRun.of("evaluate", model.toString(), "--dataset", other.toString(), "--backend", "ejml");
        assertEquals(0, elsewhere.status(), elsewhere::toString);
        assertTrue(elsewhere.err().contains("warning: " + model + " was trained on " + data
                + " but is evaluated here on " + other), elsewhere::toString);

        // predict: large drawings, dark on white, are converted to MNIST's form and recognised
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--json"));
        for (int label = 0; label < SyntheticShapes.CLASSES; label++) {
            args.add(SyntheticShapes.writePng(work.resolve("shape-" + label + ".png"), label, 160, 120, 100 + label)
                    .toString());
        }
        CliRun predict = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, predict.status(), predict::toString);
        List<?> predictions = (List<?>) predict.json().get("predictions");
        assertEquals(SyntheticShapes.CLASSES, predictions.size());
        int correct = 0;
        for (int label = 0; label < predictions.size(); label++) {
            Map<?, ?> p = (Map<?, ?>) predictions.get(label);
            List<?> probabilities = (List<?>) p.get("probabilities");
            assertEquals(10, probabilities.size());
            double sum = probabilities.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
            assertEquals(1.0, sum, 1e-9);
            if (((Number) p.get("class")).intValue() == label) {
                correct++;
            }
        }
        assertTrue(correct >= 8, "recognised " + correct + " of 10 drawings:\n" + predict.out());
    }

    @Test
    void withJsonStdoutIsExactlyOneJsonDocumentForEveryCommand() throws Exception {
        Path model = work.resolve("json/model.safetensors");
        Path png = SyntheticShapes.writePng(Files.createDirectories(work.resolve("json")).resolve("ring.png"), 0, 60, 60, 5);
        String dataset = data.toString();
        List<List<String>> commands = List.of(
                List.of("train", "--dataset", dataset, "--backend", "ejml", "--epochs", "1", "--layers", "784,16,10",
                        "--save", model.toString(), "--json"),
                List.of("evaluate", model.toString(), "--json"),
                List.of("predict", "--model", model.toString(), png.toString(), "--json"),
                List.of("compare", "--dataset", dataset, "--epochs", "1", "--layers", "784,16,10", "--limit", "50",
                        "--json"),
                List.of("bench", "--dataset", dataset, "--backends", "ejml", "--batches", "4", "--precisions", "f64",
                        "--samples", "40", "--warmup", "0", "--json"),
                List.of("backends", "--json"));
        for (List<String> args : commands) {
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, run.status(), run::toString);
            assertEquals(1, run.outLines().size(), () -> "stdout holds only the JSON document: " + run);
            assertFalse(run.json().isEmpty(), run::toString);
            assertFalse(run.err().isBlank(), () -> "the report for people went to stderr: " + run);
        }
    }

    @Test
    void progressOffATerminalIsALinePerEpochWithoutRedrawsOrColour() {
        CliRun run = CliRun.of("train", "--dataset", data.toString(), "--backend", "ejml", "--epochs", "3",
                "--layers", "784,16,10");
        assertEquals(0, run.status(), run::toString);
        assertFalse(run.err().contains("\r"), "no carriage-return redraws:\n" + run);
        assertFalse(run.err().contains("\u001b"), "no colour codes:\n" + run);
        for (int epoch = 1; epoch <= 3; epoch++) {
            String task = "epoch " + epoch + "/3 ";
            assertEquals(1, run.err().lines().filter(l -> l.startsWith(task)).count(), task + "\n" + run);
        }
    }

    @Test
    void aRunThatEndsAtChanceLevelSaysSoAndSuggestsASmallerLearningRate() {
        CliRun run = CliRun.of("train", "--dataset", data.toString(), "--backend", "ejml", "--epochs", "2",
                "--layers", "784,32,10", "--lr", "0.7", "--quiet", "--json");
        assertEquals(0, run.status(), run::toString);
        double accuracy = ((Number) run.json().get("test_accuracy")).doubleValue();
        assertTrue(accuracy < 0.125, "this learning rate wrecks the network: " + accuracy);
        assertTrue(run.err().contains("warning: test accuracy 10.00% is chance level (always answering the most common "
                + "class gives 10.00%)"), run::toString);
        assertTrue(run.err().contains("try a smaller one, e.g. --lr 0.07 (this run: 0.7)"), run::toString);
    }

    @Test
    void quietPrintsNoProgressAndNoEpochLines() {
        CliRun run = CliRun.of("train", "--dataset", data.toString(), "--backend", "ejml", "--epochs", "1",
                "--layers", "784,16,10", "--quiet");
        assertEquals(0, run.status(), run::toString);
        assertFalse(run.out().contains("epoch 1/1"), run::toString);
        assertFalse(run.err().contains("%"), run::toString);
        assertTrue(run.out().startsWith("test accuracy "), run::toString);
    }

    @Test
    void limitTrainsOnTheFirstSamples() {
        CliRun run = CliRun.of("train", "--dataset", data.toString(), "--backend", "commons-math", "--epochs", "1",
                "--layers", "784,16,10", "--limit", "50", "--quiet", "--json");
        assertEquals(0, run.status(), run::toString);
        assertEquals(50, ((Number) run.json().get("train_samples")).intValue());
        assertEquals("commons-math", run.json().get("backend"));
    }

    @Test
    void compareTrainsOnEveryBackendAndTabulates() {
        CliRun run = CliRun.of("compare", "--dataset", data.toString(), "--epochs", "1", "--layers", "784,32,10",
                "--limit", "100", "--json");
        assertEquals(0, run.status(), run::toString);
        for (String column : List.of("backend", "test accuracy", "test loss", "train time", "samples/s", "max |Δw|")) {
            assertTrue(run.err().contains(column), column + "\n" + run);
        }
        List<?> results = (List<?>) run.json().get("results");
        List<String> backends = results.stream().map(r -> (String) ((Map<?, ?>) r).get("backend")).toList();
        assertTrue(backends.containsAll(List.of("ejml", "commons-math", "nd4j")), backends::toString);
        Map<?, ?> first = (Map<?, ?>) results.get(0);
        assertEquals(0.0, ((Number) first.get("max_abs_weight_difference")).doubleValue());
        for (Object r : results) {
            // same seed, same samples, same order: the backends differ only by rounding
            double difference = ((Number) ((Map<?, ?>) r).get("max_abs_weight_difference")).doubleValue();
            assertTrue(difference < 1e-6, r::toString);
        }
    }

    @Test
    void backendsListsAllThreeAndTheDefault() {
        CliRun run = CliRun.of("backends", "--json");
        assertEquals(0, run.status(), run::toString);
        for (String name : List.of("ejml", "commons-math", "nd4j")) {
            assertTrue(run.err().contains(name), run::toString);
        }
        assertTrue(run.err().contains("default: "), run::toString);
        Map<String, Object> json = run.json();
        assertEquals(3, ((List<?>) json.get("backends")).size());
        assertNotNull(json.get("default"));
        assertNotNull(json.get("default_reason"));
    }

    @Test
    void everyHelpRendersCleanly() {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(warnings, true));
        try {
            for (String command : List.of("train", "evaluate", "predict", "compare", "bench", "backends")) {
                CliRun run = CliRun.of(command, "--help");
                assertEquals(0, run.status(), run::toString);
                assertTrue(run.out().startsWith("Usage: nn " + command), run::toString);
            }
            assertEquals(0, CliRun.of("--help").status());
            for (String command : List.of("train", "jmh")) {
                CliRun help = CliRun.of("help", command);
                assertEquals(0, help.status(), help::toString);
                assertTrue(help.out().startsWith("Usage: nn " + command), help::toString);
            }
        } finally {
            System.setErr(stderr);
        }
        assertFalse(warnings.toString().contains("picocli WARN"), warnings::toString);
    }

    @Test
    void helpSpeaksOfTheReferenceExperimentNotOfAWriteUpNoReaderHas() throws Exception {
        java.util.regex.Pattern outsideContext = java.util.regex.Pattern.compile("(?i)seed('s| write-up| experiment)");
        StringBuilder texts = new StringBuilder(CliRun.of("--help").out());
        for (String command : List.of("train", "evaluate", "predict", "compare", "bench", "backends", "jmh")) {
            texts.append(CliRun.of("help", command).out());
        }
        texts.append(Files.readString(Path.of("README.md"))); // nn-examples/README.md
        assertFalse(outsideContext.matcher(texts).find(), () -> "found: " + outsideContext.matcher(texts).results()
                .map(m -> texts.substring(Math.max(0, m.start() - 60), Math.min(texts.length(), m.end() + 20))).toList());
        assertTrue(CliRun.of("help", "train").out().contains("the reference experiment, a 784-200-200-10 network"));
    }

    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.status());
        for (String command : List.of("train", "evaluate", "predict", "compare", "bench", "backends", "jmh")) {
            assertTrue(run.out().contains("  " + command), run::toString);
        }
    }

    @Test
    void jmhHandsItsArgumentsToJmh() {
        // JMH writes to the process's stdout; -l lists the benchmarks, -v is JMH's own option here, not ours
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true));
        CliRun run;
        try {
            run = CliRun.of("jmh", "-l", "-v", "NORMAL", "SpiBenchmark.gemm");
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, run.status(), run::toString);
        assertTrue(printed.toString().contains("org.jnn.bench.SpiBenchmark.gemm"), printed::toString);
        assertFalse(printed.toString().contains("SpiBenchmark.trainingStep"), "the pattern selects: " + printed);
    }
}
