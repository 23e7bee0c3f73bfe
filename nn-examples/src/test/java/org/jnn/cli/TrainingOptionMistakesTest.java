package org.jnn.cli;

import static org.jnn.cli.UserMistakesTest.assertUserMistake;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every training option refuses a bad value with the option, the value and the allowed range, and an
 * option that does not apply to the chosen optimizer or schedule with the reason: exit status 2, before
 * any data is read (the data set given here does not exist, except where the layer count matters).
 */
class TrainingOptionMistakesTest {

    @TempDir
    static Path work;

    static Path data;
    static String missing;

    @BeforeAll
    static void writeData() throws Exception {
        data = SyntheticShapes.writeDataset(work.resolve("shapes"), 2, 1, 3);
        missing = work.resolve("no-such-data").toString();
    }

    /** {@code nn train --dataset <none> ARGS...} is refused with {@code message}. */
    private static void refused(String message, String... args) {
        List<String> all = new ArrayList<>(List.of("train", "--dataset", missing));
        all.addAll(List.of(args));
        CliRun run = assertUserMistake("train", message, all.toArray(String[]::new));
        assertFalse(run.err().contains("not a data set name nor a folder"), "refused before the data:\n" + run);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "--optimizer adagrad: unknown optimizer; use sgd, adam, adamw or rmsprop | --optimizer adagrad",
        "--lr 0.0: learning rate must be a finite number greater than 0, got 0.0 | --lr 0",
        "--lr -0.001: learning rate must be | --optimizer adam --lr -0.001",
        "--momentum 1.0: momentum must be in [0.0, 1.0), got 1.0 | --momentum 1",
        "--momentum -0.5: momentum must be in [0.0, 1.0) | --momentum -0.5",
        "--weight-decay -1.0E-4: weight decay must be a finite number of at least 0 | --weight-decay -1e-4",
        "--weight-decay -0.1: weight decay must be | --optimizer adamw --weight-decay -0.1",
        "--beta1 1.0: beta1 must be in [0.0, 1.0), got 1.0 | --optimizer adam --beta1 1",
        "--beta2 -0.1: beta2 must be in [0.0, 1.0) | --optimizer adamw --beta2 -0.1",
        "--epsilon 0.0: epsilon must be a finite number above 0 | --optimizer adam --epsilon 0",
        "--epsilon -1.0: epsilon must be a finite number above 0 | --optimizer rmsprop --epsilon -1",
        "--alpha 1.5: alpha must be in [0.0, 1.0) | --optimizer rmsprop --alpha 1.5",
        "--schedule linear: unknown schedule; use constant, step, exponential, cosine or plateau | --schedule linear",
        "--lr-step 0: step-decay period (epochs) must be at least 1, got 0 | --schedule step --lr-step 0",
        "--lr-decay 1.5: step-decay factor must be in | --schedule step --lr-decay 1.5",
        "--lr-decay 0.0: exponential decay factor must be in | --schedule exponential --lr-decay 0",
        "--lr-decay 1.0: plateau factor must be in | --schedule plateau --validation 0.1 --lr-decay 1",
        "--warmup -1.0: warm-up epochs must be a finite number of at least 0 | --schedule cosine --warmup -1",
        "--warmup 3.0: warm-up of 3.0 epochs leaves no epoch to train after it | --schedule cosine --warmup 3",
        "--lr-min 0.02: cosine minimum learning rate must be below the learning rate 0.01 | --schedule cosine --lr-min 0.02",
        "--lr-min -1.0: cosine minimum learning rate must be a finite number of at least 0 | --schedule cosine --lr-min -1",
        "--lr-patience 0: plateau patience (epochs) must be at least 1 | --schedule plateau --validation 0.1 --lr-patience 0",
        "--lr-min -1.0: plateau minimum learning rate must be | --schedule plateau --validation 0.1 --lr-min -1",
        "--validation 1.0: validation fraction must be at least 0 and below 1, got 1.0 | --validation 1",
        "--validation -0.1: validation fraction must be | --validation -0.1",
        "--patience 0: early-stopping patience must be at least 1 epoch | --validation 0.1 --patience 0",
        "--min-delta -1.0: early-stopping minimum improvement must be | --validation 0.1 --patience 2 --min-delta -1",
        "--activation swish: unknown activation 'swish'; use one of | --activation swish",
        "--activation identity: a hidden layer needs a non-linear activation | --activation identity",
        "--dropout 1.0: dropout of hidden layer 1 must be in [0, 1), got 1.0 | --dropout 1",
        "--dropout -0.2: dropout of hidden layer 1 must be in [0, 1) | --dropout 0.1,-0.2",
        "--epochs 0: number of epochs must be at least 1 | --epochs 0",
        "--batch -3: batch size must be at least 1 | --batch -3",
        "--threads 0: threads must be in [1, 256], got 0 | --threads 0",
        "--threads -2: threads must be in [1, 256], got -2 | --threads -2",
        "--threads 257: threads must be in [1, 256], got 257 | --threads 257"})
    void aBadValueNamesItsOptionAndTheRange(String message, String args) {
        refused(message, args.split(" "));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "--momentum applies to --optimizer sgd only; this run's optimizer is adam | --optimizer adam --momentum 0.9",
        "--nesterov applies to --optimizer sgd only; this run's optimizer is rmsprop | --optimizer rmsprop --nesterov",
        "--beta1 applies to --optimizer adam or adamw only; this run's optimizer is sgd | --beta1 0.9",
        "--beta2 applies to --optimizer adam or adamw only; this run's optimizer is rmsprop | --optimizer rmsprop --beta2 0.9",
        "--epsilon applies to --optimizer adam, adamw or rmsprop only; this run's optimizer is sgd | --epsilon 1e-8",
        "--alpha applies to --optimizer rmsprop only; this run's optimizer is adam | --optimizer adam --alpha 0.9",
        "--lr-step applies to --schedule step only; this run's schedule is constant | --lr-step 5",
        "--lr-decay applies to --schedule step, exponential or plateau only; this run's schedule is cosine "
                + "| --schedule cosine --lr-decay 0.5",
        "--warmup applies to --schedule cosine only; this run's schedule is constant | --warmup 1",
        "--warmup applies to --schedule cosine only; this run's schedule is step | --schedule step --warmup 1",
        "--lr-min applies to --schedule cosine or plateau only; this run's schedule is exponential "
                + "| --schedule exponential --lr-min 0.001",
        "--lr-patience applies to --schedule plateau only; this run's schedule is step | --schedule step --lr-patience 3",
        "--schedule plateau follows the validation loss, so it needs a validation set; add --validation 0.1 "
                + "| --schedule plateau",
        "--patience 3: early stopping watches the validation loss, so it needs a validation set; add --validation 0.1 "
                + "| --patience 3",
        "--patience 3: early stopping watches the validation loss | --validation 0 --patience 3",
        "--min-delta 0.01 applies to early stopping; add --patience N | --validation 0.1 --min-delta 0.01",
        "--nesterov: Nesterov's momentum needs --momentum above 0 | --nesterov --momentum 0"})
    void anOptionThatDoesNotApplySaysWhy(String message, String args) {
        refused(message, args.split(" "));
    }

    @Test
    void anOptionGivenTwiceIsRefusedRatherThanHalfForgotten() {
        refused("option '--epochs' should be given only once", "--batch", "16", "--epochs", "3", "--epochs", "2");
        refused("option '--activation' should be given only once, with its values separated by commas",
                "--activation", "tanh", "--activation", "gelu");
    }

    @Test
    void aValueThatIsNotANumberIsRefusedByTheParser() {
        refused("Invalid value for option '--dropout'", "--dropout", "0.1,lots");
        refused("Invalid value for option '--momentum'", "--momentum", "high");
    }

    @Test
    void activationsAndDropoutRatesMustBeOneOrOnePerHiddenLayer() {
        refused("--activation relu,tanh,gelu: 3 values for 2 hidden layers (784-16-16-10); give one for all, or one "
                + "per hidden layer", "--layers", "784,16,16,10", "--activation", "relu,tanh,gelu");
        refused("--dropout 0.1: the network 784-10 has no hidden layer", "--layers", "784,10", "--dropout", "0.1");
        // the default layers depend on the data: counted once it is read
        assertUserMistake("train", "--dropout 0.1,0.2,0.3: 3 values for 2 hidden layers (784-200-200-10)",
                "train", "--dataset", data.toString(), "--dropout", "0.1,0.2,0.3");
    }

    @Test
    void aValidationSetNeedsTwoSamplesToSplit() {
        assertUserMistake("train", "--validation 0.5: holding out a validation set needs at least 2 training samples, "
                + "there is 1", "train", "--dataset", data.toString(), "--validation", "0.5", "--limit", "1");
    }

    @Test
    void aCheckpointFolderThatIsAFileOrHoldsAnotherRun() throws Exception {
        Path file = Files.writeString(work.resolve("a-file"), "x");
        refused("--checkpoint " + file + ": is a file; give a folder", "--checkpoint", file.toString());
        Path used = Files.createDirectories(work.resolve("used"));
        Files.writeString(used.resolve("checkpoint.safetensors"), "an earlier run's");
        refused("--checkpoint " + used + ": holds the checkpoint of an earlier run; continue it with --resume " + used,
                "--checkpoint", used.toString());
        assertTrue(Files.readString(used.resolve("checkpoint.safetensors")).equals("an earlier run's"), "left alone");
    }

    @Test
    void resumeFromAFolderWithoutACheckpoint() throws Exception {
        assertUserMistake("train", "--resume " + missing + ": no such folder", "train", "--resume", missing);
        Path empty = Files.createDirectories(work.resolve("empty"));
        assertUserMistake("train", "--resume " + empty + ": holds no checkpoint (checkpoint.safetensors)",
                "train", "--resume", empty.toString());
        Path damaged = Files.createDirectories(work.resolve("damaged"));
        Files.writeString(damaged.resolve("checkpoint.safetensors"), "not a checkpoint");
        assertUserMistake("train", "--resume " + damaged + ": not a usable checkpoint", "train", "--resume",
                damaged.toString());
    }

    @Test
    void infoOfSomethingThatIsNoModel() throws Exception {
        assertUserMistake("info", "no such model file", "info", missing + ".safetensors");
        Path folder = Files.createDirectories(work.resolve("no-checkpoint"));
        assertUserMistake("info", folder + ": a folder without a checkpoint (checkpoint.safetensors)", "info",
                folder.toString());
    }
}
