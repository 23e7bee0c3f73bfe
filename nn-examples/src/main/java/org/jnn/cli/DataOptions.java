package org.jnn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.jnn.mnist.DataDirectory;
import org.jnn.mnist.DatasetFetcher;
import org.jnn.mnist.DatasetKind;
import org.jnn.mnist.DatasetSplits;
import org.jnn.mnist.FetchProgress;
import org.jnn.mnist.IdxData;
import org.jnn.mnist.IdxFormatException;
import org.jnn.mnist.IdxReader;
import org.jnn.mnist.LabelledImages;
import org.jnn.mnist.Mnist;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --dataset} and {@code --data-dir}: which data, and where the standard data sets are cached. */
final class DataOptions {

    static final String DEFAULT_DATASET = DatasetKind.MNIST.id();

    /** The standard IDX file names, in the order train images, train labels, test images, test labels. */
    static final List<String> FILE_NAMES = DatasetKind.MNIST.files().stream().map(DatasetKind.FileSpec::name).toList();

    @Option(names = "--dataset", paramLabel = "NAME|DIR",
            description = {"mnist, fashion, or a folder holding the four IDX files (train-images-idx3-ubyte, "
                    + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), which are "
                    + "used as they are, unverified. Default: mnist (for evaluate: the model's data set)."})
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where mnist and fashion are kept, and fetched to when missing. Default: "
                    + "-D" + DataDirectory.PROPERTY + ", $" + DataDirectory.ENVIRONMENT + " or ~/.cache/jnn/datasets.")
    Path dataDir;

    /** The command these options are part of: for its {@code --quiet} and the program's progress output. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The data set named by {@code --dataset}, else by {@code fallback} (a model's metadata), else MNIST;
     * a fetch shows its notes on {@code log} and a download bar, unless the command runs {@code --quiet}.
     */
    LoadedData load(String fallback, PrintWriter log) throws IOException {
        String name = dataset != null ? dataset : fallback != null ? fallback : DEFAULT_DATASET;
        return load(name, dataDir, fetchProgress(log));
    }

    /** Nothing under {@code --quiet}; else notes on {@code log} and bars where the program draws them. */
    FetchProgress fetchProgress(PrintWriter log) {
        OptionSpec quiet = command == null ? null : command.findOption("--quiet");
        if (quiet != null && Boolean.TRUE.equals(quiet.getValue())) {
            return FetchProgress.NONE;
        }
        ProgressOutput bars = command != null && command.root().userObject() instanceof NnCommand nn
                ? nn.progressOutput() : ProgressOutput.lines(log);
        return new FetchProgressBar(bars, log, FetchProgressBar.DELAY);
    }

    static LoadedData load(String name, Path dataDir, FetchProgress progress) throws IOException {
        DatasetKind kind = kindOf(name);
        if (kind != null) {
            DatasetSplits splits = Mnist.load(kind, DataDirectory.root(dataDir), new DatasetFetcher(progress));
            return new LoadedData(kind.id(), kind.displayName(), splits.train(), splits.test(), kind.classNames());
        }
        Path folder = Path.of(name);
        if (!Files.isDirectory(folder)) {
            throw new UsageException("--dataset " + name + ": not a data set name nor a folder; use "
                    + String.join(", ", ids()) + ", or a folder holding " + String.join(", ", FILE_NAMES));
        }
        return readFolder(folder);
    }

    /** The standard data set called {@code name} (its id, ignoring case), or null if there is none. */
    static DatasetKind kindOf(String name) {
        try {
            return DatasetKind.fromId(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static List<String> ids() {
        return java.util.Arrays.stream(DatasetKind.values()).map(DatasetKind::id).toList();
    }

    /**
     * Reads a folder of IDX files in MNIST's layout, with as many classes as the largest label says.
     * Everything wrong with the files is the user's to fix, so it is reported as a usage mistake.
     */
    static LoadedData readFolder(Path folder) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String file : FILE_NAMES) {
            if (!Files.isRegularFile(folder.resolve(file))) {
                missing.add(file);
            }
        }
        if (!missing.isEmpty()) {
            throw new UsageException("--dataset " + folder + ": the folder lacks " + String.join(", ", missing)
                    + " (a data folder holds " + String.join(", ", FILE_NAMES) + ")");
        }
        try {
            int classes = Math.max(classCount(IdxReader.readLabels(folder.resolve(FILE_NAMES.get(1)))),
                    classCount(IdxReader.readLabels(folder.resolve(FILE_NAMES.get(3)))));
            DatasetSplits splits = Mnist.read(folder, classes);
            String id = folder.toAbsolutePath().normalize().toString();
            List<String> names = IntStream.range(0, classes).mapToObj(Integer::toString).toList();
            return new LoadedData(id, "data in " + folder, splits.train(), splits.test(), names);
        } catch (IdxFormatException e) {
            throw new UsageException("--dataset " + folder + ": " + e.getMessage(), e);
        }
    }

    private static int classCount(IdxData labels) {
        int max = 0;
        for (byte b : labels.data()) {
            max = Math.max(max, b & 0xff);
        }
        return max + 1;
    }

    /**
     * A data set ready to use.
     *
     * @param id what model files record: the standard id ("mnist", "fashion") or the folder's absolute path
     * @param displayName for people: "MNIST", "Fashion-MNIST", "data in DIR"
     * @param classNames one name per label
     */
    record LoadedData(String id, String displayName, LabelledImages train, LabelledImages test,
            List<String> classNames) {

        int featureCount() {
            return train.featureCount();
        }

        int classCount() {
            return Math.max(train.classCount(), test.classCount());
        }

        /** "28×28 images" */
        String shape() {
            return train.rows() + "×" + train.cols() + " images";
        }

        /** The first {@code limit} training samples (all if {@code limit} is null or not smaller). */
        LabelledImages trainingSamples(Integer limit) {
            if (limit == null || limit >= train.size()) {
                return train;
            }
            return train.subset(IntStream.range(0, limit).toArray());
        }

        String className(int label) {
            return label < classNames.size() ? classNames.get(label) : Integer.toString(label);
        }

        /** Whether the class names say more than the label numbers. */
        boolean hasClassNames() {
            for (int c = 0; c < classNames.size(); c++) {
                if (!classNames.get(c).equals(Integer.toString(c))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return displayName.toLowerCase(Locale.ROOT);
        }
    }
}
