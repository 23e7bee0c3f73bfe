package org.jnn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jnn.api.LinearAlgebra;
import org.jnn.core.Dataset;
import org.jnn.core.EpochResult;
import org.jnn.core.Evaluation;
import org.jnn.core.Network;
import org.jnn.core.TrainingListener;
import org.jnn.core.TrainingOptions;

/** One training of a network, with a progress bar and a summary line per epoch; shared by train and compare. */
final class TrainingRun {

    private TrainingRun() {
    }

    /** What one epoch did: training loss and time, then loss and accuracy on the test data. */
    record EpochStats(int epoch, double trainLoss, double testLoss, double testAccuracy, double seconds,
            double samplesPerSecond) {
    }

    /** The trained network, the per-epoch history and the final evaluation on the test data. */
    record Result(Network network, List<EpochStats> history, Evaluation test, double trainSeconds, long samples) {

        /** Training throughput over all epochs (evaluation time excluded). */
        double samplesPerSecond() {
            return trainSeconds > 0 ? samples / trainSeconds : Double.POSITIVE_INFINITY;
        }
    }

    /**
     * Creates the network (the seed decides the initial weights, the same on every backend), trains it
     * and evaluates it on {@code test} after every epoch.
     *
     * @param progress where progress bars go, or null for none
     * @param lines where the per-epoch lines go, or null for none
     * @param prefix put before the task name and each line (compare names the backend there), may be ""
     */
    static Result train(LinearAlgebra backend, int[] layers, Dataset train, Dataset test, TrainingOptions options,
            ProgressOutput progress, PrintWriter lines, String prefix) {
        Network network = Network.create(backend, options.seed(), layers);
        Reporter reporter = new Reporter(network, test, options.epochs(), progress, lines, prefix);
        List<EpochResult> epochs = network.train(train, options, reporter);
        double seconds = epochs.stream().mapToDouble(EpochResult::seconds).sum();
        long samples = epochs.stream().mapToLong(EpochResult::samples).sum();
        return new Result(network, List.copyOf(reporter.history), reporter.lastEvaluation, seconds, samples);
    }

    /** Drives one progress bar per epoch, then evaluates on the test data and prints the epoch's line. */
    private static final class Reporter implements TrainingListener {
        private final Network network;
        private final Dataset test;
        private final int epochs;
        private final ProgressOutput progress;
        private final PrintWriter lines;
        private final String prefix;
        private final List<EpochStats> history = new ArrayList<>();
        private Evaluation lastEvaluation;

        private ProgressOutput.Bar bar;
        private long chunk;
        private long pending;
        private double lossSum;
        private long seen;

        Reporter(Network network, Dataset test, int epochs, ProgressOutput progress, PrintWriter lines, String prefix) {
            this.network = network;
            this.test = test;
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
            lastEvaluation = network.evaluate(test);
            EpochStats stats = new EpochStats(result.epoch(), result.meanLoss(), lastEvaluation.loss(),
                    lastEvaluation.accuracy(), result.seconds(), result.samplesPerSecond());
            history.add(stats);
            if (lines != null) {
                lines.println(prefix + Format.epochLine(stats, epochs));
                lines.flush();
            }
        }
    }
}
