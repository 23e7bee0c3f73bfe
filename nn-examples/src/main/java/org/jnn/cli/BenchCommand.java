package org.jnn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.jnn.api.BackendSelector;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.core.EpochResult;
import org.jnn.core.Evaluation;
import org.jnn.core.Network;
import org.jnn.core.TrainingOptions;
import org.jnn.mnist.LabelledImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nn bench}: training throughput of every backend, batch size and precision on the reference
 * experiment's network, in one table.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Measures how fast every backend trains the reference experiment's network (784-200-200-10) on MNIST.",
            "For each backend, batch size and precision, in a JVM of its own: a warm-up run (so the JIT and the "
                    + "native libraries are ready), then a timed run of a fixed number of samples from the same initial weights, "
                    + "then the test accuracy it reached. GFLOP/s counts the multiply-adds of the forward pass, "
                    + "the weight and input gradients and the update (1.28 MFLOP a sample at batch 1, 0.89 at 64).",
            "%% of peak: GFLOP/s as a share of the backend's own matrix-product peak in that precision, measured "
                    + "first in the same run through the backend's gemm (the better of 64x784 by 784x200 and "
                    + "1024x1024 by 1024x1024, the best of a few timed rounds after a warm-up).",
            ""})
final class BenchCommand implements Callable<Integer> {

    static final int[] LAYERS = {784, 200, 200, 10};

    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--backends", split = ",", paramLabel = "NAME,...", hideParamSyntax = true,
            description = "Only these backends. Default: every usable one.")
    List<String> backendNames;

    @Option(names = "--batches", split = ",", paramLabel = "N,...", hideParamSyntax = true, defaultValue = "1,64",
            description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--precisions", split = ",", paramLabel = "f64,f32", hideParamSyntax = true,
            converter = PrecisionOption.Converter.class, defaultValue = "f64,f32",
            description = "Precisions, each where the backend offers it. Default: ${DEFAULT-VALUE}.")
    List<Precision> precisions;

    @Option(names = "--threads", split = ",", paramLabel = "N,...", hideParamSyntax = true, defaultValue = "1",
            description = "Worker threads per batch, as train's --threads: from 2 on, batches of "
                    + "64 samples or more are cut into shards computed side by side, each on its own instance of the "
                    + "backend held to one thread of its own (with --in-process, every row's backend is held so when any "
                    + "count is above 1). Default: ${DEFAULT-VALUE}.")
    List<Integer> threads;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "20000",
            description = "Training samples in each timed run (the first N of MNIST's training set, one pass). "
                    + "Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Instead of --samples: N full passes over the 60,000 training images, so the "
                    + "accuracy column compares with the reference experiment's (3 epochs: 97.5%% at batch 1).")
    Integer epochs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "5000",
            description = "Training samples of the untimed warm-up run before each timed one. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate. Default: 0.01 at batch size 1 (the reference experiment's), 0.1 at larger batches.")
    Double learningRate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--in-process",
            description = "Run every configuration in this JVM: quicker, but then the peak RSS is left out, since a "
                    + "process's resident memory never shrinks back. Default: each configuration in a JVM of its own, "
                    + "so that its peak RSS is its own.")
    boolean inProcess;

    @Option(names = "--no-peak",
            description = "Leave out the matrix-product peaks (one to three seconds per backend and precision) and the "
                    + "%% of peak column.")
    boolean noPeak;

    @Mixin
    OutputOptions output = new OutputOptions();

    /**
     * One timed run, as the table and {@code --json} show it.
     *
     * @param peakRssBytes the most resident memory of a JVM that ran only this configuration (JVM, data,
     *     warm-up and timed run); -1 when configurations shared a JVM or the system does not tell
     * @param percentOfPeak {@code gflops} as a percentage of the backend's matrix-product peak in that
     *     precision; null when the peak was not measured ({@code --no-peak})
     */
    record Row(String backend, int batch, int threads, String precision, long samples, double trainSeconds,
            double samplesPerSecond, double gflops, double testAccuracy, double testLoss, long peakHeapBytes,
            long peakRssBytes, Double percentOfPeak) {

        Row withPeak(MatrixProductPeak.Peak peak) {
            return new Row(backend, batch, threads, precision, samples, trainSeconds, samplesPerSecond, gflops, testAccuracy,
                    testLoss, peakHeapBytes, peakRssBytes, peak == null ? null : MatrixProductPeak.percentOf(gflops,
                    peak.gflops()));
        }
    }

    /**
     * What {@code --json} prints; {@code peaks}: each backend's matrix-product peak per precision;
     * {@code openblasCoretype}: the kernels ND4J's OpenBLAS ran with ({@code OPENBLAS_CORETYPE}, which the
     * launcher sets on AVX-512 CPUs), or null for OpenBLAS's own choice.
     */
    record Summary(String dataset, int[] layers, long samplesPerRun, int warmupSamples, int processors, String java,
            String openblasCoretype, List<Row> results, List<MatrixProductPeak.Peak> peaks) {
    }

    @Override
    public Integer call() throws Exception {
        // OpenBLAS's kernels (nd4j's rows) follow this variable, which the launcher sets on AVX-512 CPUs.
        String coreType = System.getenv("OPENBLAS_CORETYPE");
        if (coreType != null && coreType.isBlank()) {
            coreType = null;
        }
        PrintWriter out = output.report(spec);
        PrintWriter err = spec.commandLine().getErr();
        validate();
        if (inProcess) {
            // Read when the backends load; in one JVM, every row then runs with the backends held to one thread.
            WorkerThreads.holdBackendsToOneThreadEach(threads.stream().mapToInt(Integer::intValue).max().orElse(1));
        }
        List<LinearAlgebra> backends = backends(err);
        DataOptions.LoadedData loaded = data.load(null, err);
        if (loaded.featureCount() != LAYERS[0] || loaded.classCount() != LAYERS[LAYERS.length - 1]) {
            throw new UsageException("bench runs the reference experiment's 784-200-200-10 network, but " + loaded.displayName()
                    + " has " + loaded.featureCount() + " inputs and " + loaded.classCount() + " classes");
        }
        LabelledImages all = loaded.train();
        LabelledImages timedSet = epochs != null ? all : first(all, samples);
        LabelledImages warmupSet = first(all, warmup);
        int passes = epochs != null ? epochs : 1;

        if (!output.quiet) {
            out.printf(Locale.ROOT, "bench: 784-200-200-10 on %s, %,d samples per run%s after a %,d-sample warm-up; "
                    + "%d processors, Java %s%s%n", loaded.displayName(), (long) timedSet.size() * passes,
                    epochs != null ? " (" + epochs + " epochs)" : "", warmupSet.size(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    coreType == null ? "" : ", OPENBLAS_CORETYPE=" + coreType);
            out.flush();
        }
        List<LinearAlgebra> configured = new ArrayList<>();
        for (LinearAlgebra base : backends) {
            for (Precision precision : precisions) {
                if (base.supportedPrecisions().contains(precision)) {
                    configured.add(base.withPrecision(precision));
                } else if (!output.quiet) {
                    out.println("skipping " + base.name() + " " + precision.id() + ": it computes only in "
                            + base.supportedPrecisions().stream().map(Precision::id).toList());
                }
            }
        }
        // In one JVM the resident peak is this process's alone only if it runs one configuration.
        boolean ownProcess = configured.size() * batches.size() * threads.size() == 1;
        List<MatrixProductPeak.Peak> peaks = noPeak ? List.of() : peaks(configured, out);
        List<Row> rows = new ArrayList<>();
        for (LinearAlgebra backend : configured) {
            MatrixProductPeak.Peak peak = noPeak ? null : peaks.get(configured.indexOf(backend));
            for (int batch : batches) {
                for (int workers : threads) {
                    Row row = (inProcess ? run(backend, batch, workers, warmupSet, timedSet, passes, loaded.test(), ownProcess)
                            : runInOwnJvm(backend, batch, workers, err)).withPeak(peak);
                    rows.add(row);
                    if (!output.quiet) {
                        out.printf(Locale.ROOT, "  %-12s batch %3d%s  %s  %,9.0f samples/s  %6.2f GFLOP/s%s  test accuracy %s%n",
                                row.backend(), row.batch(), threadsLabel(row.threads()), row.precision(), row.samplesPerSecond(), row.gflops(),
                                peak == null ? "" : String.format(Locale.ROOT, " (%.0f%% of peak)", row.percentOfPeak()),
                                Format.percent(row.testAccuracy()));
                        out.flush();
                    }
                }
            }
        }
        printTable(out, rows, peaks);
        output.printJson(spec, new Summary(loaded.id(), LAYERS, timedSet.size() * (long) passes, warmup,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), coreType, rows, peaks));
        return ErrorHandler.OK;
    }

    /** Each configured backend's matrix-product peak, in the same order, measured in this JVM before any training. */
    private List<MatrixProductPeak.Peak> peaks(List<LinearAlgebra> configured, PrintWriter out) {
        List<MatrixProductPeak.Peak> peaks = new ArrayList<>();
        for (LinearAlgebra backend : configured) {
            MatrixProductPeak.Peak peak = MatrixProductPeak.measure(backend);
            peaks.add(peak);
            if (!output.quiet) {
                out.printf(Locale.ROOT, "  %-12s peak      %s  %6.2f GFLOP/s (gemm %s)%n", peak.backend(), peak.precision(),
                        peak.gflops(), peak.shape());
                out.flush();
            }
        }
        return peaks;
    }

    /** The library checks the training settings (each on its own, to name the option); the rest is bench's own. */
    private void validate() {
        if (learningRate != null) {
            TrainingSettings.checkLearningRate("--lr", learningRate);
        }
        for (int batch : batches) {
            TrainingSettings.checkBatchSize("--batches", batch);
        }
        if (epochs != null) {
            TrainingSettings.checkEpochs("--epochs", epochs);
        }
        for (int workers : threads) {
            TrainingSettings.checkThreads("--threads", workers);
        }
        if (samples < 1) {
            throw new UsageException("--samples must be at least 1, got " + samples);
        }
        if (warmup < 0) {
            throw new UsageException("--warmup must be 0 or more, got " + warmup);
        }
    }

    private List<LinearAlgebra> backends(PrintWriter err) {
        BackendSelector selector = new BackendSelector(BackendOptions.notices(err, !output.quiet));
        List<LinearAlgebra> usable = BackendOptions.usable(selector, "--backends", backendNames, (name, reason) -> {
            if (!output.quiet) {
                err.println("skipping " + name + ": " + reason);
            }
        });
        if (usable.isEmpty()) {
            throw new UsageException("no usable backend to measure; see `nn backends`");
        }
        return usable;
    }

    private Row run(LinearAlgebra backend, int batch, int workers, LabelledImages warmupSet, LabelledImages timedSet,
            int passes, LabelledImages test, boolean ownProcess) {
        double rate = learningRate != null ? learningRate : batch == 1 ? 0.01 : 0.1;
        TrainingOptions.Builder options = TrainingOptions.builder().learningRate(rate).batchSize(batch).seed(seed)
                .threads(workers);
        if (warmupSet.size() > 0) {
            Network warm = Network.create(backend, seed, LAYERS);
            warm.train(warmupSet, options.epochs(1).build());
            warm.evaluate(test);
        }
        System.gc();
        PeakMemory memory = PeakMemory.start();
        Network network = Network.create(backend, seed, LAYERS);
        List<EpochResult> results = network.train(timedSet, options.epochs(passes).build()).epochs();
        double seconds = results.stream().mapToDouble(EpochResult::seconds).sum();
        long trained = results.stream().mapToLong(EpochResult::samples).sum();
        Evaluation evaluation = network.evaluate(test);
        double gflops = trained * flopsPerSample(LAYERS, batch) / seconds / 1e9;
        return new Row(backend.name(), batch, workers, backend.precision().id(), trained, seconds, trained / seconds, gflops,
                evaluation.accuracy(), evaluation.loss(), memory.peakHeapBytes(),
                ownProcess ? PeakMemory.processPeakResidentBytes() : -1, null);
    }

    /** One configuration measured by {@code nn bench --in-process} in a JVM of its own. */
    private Row runInOwnJvm(LinearAlgebra backend, int batch, int workers, PrintWriter err) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("bench", "--in-process", "--quiet", "--json", "--no-peak",
                "--backends", backend.name(), "--precisions", backend.precision().id(),
                "--batches", Integer.toString(batch), "--threads", Integer.toString(workers),
                "--warmup", Integer.toString(warmup), "--seed", Long.toString(seed)));
        arguments.addAll(epochs != null ? List.of("--epochs", epochs.toString()) : List.of("--samples", Integer.toString(samples)));
        if (learningRate != null) {
            arguments.addAll(List.of("--lr", learningRate.toString()));
        }
        if (data.dataset != null) {
            arguments.addAll(List.of("--dataset", data.dataset));
        }
        if (data.dataDir != null) {
            arguments.addAll(List.of("--data-dir", data.dataDir.toString()));
        }
        Summary child = Json.MAPPER.readValue(SeparateJvm.run(arguments, err), Summary.class);
        return child.results().get(0);
    }

    /**
     * Floating-point operations of one training sample: 2 per multiply-add of the forward pass, of the
     * weight gradient, and of the input gradients of all but the first layer, plus the update of every
     * parameter (2 each) once per batch.
     */
    static double flopsPerSample(int[] layers, int batch) {
        double products = 0;
        double hiddenProducts = 0;
        double parameters = 0;
        for (int l = 0; l + 1 < layers.length; l++) {
            double weights = (double) layers[l] * layers[l + 1];
            products += weights;
            if (l > 0) {
                hiddenProducts += weights;
            }
            parameters += weights + layers[l + 1];
        }
        return 2 * products + 2 * products + 2 * hiddenProducts + 2 * parameters / batch;
    }

    private static LabelledImages first(LabelledImages data, int count) {
        return data.subset(IntStream.range(0, Math.min(count, data.size())).toArray());
    }

    private void printTable(PrintWriter out, List<Row> rows, List<MatrixProductPeak.Peak> peaks) {
        Format.Table table = new Format.Table("backend", "batch", "threads", "precision", "samples/s", "GFLOP/s", "% of peak",
                "test accuracy", "peak heap", "peak RSS");
        for (Row row : rows) {
            table.row(row.backend(), Integer.toString(row.batch()), Integer.toString(row.threads()), row.precision(),
                    String.format(Locale.ROOT, "%,.0f", row.samplesPerSecond()),
                    String.format(Locale.ROOT, "%.2f", row.gflops()),
                    row.percentOfPeak() == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", row.percentOfPeak()),
                    Format.percent(row.testAccuracy()), mebibytes(row.peakHeapBytes()), mebibytes(row.peakRssBytes()));
        }
        if (!output.quiet) {
            out.println();
        }
        out.print(table.render());
        if (!peaks.isEmpty()) {
            out.println("(% of peak: of the backend's own gemm peak in that precision, measured in this run: " + String.join(", ",
                    peaks.stream().map(p -> String.format(Locale.ROOT, "%s %s %.2f GFLOP/s at %s", p.backend(),
                            p.precision(), p.gflops(), p.shape())).toList()) + ")");
        }
        out.println(inProcess ? "(peak heap: during the timed run; peak RSS: left out, as the configurations shared one JVM)"
                : "(peak heap: during the timed run; peak RSS: the most resident memory of a JVM that ran only that "
                        + "configuration, its data and warm-up included)");
        out.flush();
    }

    /** {@code " 2 threads"} beside the batch size of a data-parallel run, nothing for one thread. */
    private static String threadsLabel(int workers) {
        return workers == 1 ? "" : String.format(Locale.ROOT, " %d threads", workers);
    }

    private static String mebibytes(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }
}
