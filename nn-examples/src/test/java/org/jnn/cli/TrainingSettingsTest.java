package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jnn.api.Activation;
import org.jnn.core.Architecture;
import org.jnn.core.EarlyStopping;
import org.jnn.core.TrainingOptions;
import org.jnn.core.optim.LearningRateSchedule;
import org.jnn.core.optim.Optimizer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code nn train}'s options become: the library's options and architecture, defaults included. */
class TrainingSettingsTest {

    /** The training settings {@code nn train ARGS} parses, without running anything. */
    static TrainCommand parse(String... args) {
        CommandLine nn = NnCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(List.of(args));
        nn.parseArgs(all.toArray(String[]::new));
        return nn.getSubcommands().get("train").getCommand();
    }

    static TrainingOptions options(String... args) {
        return parse(args).training.options();
    }

    @Test
    void withoutOptionsItIsTheReferenceExperiment() {
        assertEquals(TrainingOptions.REFERENCE_EXPERIMENT, options());
        assertEquals(Architecture.of(784, 200, 200, 10), parse().training.architectureFor(new int[] {784, 200, 200, 10}));
    }

    @Test
    void theLearningRateDefaultsToTheOptimizersUsualOne() {
        assertEquals(0.01, options("--optimizer", "sgd").learningRate());
        assertEquals(0.01, options("--optimizer", "rmsprop").learningRate());
        assertEquals(0.001, options("--optimizer", "adam").learningRate());
        assertEquals(0.001, options("--optimizer", "AdamW").learningRate());
        assertEquals(0.05, options("--optimizer", "adam", "--lr", "0.05").learningRate());
    }

    @Test
    void sgdWithMomentumNesterovAndWeightDecay() {
        assertEquals(Optimizer.sgd().withMomentum(0.9), options("--momentum", "0.9").optimizer());
        assertEquals(new Optimizer.Sgd(0.8, true, 1e-4),
                options("--momentum", "0.8", "--nesterov", "--weight-decay", "1e-4").optimizer());
        assertEquals(new Optimizer.Sgd(0.9, true, 0), options("--nesterov").optimizer(), "Nesterov alone takes μ 0.9");
    }

    @Test
    void adamAdamwAndRmspropWithTheirSettings() {
        assertEquals(Optimizer.adam(), options("--optimizer", "adam").optimizer());
        assertEquals(new Optimizer.Adam(0.8, 0.99, 1e-6, 1e-3, false), options("--optimizer", "adam", "--beta1", "0.8",
                "--beta2", "0.99", "--epsilon", "1e-6", "--weight-decay", "1e-3").optimizer());
        assertEquals(Optimizer.adamW(0.01), options("--optimizer", "adamw").optimizer(), "PyTorch's default decay");
        assertEquals(Optimizer.adamW(0.05), options("--optimizer", "adamw", "--weight-decay", "0.05").optimizer());
        assertEquals(Optimizer.rmsProp(), options("--optimizer", "rmsprop").optimizer());
        assertEquals(new Optimizer.RmsProp(0.9, 1e-7, 0.001), options("--optimizer", "rmsprop", "--alpha", "0.9",
                "--epsilon", "1e-7", "--weight-decay", "0.001").optimizer());
    }

    @Test
    void everyScheduleWithItsDefaultsAndSettings() {
        assertEquals(LearningRateSchedule.constant(), options("--schedule", "constant").schedule());
        assertEquals(LearningRateSchedule.stepDecay(10, 0.1), options("--schedule", "step").schedule());
        assertEquals(LearningRateSchedule.stepDecay(2, 0.5),
                options("--schedule", "step", "--lr-step", "2", "--lr-decay", "0.5").schedule());
        assertEquals(LearningRateSchedule.exponential(0.9), options("--schedule", "exponential").schedule());
        assertEquals(LearningRateSchedule.exponential(0.7),
                options("--schedule", "exponential", "--lr-decay", "0.7").schedule());
        assertEquals(LearningRateSchedule.cosine(), options("--schedule", "cosine").schedule());
        assertEquals(LearningRateSchedule.cosine(1e-4, 1.5), options("--schedule", "cosine", "--lr-min", "1e-4",
                "--warmup", "1.5").schedule());
        assertEquals(LearningRateSchedule.reduceOnPlateau(0.1, 10, 0),
                options("--schedule", "plateau", "--validation", "0.1").schedule());
        assertEquals(new LearningRateSchedule.ReduceOnPlateau(0.5, 2, 0, 1e-5), options("--schedule", "plateau",
                "--validation", "0.1", "--lr-decay", "0.5", "--lr-patience", "2", "--lr-min", "1e-5").schedule());
    }

    @Test
    void validationAndEarlyStopping() {
        TrainingOptions held = options("--validation", "0.1");
        assertEquals(0.1, held.validationFraction());
        assertNull(held.earlyStopping());
        assertEquals(EarlyStopping.after(5), options("--validation", "0.1", "--patience", "5").earlyStopping());
        assertEquals(EarlyStopping.after(5).withMinDelta(0.001),
                options("--validation", "0.2", "--patience", "5", "--min-delta", "0.001").earlyStopping());
    }

    @Test
    void theLoopSettings() {
        TrainingOptions o = options("--batch", "64", "--epochs", "30", "--seed", "7");
        assertEquals(List.of(64, 30, 7L), List.of(o.batchSize(), o.epochs(), o.seed()));
        assertNull(o.checkpointDirectory(), "the checkpoint folder is train's own, set when the run starts");
    }

    @Test
    void activationsAndDropoutOneForAllOrOnePerHiddenLayer() {
        int[] layers = {784, 64, 32, 10};
        assertEquals(Architecture.of(layers).withActivation(Activation.GELU),
                parse("--activation", "gelu").training.architectureFor(layers));
        assertEquals(Architecture.of(layers).withActivations(Activation.TANH, Activation.LEAKY_RELU),
                parse("--activation", "tanh,leaky-relu").training.architectureFor(layers));
        assertEquals(Architecture.of(layers).withDropout(0.2),
                parse("--dropout", "0.2").training.architectureFor(layers));
        assertEquals(Architecture.of(layers).withActivation(Activation.SIGMOID).withDropouts(0.5, 0),
                parse("--activation", "sigmoid", "--dropout", "0.5,0").training.architectureFor(layers));
    }

    @Test
    void checkpointAndResumeAreTrainsOwnOptions() {
        TrainCommand train = parse("--checkpoint", "runs/a");
        assertEquals(Path.of("runs/a"), train.checkpoints.directory);
        assertEquals(Path.of("runs/b"), parse("--resume", "runs/b").checkpoints.resume);
    }
}
