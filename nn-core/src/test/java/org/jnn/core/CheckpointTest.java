package org.jnn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jnn.api.Activation;
import org.jnn.core.conformance.ReferenceLinearAlgebra;
import org.jnn.core.conformance.SyntheticData;
import org.jnn.core.optim.LearningRateSchedule;
import org.jnn.core.optim.Optimizer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run interrupted after an epoch and resumed from its checkpoint ends bit for bit where the same run
 * ends uninterrupted: weights, history and the decisions of early stopping and the schedule.
 */
class CheckpointTest {

    private final ReferenceLinearAlgebra la = new ReferenceLinearAlgebra();

    enum Run {
        PLAIN_SGD(Architecture.of(2, 12, 2), TrainingOptions.builder().learningRate(0.1).batchSize(5).epochs(4)),
        MOMENTUM_STEP_DECAY(Architecture.of(2, 12, 2), TrainingOptions.builder().learningRate(0.1).batchSize(5).epochs(4)
                .optimizer(Optimizer.sgd().withNesterov().withWeightDecay(1e-3))
                .schedule(LearningRateSchedule.stepDecay(1, 0.5))),
        ADAM_COSINE_DROPOUT_VALIDATION(Architecture.of(2, 12, 8, 2).withActivations(Activation.GELU, Activation.TANH)
                .withDropout(0.2), TrainingOptions.builder().learningRate(0.01).batchSize(8).epochs(4)
                .optimizer(Optimizer.adamW(0.01)).schedule(LearningRateSchedule.cosine(0, 0.5)).validation(0.2)),
        RMSPROP_PLATEAU_EARLY_STOPPING(Architecture.of(2, 12, 2).withActivation(Activation.LEAKY_RELU),
                TrainingOptions.builder().learningRate(0.01).batchSize(4).epochs(6).optimizer(Optimizer.rmsProp())
                        .schedule(LearningRateSchedule.reduceOnPlateau(0.5, 1, 0)).validation(0.25)
                        .earlyStopping(new EarlyStopping(2, 0.001, true))),
        // The checkpoint keeps the thread count: resumed on one thread, the 64-row batches would not be cut.
        ADAM_DROPOUT_TWO_THREADS(Architecture.of(2, 12, 8, 2).withDropout(0.2), TrainingOptions.builder().learningRate(0.01)
                .batchSize(64).epochs(4).optimizer(Optimizer.adam()).threads(2));

        final Architecture architecture;
        final TrainingOptions.Builder options;

        Run(Architecture architecture, TrainingOptions.Builder options) {
            this.architecture = architecture;
            this.options = options;
        }
    }

    /** Thrown by the listener to interrupt a run after an epoch, as a crash would. */
    static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @ParameterizedTest
    @EnumSource(Run.class)
    void aRunResumedFromItsCheckpointEndsExactlyAsTheUninterruptedRun(Run run, @TempDir Path folder) throws IOException {
        Dataset data = SyntheticData.quadrants(150, 3);
        Network whole = Network.create(la, run.architecture, 7);
        TrainingHistory expected = whole.train(data, run.options.checkpoints(folder.resolve("whole")).build());

        Network first = Network.create(la, run.architecture, 7);
        Path interrupted = folder.resolve("interrupted");
        assertThrows(Interrupted.class, () -> first.train(data, run.options.checkpoints(interrupted).build(),
                new TrainingListener() {
                    @Override
                    public void epochFinished(EpochResult result) {
                        if (result.epoch() == 2) {
                            throw new Interrupted();
                        }
                    }
                }));
        Checkpoint checkpoint = Checkpoint.read(interrupted);
        assertEquals(2, checkpoint.epochsDone());
        Network resumed = checkpoint.network(new ReferenceLinearAlgebra());
        TrainingHistory actual = resumed.resume(checkpoint, data, null, TrainingListener.NONE);

        assertEquals(whole.parameters(), resumed.parameters(), "weights bit for bit");
        assertEquals(expected.epochs().size(), actual.epochs().size());
        for (int e = 0; e < expected.epochs().size(); e++) {
            EpochResult x = expected.epochs().get(e);
            EpochResult y = actual.epochs().get(e);
            assertEquals(List.of(x.epoch(), x.meanLoss(), x.samples(), x.learningRate(), x.validationLoss(),
                    x.validationAccuracy()), List.of(y.epoch(), y.meanLoss(), y.samples(), y.learningRate(),
                    y.validationLoss(), y.validationAccuracy()), "epoch " + (e + 1));
        }
        assertEquals(expected.bestEpoch(), actual.bestEpoch());
        assertEquals(expected.stoppedEarly(), actual.stoppedEarly());
        assertEquals(expected.restoredBest(), actual.restoredBest());
    }

    @org.junit.jupiter.api.Test
    void aRunThatStoppedEarlyStaysStoppedWhenResumed(@TempDir Path folder) throws IOException {
        Dataset train = SyntheticData.quadrants(100, 5);
        Dataset worse = flipped(train); // the better the fit, the worse the validation loss: stops early
        Network net = Network.create(la, Architecture.of(2, 12, 2), 4);
        TrainingHistory history = net.train(train, worse, TrainingOptions.builder().learningRate(0.1).batchSize(10)
                .epochs(30).earlyStopping(EarlyStopping.after(2)).checkpoints(folder).build(), TrainingListener.NONE);
        assertTrue(history.stoppedEarly());
        Checkpoint checkpoint = Checkpoint.read(folder);
        assertTrue(checkpoint.stoppedEarly());
        Network resumed = checkpoint.network(new ReferenceLinearAlgebra());
        TrainingHistory after = resumed.resume(checkpoint, train, worse, TrainingListener.NONE);
        assertEquals(history.epochs().size(), after.epochs().size(), "no epoch trained after the stop");
        assertEquals(net.parameters(), resumed.parameters(), "the best epoch's weights, as the first run ended");
    }

    private static Dataset flipped(Dataset data) {
        double[][] rows = new double[data.size()][data.featureCount()];
        int[] labels = new int[data.size()];
        for (int i = 0; i < data.size(); i++) {
            data.copyFeatures(i, rows[i], 0);
            labels[i] = 1 - data.label(i);
        }
        return Dataset.of(rows, labels, 2);
    }

    @ParameterizedTest
    @EnumSource(value = Run.class, names = "ADAM_COSINE_DROPOUT_VALIDATION")
    void aCheckpointIsAModelFileThatRebuildsItsNetworkOnAnyBackend(Run run, @TempDir Path folder) throws IOException {
        Dataset data = SyntheticData.quadrants(40, 3);
        Network net = Network.create(la, run.architecture, 7);
        net.train(data, run.options.epochs(1).checkpoints(folder).build());
        SavedModel saved = ModelFile.load(Checkpoint.file(folder));
        assertEquals(run.architecture, saved.architecture());
        assertEquals(net.parameters(), saved.parameters());
        assertEquals(net.evaluate(data).loss(), saved.toNetwork(new ReferenceLinearAlgebra()).evaluate(data).loss());
    }

    @ParameterizedTest
    @EnumSource(value = Run.class, names = "PLAIN_SGD")
    void anEditedCheckpointIsRefused(Run run, @TempDir Path folder) throws IOException {
        Network net = Network.create(la, run.architecture, 7);
        net.train(SyntheticData.quadrants(20, 3), run.options.epochs(1).checkpoints(folder).build());
        Path file = Checkpoint.file(folder);
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
        String edited = header.replace("\\\"epochs_done\\\":1", "\\\"epochs_done\\\":0");
        assertTrue(!edited.equals(header), header);
        byte[] out = bytes.clone();
        System.arraycopy(edited.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, out, 8, (int) headerLength);
        Files.write(file, out);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.read(folder));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Run.class, names = "PLAIN_SGD")
    void aCheckpointOfAnotherArchitectureIsRefused(Run run, @TempDir Path folder) throws IOException {
        Network net = Network.create(la, run.architecture, 7);
        net.train(SyntheticData.quadrants(20, 3), run.options.epochs(2).checkpoints(folder).build());
        Checkpoint checkpoint = Checkpoint.read(folder);
        Network other = Network.create(la, Architecture.of(2, 12, 2).withActivation(Activation.TANH), 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> other.resume(checkpoint, SyntheticData.quadrants(20, 3), null, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("tanh"), e.getMessage());
    }
}
