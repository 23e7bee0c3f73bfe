package org.jnn.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.jnn.api.LinearAlgebra;
import org.jnn.core.Architecture;
import org.jnn.core.Checkpoint;
import org.jnn.core.Dataset;
import org.jnn.core.EpochResult;
import org.jnn.core.Evaluation;
import org.jnn.core.Network;
import org.jnn.core.TrainingHistory;
import org.jnn.core.TrainingListener;
import org.jnn.core.TrainingOptions;

/**
 * One training of a network, with a progress bar and a line per epoch, then one evaluation on the test
 * data; shared by train and compare. The test data are looked at once, after training: every decision
 * during it (early stopping, a plateau schedule) is the validation set's.
 */
final class TrainingRun {

    private TrainingRun() {
    }

    /**
     * What one epoch did: its mean training loss, the learning rate of its last step and, with a
     * validation set, the validation loss and accuracy after it (NaN, null in JSON, without one).
     */
    record EpochStats(int epoch, double trainLoss, double learningRate, double validationLoss,
            double validationAccuracy, double seconds, double samplesPerSecond) {

        static EpochStats of(EpochResult r) {
            return new EpochStats(r.epoch(), r.meanLoss(), r.learningRate(), r.validationLoss(), r.validationAccuracy(),
                    r.seconds(), r.samplesPerSecond());
        }

        boolean hasValidation() {
            return !Double.isNaN(validationLoss);
        }
    }

    /**
     * The trained network, how its training went, and its one evaluation on the test data.
     *
     * @param trainSamples the samples of the data given to training (the validation set is held out of them)
     */
    record Result(Network network, TrainingHistory history, Evaluation test, int trainSamples) {

        List<EpochStats> epochs() {
            return history.epochs().stream().map(EpochStats::of).toList();
        }

        /** The validation numbers of the weights the network ends with (its best epoch's if restored), or null. */
        EpochStats kept() {
            EpochStats kept = epochs().get(keptEpoch() - 1);
            return kept.hasValidation() ? kept : null;
        }

        /** The epoch whose weights the network ends with. */
        int keptEpoch() {
            return history.restoredBest() ? history.bestEpoch() : history.last().epoch();
        }

        /** Samples trained on per epoch: without the validation set. */
        int fitSamples() {
            return history.last().samples();
        }

        /** Samples held out for validation, 0 for none. */
        int validationSamples() {
            return history.last().hasValidation() ? trainSamples - fitSamples() : 0;
        }

        double trainSeconds() {
            return history.seconds();
        }

        /** Training throughput over all epochs (validation and evaluation time excluded). */
        double samplesPerSecond() {
            double seconds = trainSeconds();
            return seconds > 0 ? history.samples() / seconds : Double.POSITIVE_INFINITY;
        }
    }

    /**
     * Creates the network (the seed decides the initial weights, the same on every backend), trains it,
     * then evaluates it on {@code test}.
     *
     * @param progress where progress bars go, or null for none
     * @param lines where the per-epoch lines go, or null for none
     * @param prefix put before the task name and each line (compare names the backend there), may be ""
     */
    static Result train(LinearAlgebra backend, Architecture architecture, Dataset train, Dataset test,
            TrainingOptions options, ProgressOutput progress, PrintWriter lines, String prefix) {
        Network network = Network.create(backend, architecture, options.seed());
        TrainingHistory history = network.train(train, options, new Reporter(options.epochs(), progress, lines, prefix));
        return new Result(network, history, network.evaluate(test), train.size());
    }

    /** Continues the run {@code checkpoint} holds on {@code train}, then evaluates on {@code test}. */
    static Result resume(LinearAlgebra backend, Checkpoint checkpoint, Dataset train, Dataset test,
            ProgressOutput progress, PrintWriter lines) {
        Network network = checkpoint.network(backend);
        TrainingHistory history = network.resume(checkpoint, train, null,
                new Reporter(checkpoint.options().epochs(), progress, lines, ""));
        return new Result(network, history, network.evaluate(test), train.size());
    }

    /** Drives one progress bar per epoch and prints the epoch's line. */
    private static final class Reporter implements TrainingListener {
        private final int epochs;
        private final ProgressOutput progress;
        private final PrintWriter lines;
        private final String prefix;

        private ProgressOutput.Bar bar;
        private long chunk;
        private long pending;
        private double lossSum;
        private long seen;

        Reporter(int epochs, ProgressOutput progress, PrintWriter lines, String prefix) {
            this.epochs = epochs;
            this.progress = progress;
            this.lines = lines;
            this.prefix = prefix;
        }

        @Override
        public void epochStarted(int epoch, int batches, int samples) {
            lossSum = 0;
            seen = 0;
            pending = 0;
            // At batch size 1 there are 60,000 steps an epoch: move the bar in about 500 chunks, not per step.
            chunk = Math.max(1, samples / 500);
            if (progress != null) {
                bar = progress.start(prefix + "epoch " + epoch + "/" + epochs, samples);
            }
        }

        @Override
        public void batchFinished(int epoch, int batch, int batchSamples, double meanLoss) {
            lossSum += meanLoss * batchSamples;
            seen += batchSamples;
            pending += batchSamples;
            if (pending >= chunk && bar != null) {
                bar.stepBy(pending);
                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", lossSum / seen));
                pending = 0;
            }
        }

        @Override
        public void epochFinished(EpochResult result) {
            if (bar != null) {
                bar.stepBy(pending);
                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", result.meanLoss()));
                bar.close();
                bar = null;
            }
            if (lines != null) {
                lines.println(prefix + Format.epochLine(EpochStats.of(result), epochs));
                lines.flush();
            }
        }
    }
}
