package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jnn.api.Backends;
import org.jnn.core.Architecture;
import org.jnn.core.Checkpoint;
import org.jnn.core.Dataset;
import org.jnn.core.ModelFile;
import org.jnn.core.SavedModel;
import org.jnn.core.TrainingOptions;
import org.jnn.mnist.LabelledImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training as issue 13 asks for it, end to end on the command line with a small synthetic data set:
 * validation numbers per epoch and the test set once at the end, early stopping, a run interrupted and
 * resumed, {@code info} on what it wrote, and batched prediction. Options the product backends may not
 * compute yet (activations other than ReLU, dropout, Adam) run on the conformance suite's reference
 * implementation ({@link ReferenceBackend}); plain SGD with ReLU runs on ejml.
 */
class TrainingFlowTest {

    @TempDir
    static Path work;

    static Path data;

    @BeforeAll
    static void writeData() throws Exception {
        data = SyntheticShapes.writeDataset(work.resolve("shapes"), 30, 10, 11);
    }

    static Map<?, ?> epoch(Map<String, Object> json, int index) {
        return (Map<?, ?>) ((List<?>) json.get("history")).get(index);
    }

    static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    @Test
    void everyEpochReportsValidationNumbersAndTheTestSetIsMeasuredOnceAtTheEnd() {
        CliRun run = CliRun.of("train", "--dataset", data.toString(), "--backend", "ejml", "--layers", "784,32,10",
                "--epochs", "3", "--batch", "4", "--validation", "0.2", "--json");
        assertEquals(0, run.status(), run::toString);
        Map<String, Object> json = run.json();
        assertEquals(240, number(json.get("train_samples")));
        assertEquals(60, number(json.get("validation_samples")));
        assertEquals(100, number(json.get("test_samples")));
        List<?> history = (List<?>) json.get("history");
        assertEquals(3, history.size());
        for (Object o : history) {
            Map<?, ?> e = (Map<?, ?>) o;
            assertEquals(0.01, number(e.get("learning_rate")));
            assertTrue(e.get("validation_loss") instanceof Number && e.get("validation_accuracy") instanceof Number, e::toString);
            assertFalse(e.keySet().stream().anyMatch(k -> k.toString().contains("test")), "no test numbers per epoch: " + e);
        }
        assertTrue(json.get("test_accuracy") instanceof Number, json::toString);
        int best = ((Number) json.get("best_epoch")).intValue();
        assertEquals(number(epoch(json, best - 1).get("validation_loss")),
                ((List<?>) json.get("history")).stream().mapToDouble(e -> number(((Map<?, ?>) e).get("validation_loss")))
                        .min().orElseThrow(), "the best epoch has the lowest validation loss");
        assertEquals(Boolean.FALSE, json.get("stopped_early"));

        List<String> epochLines = run.err().lines().filter(l -> l.matches("epoch \\d/3  loss .*")).toList();
        assertEquals(3, epochLines.size(), run::toString);
        for (String line : epochLines) {
            assertTrue(line.matches("epoch \\d/3  loss \\d\\.\\d{4}  lr 0\\.01  validation loss \\d\\.\\d{4} accuracy "
                    + "\\d+\\.\\d\\d%  .*"), line);
        }
        assertEquals(1, run.err().lines().filter(l -> l.contains("test accuracy")).count(), "the test set once:\n" + run);
        assertFalse(epochLines.stream().anyMatch(l -> l.contains("test")), run::toString);
        assertTrue(run.err().contains("best epoch " + best + " of 3 by validation loss"), run::toString);
    }

    @Test
    void theTestDataAreReadOnceAfterTraining() throws IOException {
        LabelledImages all = DataOptions.readFolder(data).train();
        Dataset train = all.subset(IntStream.range(0, 100).toArray());
        CountingDataset test = new CountingDataset(all.subset(IntStream.range(100, 150).toArray()));
        TrainingOptions options = TrainingOptions.builder().epochs(3).batchSize(10).validation(0.2).build();
        TrainingRun.Result result = TrainingRun.train(Backends.byName("ejml"), Architecture.of(784, 16, 10), train, test,
                options, null, null, "");
        assertEquals(3, result.history().epochs().size());
        assertEquals(test.size(), test.rowsRead, "every test sample read exactly once, for the one evaluation");
    }

    /** A data set that counts the rows read from it. */
    static final class CountingDataset implements Dataset {
        final Dataset data;
        int rowsRead;

        CountingDataset(Dataset data) {
            this.data = data;
        }

        @Override
        public int size() {
            return data.size();
        }

        @Override
        public int featureCount() {
            return data.featureCount();
        }

        @Override
        public int classCount() {
            return data.classCount();
        }

        @Override
        public int label(int index) {
            return data.label(index);
        }

        @Override
        public void copyFeatures(int index, double[] destination, int offset) {
            rowsRead++;
            data.copyFeatures(index, destination, offset);
        }
    }

    @Test
    void earlyStoppingEndsTheRunAndKeepsTheBestEpochsWeights() throws Exception {
        // No fall of the validation loss after the first epoch is as large as 10: epochs 2 and 3 bring no
        // improvement, so a patience of 2 stops the run after epoch 3 with epoch 1's weights.
        Path model = work.resolve("stopped.safetensors");
        CliRun run = CliRun.of("train", "--dataset", data.toString(), "--backend", "ejml", "--layers", "784,16,10",
                "--epochs", "10", "--batch", "8", "--validation", "0.2", "--patience", "2", "--min-delta", "10",
                "--save", model.toString(), "--json");
        assertEquals(0, run.status(), run::toString);
        Map<String, Object> json = run.json();
        assertEquals(3, number(json.get("epochs_trained")));
        assertEquals(10, number(json.get("epochs")));
        assertEquals(1, number(json.get("best_epoch")));
        assertEquals(Boolean.TRUE, json.get("stopped_early"));
        assertEquals(Boolean.TRUE, json.get("restored_best"));
        assertEquals(number(epoch(json, 0).get("validation_loss")), number(json.get("validation_loss")),
                "the kept weights are epoch 1's");
        assertTrue(run.err().contains("best epoch 1 of 3 by validation loss"), run::toString);
        assertTrue(run.err().contains("stopped early: 2 epochs without improvement; the network keeps the weights of "
                + "epoch 1"), run::toString);

        Map<String, String> metadata = ModelFile.load(model).metadata();
        assertEquals("1", metadata.get("best_epoch"));
        assertEquals("true", metadata.get("stopped_early"));
        assertEquals("{\"patience\":2,\"min_delta\":10.0,\"restore_best_weights\":true}", metadata.get("early_stopping"));
    }

    /**
     * {@code --threads 2} and {@code --threads 3} save the same weights bit for bit, other than one thread's (the
     * batches of 64 are cut into shards), say so in the JSON, and hold EJML's products to one thread per worker.
     */
    @Test
    void trainingOnTwoOrThreeThreadsGivesTheSameWeights() throws Exception {
        try {
            Map<Integer, SavedModel> models = new java.util.HashMap<>();
            for (int threads = 1; threads <= 3; threads++) {
                Path model = work.resolve("threads-" + threads + ".safetensors");
                CliRun run = CliRun.of("train", "--dataset", data.toString(), "--backend", "ejml", "--layers", "784,16,10",
                        "--dropout", "0.1", "--optimizer", "adam", "--epochs", "2", "--batch", "64", "--threads",
                        Integer.toString(threads), "--save", model.toString(), "--json");
                assertEquals(0, run.status(), run::toString);
                assertEquals(threads, number(run.json().get("threads")));
                models.put(threads, ModelFile.load(model));
            }
            assertEquals(models.get(2).parameters(), models.get(3).parameters(), "2 and 3 threads");
            assertNotEquals(models.get(1).parameters(), models.get(2).parameters(), "the batches were not cut");
            assertEquals("1", System.getProperty(WorkerThreads.EJML_PRODUCTS));
        } finally {
            System.clearProperty(WorkerThreads.EJML_PRODUCTS); // the rest of this JVM's tests use the defaults
            System.clearProperty(WorkerThreads.ND4J_LARGE_PRODUCTS);
        }
    }

    /** A run with every kind of state a checkpoint must carry, of {@code epochs} epochs. */
    private static List<String> adamRun(Path dataset, int epochs) {
        return List.of("--dataset", dataset.toString(), "--backend", ReferenceBackend.NAME, "--layers", "784,24,16,10",
                "--activation", "tanh,gelu", "--dropout", "0.2,0.1", "--optimizer", "adam", "--weight-decay", "1e-4",
                "--batch", "16", "--epochs", Integer.toString(epochs), "--schedule", "cosine", "--warmup", "0.5",
                "--validation", "0.2", "--patience", "5", "--limit", "200");
    }

    @Test
    void aRunInterruptedAfterAnEpochAndResumedEndsBitIdenticalToTheRunWithoutTheBreak() throws Exception {
        Path whole = work.resolve("whole");
        Path interrupted = work.resolve("interrupted");
        Path wholeModel = work.resolve("whole.safetensors");
        Path resumedModel = work.resolve("resumed.safetensors");

        // One run of 3 epochs; when epoch 1 is reported, its checkpoint folder is copied: what a process
        // killed during epoch 2 leaves behind.
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(adamRun(data, 3));
        args.addAll(List.of("--checkpoint", whole.toString(), "--save", wholeModel.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ReferenceBackend.with(() -> NnCommand.commandLine(new PrintWriter(out, true) {
            @Override
            public void println(String line) {
                super.println(line);
                if (line.startsWith("epoch 1/3  loss ")) {
                    copyFolder(whole, interrupted);
                }
            }
        }, new PrintWriter(err, true)).execute(args.toArray(String[]::new)));
        assertEquals(0, status, () -> out + "\n" + err);
        assertEquals(1, Checkpoint.read(interrupted).epochsDone(), "the copy holds the checkpoint of epoch 1");

        CliRun info = CliRun.of("info", interrupted.toString(), "--json");
        assertEquals(0, info.status(), info::toString);
        Map<?, ?> state = (Map<?, ?>) info.json().get("checkpoint");
        assertEquals(List.of(1, 3), List.of(((Number) state.get("epochs_done")).intValue(),
                ((Number) state.get("epochs")).intValue()));
        assertTrue(info.err().contains("after epoch 1 of 3; `nn train --resume "), info::toString);

        CliRun resumed = ReferenceBackend.run("train", "--resume", interrupted.toString(), "--backend",
                ReferenceBackend.NAME, "--save", resumedModel.toString(), "--json");
        assertEquals(0, resumed.status(), resumed::toString);
        assertTrue(resumed.err().contains("resuming the run in " + interrupted + " after epoch 1 of 3"), resumed::toString);
        assertFalse(resumed.err().contains("epoch 1/3  loss"), "epoch 1 is not trained again:\n" + resumed);
        assertTrue(resumed.err().contains("epoch 3/3  loss"), resumed::toString);
        assertEquals(ModelFile.load(wholeModel).parameters(), ModelFile.load(resumedModel).parameters(),
                "the resumed run ends with the uninterrupted run's weights, bit for bit");
        Map<String, Object> json = resumed.json();
        assertEquals(3, ((List<?>) json.get("history")).size(), "the history covers the whole run");
        assertEquals(interrupted.toString(), json.get("resumed_from"));
        assertEquals(ModelFile.load(wholeModel).metadata().get("test_accuracy"), Double.toString(number(json.get("test_accuracy"))));

        CliRun again = CliRun.of("train", "--resume", interrupted.toString());
        assertEquals(2, again.status(), again::toString);
        assertTrue(again.err().contains("the run there has ended (completed 3 epochs); nothing is left to train"),
                again::toString);
        CliRun otherSettings = CliRun.of("train", "--resume", whole.toString(), "--lr", "0.1", "--epochs", "5",
                "--dataset", "mnist");
        assertEquals(2, otherSettings.status(), otherSettings::toString);
        assertTrue(otherSettings.err().contains("--resume continues the run in " + whole + " with its own settings and "
                + "data; leave out --lr, --epochs, --dataset"), otherSettings::toString);
    }

    private static void copyFolder(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (var files = Files.list(from)) {
                for (Path file : files.toList()) {
                    Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void infoDescribesASavedModelAndEvaluateRebuildsItsArchitecture() throws Exception {
        Path model = work.resolve("described.safetensors");
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(adamRun(data, 2));
        args.addAll(List.of("--save", model.toString(), "--json"));
        CliRun train = ReferenceBackend.run(args.toArray(String[]::new));
        assertEquals(0, train.status(), train::toString);

        CliRun info = CliRun.of("info", model.toString(), "--json");
        assertEquals(0, info.status(), info::toString);
        Map<String, Object> json = info.json();
        assertEquals("model", json.get("kind"));
        assertEquals(List.of(784, 24, 16, 10), json.get("layers"));
        assertEquals(List.of("tanh", "gelu"), json.get("activations"));
        assertEquals(List.of(0.2, 0.1), json.get("dropout"));
        assertEquals(784 * 24 + 24 + 24 * 16 + 16 + 16 * 10 + 10, ((Number) json.get("parameters")).intValue());
        Map<?, ?> metadata = (Map<?, ?>) json.get("metadata");
        assertEquals("{\"id\":\"adam\",\"beta1\":0.9,\"beta2\":0.999,\"epsilon\":1.0E-8,\"weight_decay\":1.0E-4}",
                metadata.get("optimizer"));
        assertEquals("{\"id\":\"cosine\",\"minimum_rate\":0.0,\"warmup_epochs\":0.5}", metadata.get("schedule"));
        assertEquals("0.2", metadata.get("validation_fraction"));
        String text = info.err();
        for (String expected : List.of("784-24(tanh, dropout 0.2)-16(gelu, dropout 0.1)-10, softmax output; 19,410 "
                        + "parameters", "adam (beta1 0.9, beta2 0.999, epsilon 1e-8, weight decay 0.0001), learning rate "
                        + "0.001, cosine schedule (warmup epochs 0.5), batch size 16, 2 epochs, seed 42; validation on 20% "
                        + "of the training data; early stopping after 5 epochs without improvement",
                "160 training samples and 40 held out for validation, with reference (f64)",
                "1    784 → 24, tanh, dropout 0.2, 18,840 parameters", "2 epochs trained; best epoch",
                "validation loss", "test         accuracy ")) {
            assertTrue(text.contains(expected), () -> "expected '" + expected + "' in\n" + info);
        }

        CliRun evaluate = ReferenceBackend.run("evaluate", model.toString(), "--backend", ReferenceBackend.NAME, "--json");
        assertEquals(0, evaluate.status(), evaluate::toString);
        assertEquals(train.json().get("test_accuracy"), evaluate.json().get("test_accuracy"),
                "the file's architecture (tanh, gelu) rebuilt: the same network, the same accuracy");
    }

    @Test
    void predictingManyPicturesAtOnceGivesWhatEachGivesAlone() throws Exception {
        Path model = work.resolve("predicting.safetensors");
        CliRun train = CliRun.of("train", "--dataset", data.toString(), "--backend", "ejml", "--layers", "784,32,10",
                "--epochs", "2", "--save", model.toString(), "--quiet");
        assertEquals(0, train.status(), train::toString);
        List<String> pictures = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            pictures.add(SyntheticShapes.writePng(work.resolve("picture-" + i + ".png"), i, 80, 60, 40 + i).toString());
        }
        List<String> all = new ArrayList<>(List.of("predict", "--model", model.toString(), "--backend", "ejml", "--json"));
        all.addAll(pictures);
        List<?> together = (List<?>) CliRun.of(all.toArray(String[]::new)).json().get("predictions");
        assertEquals(pictures.size(), together.size());
        for (int i = 0; i < pictures.size(); i++) {
            Map<?, ?> alone = (Map<?, ?>) ((List<?>) CliRun.of("predict", "--model", model.toString(), "--backend", "ejml",
                    "--json", pictures.get(i)).json().get("predictions")).get(0);
            Map<?, ?> batched = (Map<?, ?>) together.get(i);
            assertEquals(pictures.get(i), batched.get("file"));
            assertEquals(alone.get("class"), batched.get("class"), pictures.get(i));
            List<?> p = (List<?>) alone.get("probabilities");
            List<?> q = (List<?>) batched.get("probabilities");
            for (int c = 0; c < p.size(); c++) {
                // the same sums in another order (a matrix product instead of a vector one) may round differently
                assertEquals(number(p.get(c)), number(q.get(c)), 1e-12, pictures.get(i) + " class " + c);
            }
        }
    }

    @Test
    void aRunAtChanceLevelIsJudgedOnTheValidationSetWhenThereIsOne() throws IOException {
        // Enough validation samples that a network answering one class for all is near 10% on them.
        Path more = SyntheticShapes.writeDataset(work.resolve("more-shapes"), 100, 2, 5);
        CliRun run = CliRun.of("train", "--dataset", more.toString(), "--backend", "ejml", "--epochs", "2",
                "--layers", "784,32,10", "--lr", "0.7", "--validation", "0.5", "--quiet", "--json");
        assertEquals(0, run.status(), run::toString);
        assertTrue(run.err().contains("warning: validation accuracy "), run::toString);
        assertTrue(run.err().contains("is chance level (always answering the most common class gives 10.00%)"),
                run::toString);
        assertNotEquals(-1, run.err().indexOf("e.g. --lr 0.07 (this run: 0.7)"), run::toString);
        assertFalse(run.err().contains("warning: test accuracy"), "judged on the validation set:\n" + run);
    }
}
