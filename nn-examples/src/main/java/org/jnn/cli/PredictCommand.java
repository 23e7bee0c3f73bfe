package org.jnn.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.jnn.core.Network;
import org.jnn.core.Prediction;
import org.jnn.core.SavedModel;
import org.jnn.mnist.DatasetKind;
import org.jnn.mnist.MnistImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nn predict --model FILE IMAGE...}: the class of each picture and the probabilities. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Classifies pictures with a saved model: the class and the probabilities.",
            "All pictures are read first and classified together, in batches. A picture that cannot be read (missing, "
                    + "not an image, blank) is named on stderr with the reason; the others are still classified, and "
                    + "the exit status is then 1.",
            "Each picture (PNG, JPEG, GIF or BMP, any size up to " + MnistImage.MAX_PIXELS / 1_000_000
                    + " million pixels, dark ink on light paper or the other way round) is converted as MNIST's "
                    + "images were made: grey, bright ink on black, the ink scaled into a 20×20 box and centred by "
                    + "its centre of mass in a 28×28 image. A larger picture is refused before it is decoded "
                    + "(converting takes about " + MnistImage.BYTES_PER_PIXEL + " bytes of memory a pixel): scale it down first.",
            ""})
final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE",
            description = "A model file written by `nn train --save`, with 784 (28×28) inputs.")
    Path model;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Picture files to classify.")
    List<Path> images;

    @Mixin
    BackendOptions backendOptions = new BackendOptions();

    @Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--save-input", paramLabel = "DIR",
            description = "Also write the 28×28 image the network sees, as DIR/<name>-28x28.png.")
    Path saveInput;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.report(spec);
        PrintWriter err = spec.commandLine().getErr();
        SavedModel saved = Models.load(model, "--model ");
        Models.printNotes(saved, model, err, spec.qualifiedName());
        int[] sizes = Models.layerSizes(saved);
        int pixels = MnistImage.SIZE * MnistImage.SIZE;
        if (sizes[0] != pixels) {
            throw new UsageException("--model " + model + ": the model takes " + sizes[0] + " inputs, but pictures "
                    + "are converted to 28×28 = 784 pixels; predict needs a model trained on 28×28 images "
                    + "(its layers are " + TrainingSettings.join(sizes) + ")");
        }
        List<String> classNames = classNames(saved, sizes[sizes.length - 1]);
        BackendOptions.Chosen chosen = backendOptions.choose(precision.precision, BackendOptions.notices(err, !output.quiet));
        Network network = saved.toNetwork(chosen.backend());

        List<Path> read = new ArrayList<>();
        List<double[]> inputs = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (Path image : images) {
            try {
                inputs.add(read(image));
                read.add(image);
            } catch (IOException | IllegalArgumentException e) {
                // One bad picture must not cost the others their predictions.
                failures.add(new Failure(image.toString(), e.getMessage()));
                err.println(spec.qualifiedName() + ": " + e.getMessage());
                err.flush();
            }
        }
        if (saveInput != null) {
            for (int i = 0; i < read.size(); i++) {
                MnistImage.write(inputs.get(i), saveInput.resolve(baseName(read.get(i)) + "-28x28.png"));
            }
        }
        // All pictures in one call: the network classifies them in batches, not one by one.
        List<Prediction> predictions = inputs.isEmpty() ? List.of() : network.predict(inputs.toArray(double[][]::new));
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < predictions.size(); i++) {
            Path image = read.get(i);
            Prediction p = predictions.get(i);
            out.printf(Locale.ROOT, "%s: %s (probability %.3f)%n", image, label(p.label(), classNames),
                    p.probability(p.label()));
            if (!output.quiet) {
                StringBuilder line = new StringBuilder(" ");
                for (int c = 0; c < p.probabilities().length; c++) {
                    line.append(String.format(Locale.ROOT, " %s %.3f", classNames.get(c), p.probability(c)));
                }
                out.println(line);
            }
            results.add(new Result(image.toString(), p.label(), classNames.get(p.label()), p.probability(p.label()),
                    p.probabilities()));
        }
        out.flush();
        if (!failures.isEmpty()) {
            err.printf(Locale.ROOT, "%s: %d of %d pictures could not be classified (named above)%n", spec.qualifiedName(),
                    failures.size(), images.size());
            err.flush();
        }
        output.printJson(spec, new Summary(model.toString(), chosen.backend().name(), classNames, results, failures));
        return failures.isEmpty() ? ErrorHandler.OK : ErrorHandler.FAILURE;
    }

    /**
     * The picture in MNIST's form. The message of either exception starts with the file: no such file,
     * not a file, unreadable, not an image, blank.
     */
    private static double[] read(Path image) throws IOException {
        if (!Files.exists(image)) {
            throw new IOException(image + ": no such file");
        }
        if (!Files.isRegularFile(image)) {
            throw new IOException(image + ": not a file");
        }
        if (!Files.isReadable(image)) {
            throw new IOException(image + ": permission denied");
        }
        return MnistImage.read(image);
    }

    /** What {@code --json} prints: a prediction for every picture that could be read, the reason for each other. */
    record Summary(String model, String backend, List<String> classNames, List<Result> predictions,
            List<Failure> failures) {
    }

    /** A picture that could not be classified, and why. */
    record Failure(String file, String reason) {
    }

    /** One picture's prediction: the most probable class, and the probability of every class. */
    record Result(String file, @JsonProperty("class") int label, String className, double probability,
            double[] probabilities) {
    }

    /** Names from the data set the model was trained on (Fashion-MNIST's clothes), else the numbers. */
    static List<String> classNames(SavedModel saved, int classes) {
        String dataset = saved.metadata().get(Models.DATASET);
        DatasetKind kind = dataset == null ? null : DataOptions.kindOf(dataset);
        if (kind != null && kind.classCount() == classes) {
            return kind.classNames();
        }
        return IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    }

    private static String label(int c, List<String> names) {
        String name = names.get(c);
        return name.equals(Integer.toString(c)) ? name : c + " " + name;
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
