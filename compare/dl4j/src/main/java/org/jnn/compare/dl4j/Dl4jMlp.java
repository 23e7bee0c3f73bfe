package org.jnn.compare.dl4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reference experiment on Deeplearning4j: how fast it trains jnn's 784-200-200-10 network.
 *
 * <p>The network as Deeplearning4j users write it: a {@code MultiLayerNetwork} of two ReLU
 * {@code DenseLayer}s and a softmax {@code OutputLayer} with multi-class cross-entropy (the batch's
 * mean), He-normal weights ({@code WeightInit.RELU}: normal with variance 2 / fan-in), zero biases,
 * plain {@code Sgd}; MNIST pixels scaled to [0, 1]. It measures what compare/numpy_mlp.py and
 * {@code ./nn bench} measure, with their options: an untimed warm-up run on one network, then only the
 * training loop (each batch's arrays made from the shuffled samples, then {@code fit}) of a fresh
 * network from the same seed, then the test accuracy; the result as one sentence or one JSON object.
 */
@Command(name = "dl4j-mlp", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains the reference experiment's 784-200-200-10 network on MNIST with Deeplearning4j "
                + "and reports training samples per second. Run it with OMP_NUM_THREADS set to --threads "
                + "(compare/side_by_side.py does), so that OpenMP starts with that many threads.")
public final class Dl4jMlp implements Callable<Integer> {

    static final int[] LAYERS = {784, 200, 200, 10};

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Batch size (default: 1).")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: 0.01 at batch 1, 0.1 at larger batches, as ./nn bench).")
    Double learningRate;

    @Option(names = "--samples", paramLabel = "N",
            description = "Train one pass over the first N training images (default: 20000).")
    Integer samples;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Instead of --samples: N full passes over the 60,000 training images.")
    Integer epochs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "5000",
            description = "Untimed training samples on a separate network first (default: 5000; 0 for none).")
    int warmup;

    @Option(names = "--dtype", paramLabel = "float64|float32", defaultValue = "float64",
            description = "Precision of weights, data and arithmetic (default: float64; f64 and f32 also work).")
    String dtype;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Threads of libnd4j, OpenMP and OpenBLAS (default: 1).")
    int threads;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the initial weights and the shuffling (default: 42).")
    long seed;

    @Option(names = "--dataset", paramLabel = "mnist|fashion", defaultValue = "mnist",
            description = "Which of jnn's data sets (default: mnist).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where jnn keeps its data sets (default, as for ./nn: $NN_DATA_DIR, else "
                    + "$XDG_CACHE_HOME/jnn/datasets, else ~/.cache/jnn/datasets).")
    Path dataDir;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    /** Images as rows of pixels in [0, 1] and their labels. */
    record Images(double[][] pixels, int[] labels) {
        Images first(int count) {
            return new Images(java.util.Arrays.copyOf(pixels, count), java.util.Arrays.copyOf(labels, count));
        }
    }

    /** A mistake the user can fix: printed as one line, exit status 2. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Dl4jMlp());
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof UsageError) {
                line.getErr().println("dl4j-mlp: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() throws IOException {
        DataType type = switch (dtype) {
            case "float64", "f64" -> DataType.DOUBLE;
            case "float32", "f32" -> DataType.FLOAT;
            default -> throw new UsageError("--dtype must be float64 or float32 (or f64, f32), got " + dtype);
        };
        check(batch >= 1 && threads >= 1 && warmup >= 0 && (samples == null || samples >= 1)
                && (epochs == null || epochs >= 1), "--batch, --threads, --samples and --epochs must be at least 1, "
                + "--warmup at least 0");
        check(samples == null || epochs == null, "give --samples or --epochs, not both");
        double rate = learningRate != null ? learningRate : batch == 1 ? 0.01 : 0.1;
        check(rate > 0 && !Double.isInfinite(rate), "--lr must be a number greater than 0, got " + rate);

        Path folder = dataFolder();
        Images train = readImages(folder, "train");
        Images test = readImages(folder, "t10k");
        int count = epochs != null ? train.labels().length : Math.min(samples != null ? samples : 20000, train.labels().length);
        int passes = epochs != null ? epochs : 1;

        useThreads(threads);
        Nd4j.setDefaultDataTypes(type, type);
        if (warmup > 0) {
            train(network(seed, type, rate), train.first(Math.min(warmup, count)), 1, type);
        }
        MultiLayerNetwork network = network(seed, type, rate);
        double[] secondsAndLoss = train(network, train.first(count), passes, type);
        double[] accuracyAndLoss = evaluate(network, test, type);

        long trained = (long) count * passes;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("system", "Deeplearning4j");
        result.put("version", version());
        result.put("batch", batch);
        result.put("dtype", type == DataType.DOUBLE ? "float64" : "float32");
        result.put("lr", rate);
        result.put("threads", threads);
        result.put("samples", trained);
        result.put("epochs", epochs);
        result.put("train_seconds", secondsAndLoss[0]);
        result.put("samples_per_second", trained / secondsAndLoss[0]);
        result.put("train_loss", secondsAndLoss[1]);
        result.put("test_accuracy", accuracyAndLoss[0]);
        result.put("test_loss", accuracyAndLoss[1]);
        result.put("java", System.getProperty("java.version"));
        result.put("omp_num_threads", System.getenv("OMP_NUM_THREADS"));
        System.out.println(json ? new ObjectMapper().writeValueAsString(result) : String.format(java.util.Locale.ROOT,
                "Deeplearning4j %s, batch %d, %s, lr %g, %d thread(s): %,.0f samples/s (%,d samples in %.2f s of "
                        + "training); test accuracy %.2f %%, test loss %.4f", result.get("version"), batch,
                result.get("dtype"), rate, threads, trained / secondsAndLoss[0], trained, secondsAndLoss[0],
                100 * accuracyAndLoss[0], accuracyAndLoss[1]));
        return 0;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new UsageError(message);
        }
    }

    /** The network, from the seed: the warm-up network and the timed one start from the same weights. */
    static MultiLayerNetwork network(long seed, DataType type, double rate) {
        MultiLayerConfiguration configuration = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(type)
                .updater(new Sgd(rate))
                .weightInit(WeightInit.RELU)
                .biasInit(0)
                .list()
                .layer(new DenseLayer.Builder().nIn(LAYERS[0]).nOut(LAYERS[1]).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(LAYERS[1]).nOut(LAYERS[2]).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(LAYERS[2]).nOut(LAYERS[3])
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        return network;
    }

    /**
     * {@code passes} epochs of SGD over {@code data}, each in a new order drawn before the clock starts;
     * returns the seconds spent in the batches (making each batch's arrays and {@code fit}) and the
     * mean training loss.
     */
    private double[] train(MultiLayerNetwork network, Images data, int passes, DataType type) {
        Random shuffling = new Random(seed + 1);
        int n = data.labels().length;
        long nanos = 0;
        double loss = 0;
        for (int pass = 0; pass < passes; pass++) {
            int[] order = permutation(n, shuffling);
            long start = System.nanoTime();
            for (int first = 0; first < n; first += batch) {
                int size = Math.min(batch, n - first);
                INDArray[] arrays = batchArrays(data, order, first, size, type);
                network.fit(arrays[0], arrays[1]);
                loss += network.score() * size;
            }
            nanos += System.nanoTime() - start;
        }
        return new double[] {nanos / 1e9, loss / ((double) n * passes)};
    }

    private static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** The features ({@code size×784}) and one-hot labels ({@code size×10}) of one batch, in {@code type}. */
    static INDArray[] batchArrays(Images data, int[] order, int first, int size, DataType type) {
        int inputs = LAYERS[0];
        int classes = LAYERS[LAYERS.length - 1];
        double[] features = new double[size * inputs];
        double[] labels = new double[size * classes];
        for (int r = 0; r < size; r++) {
            int sample = order[first + r];
            System.arraycopy(data.pixels()[sample], 0, features, r * inputs, inputs);
            labels[r * classes + data.labels()[sample]] = 1;
        }
        return new INDArray[] {array(features, size, inputs, type), array(labels, size, classes, type)};
    }

    private static INDArray array(double[] values, int rows, int cols, DataType type) {
        long[] shape = {rows, cols};
        if (type == DataType.DOUBLE) {
            return Nd4j.create(values, shape, type);
        }
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return Nd4j.create(floats, shape, type);
    }

    /** Accuracy and mean cross-entropy on the test set. */
    private static double[] evaluate(MultiLayerNetwork network, Images test, DataType type) {
        int n = test.labels().length;
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        INDArray probabilities = network.output(batchArrays(test, all, 0, n, type)[0], false);
        int correct = 0;
        double loss = 0;
        for (int i = 0; i < n; i++) {
            INDArray row = probabilities.getRow(i);
            correct += row.argMax().getInt(0) == test.labels()[i] ? 1 : 0;
            loss -= Math.log(row.getDouble(test.labels()[i]));
        }
        return new double[] {(double) correct / n, loss / n};
    }

    /** libnd4j's thread pool, OpenMP and OpenBLAS to {@code count} threads, as backend-nd4j sets them. */
    private static void useThreads(int count) {
        Nd4j.getEnvironment().setMaxMasterThreads(count);
        Nd4j.getEnvironment().setMaxThreads(count);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(count);
        Nd4j.factory().blas().setMaxThreads(count);
    }

    private Path dataFolder() {
        Path root = dataDir;
        if (root == null) {
            String configured = System.getenv().getOrDefault("NN_DATA_DIR", "").strip();
            String cache = System.getenv().getOrDefault("XDG_CACHE_HOME", "").strip();
            root = !configured.isEmpty() ? Path.of(configured)
                    : (cache.isEmpty() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(cache))
                            .resolve("jnn").resolve("datasets");
        }
        return root.resolve(dataset);
    }

    /** {@code prefix}-images-idx3-ubyte and {@code prefix}-labels-idx1-ubyte from {@code folder}. */
    private static Images readImages(Path folder, String prefix) throws IOException {
        int[][] imageShape = new int[1][];
        byte[] pixels = readIdx(folder.resolve(prefix + "-images-idx3-ubyte"), imageShape);
        byte[] labelBytes = readIdx(folder.resolve(prefix + "-labels-idx1-ubyte"), new int[1][]);
        int count = imageShape[0][0];
        int size = pixels.length / count;
        check(size == LAYERS[0] && labelBytes.length == count, folder + ": " + prefix + " has " + count
                + " images of " + size + " pixels and " + labelBytes.length + " labels; expected 784 pixels and "
                + "one label per image");
        double[][] rows = new double[count][size];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < size; j++) {
                rows[i][j] = (pixels[i * size + j] & 0xff) / 255.0;
            }
            labels[i] = labelBytes[i];
        }
        return new Images(rows, labels);
    }

    /** The bytes of one IDX file of unsigned bytes (MNIST's format); its dimensions go to {@code shape[0]}. */
    private static byte[] readIdx(Path path, int[][] shape) throws IOException {
        check(Files.isRegularFile(path), path + " is missing. jnn downloads the data set the first time it needs "
                + "it: run `./nn bench --samples 1000` once, or name the folder that holds the data set with --data-dir");
        try (DataInputStream in = new DataInputStream(Files.newInputStream(path))) {
            int magic = in.readInt();
            check((magic >>> 8) == 0x08, path + " is not an IDX file of unsigned bytes");
            int[] dimensions = new int[magic & 0xff];
            long count = 1;
            for (int i = 0; i < dimensions.length; i++) {
                dimensions[i] = in.readInt();
                count *= dimensions[i];
            }
            check(dimensions.length > 0 && count <= Integer.MAX_VALUE
                    && Files.size(path) == 4L + 4L * dimensions.length + count, path + " is truncated or too long");
            shape[0] = dimensions;
            return in.readNBytes((int) count);
        } catch (java.io.EOFException e) {
            throw new UsageError(path + " is truncated");
        }
    }

    /** Deeplearning4j's version, from its jar's Maven metadata. */
    private static String version() {
        try (InputStream in = MultiLayerNetwork.class.getResourceAsStream(
                "/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
