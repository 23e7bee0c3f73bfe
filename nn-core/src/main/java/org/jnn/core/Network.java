package org.jnn.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * A multilayer perceptron: dense layers with ReLU between them and a softmax output trained with
 * cross-entropy, all arithmetic done by a {@link LinearAlgebra} backend.
 *
 * <pre>{@code
 * Network net = Network.create(Backends.select(), 42, 784, 200, 200, 10);
 * net.train(trainingData, TrainingOptions.REFERENCE_EXPERIMENT);
 * Evaluation result = net.evaluate(testData);
 * Prediction p = net.predict(pixels);
 * }</pre>
 *
 * <p>A network is not thread-safe: it reuses its buffers from one call to the next.
 */
public final class Network {

    /** Rows per batch when evaluating; large enough for the libraries' fast paths, small in memory. */
    static final int EVALUATION_BATCH = 256;
    /** Workspaces kept per batch size; training uses at most two (full and last partial batch). */
    private static final int MAX_WORKSPACES = 4;

    private final LinearAlgebra la;
    private final int[] layerSizes;
    private final DenseLayer[] layers;
    private final Map<Integer, Workspace> workspaces = new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Workspace> eldest) {
            return size() > MAX_WORKSPACES;
        }
    };

    private Network(LinearAlgebra backend, Parameters parameters) {
        this.la = Objects.requireNonNull(backend, "backend");
        this.layerSizes = parameters.layerSizes();
        this.layers = new DenseLayer[parameters.layerCount()];
        for (int l = 0; l < layers.length; l++) {
            boolean hidden = l < layers.length - 1;
            layers[l] = new DenseLayer(la, layerSizes[l], layerSizes[l + 1], hidden,
                    parameters.weights(l), parameters.biases(l));
        }
    }

    /**
     * A network with He-initialised weights and zero biases.
     *
     * @param backend the linear-algebra backend that stores the parameters and does the arithmetic
     * @param seed seed of the initial weights; the same seed gives the same weights on every backend
     * @param layerSizes the number of units per layer, inputs first and classes last, at least two
     * @throws IllegalArgumentException if there are fewer than two sizes or a size is not positive
     */
    public static Network create(LinearAlgebra backend, long seed, int... layerSizes) {
        return new Network(backend, Parameters.heInitialized(layerSizes, seed));
    }

    /** A network with the given parameters, stored on {@code backend}. */
    public static Network create(LinearAlgebra backend, Parameters parameters) {
        return new Network(backend, Objects.requireNonNull(parameters, "parameters"));
    }

    /** The backend doing this network's arithmetic. */
    public LinearAlgebra backend() {
        return la;
    }

    /** Units per layer, inputs first. */
    public int[] layerSizes() {
        return layerSizes.clone();
    }

    /** Number of input features. */
    public int inputSize() {
        return layerSizes[0];
    }

    /** Number of classes. */
    public int outputSize() {
        return layerSizes[layerSizes.length - 1];
    }

    /** A copy of the current weights and biases. */
    public Parameters parameters() {
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (DenseLayer layer : layers) {
            weights.add(layer.weights(la));
            biases.add(la.toRowMajor(layer.biases));
        }
        return Parameters.of(layerSizes, weights, biases);
    }

    /**
     * Replaces every weight and bias.
     *
     * @throws IllegalArgumentException if the parameters are for different layer sizes
     */
    public void setParameters(Parameters parameters) {
        if (!Arrays.equals(parameters.layerSizes(), layerSizes)) {
            throw new IllegalArgumentException("parameters are for layer sizes " + Arrays.toString(parameters.layerSizes())
                    + " but this network has " + Arrays.toString(layerSizes));
        }
        for (int l = 0; l < layers.length; l++) {
            layers[l].setParameters(la, parameters.weights(l), parameters.biases(l));
        }
    }

    // ------------------------------------------------------------------ training

    /** Trains with {@code options}, reporting nothing while it runs. */
    public List<EpochResult> train(Dataset data, TrainingOptions options) {
        return train(data, options, TrainingListener.NONE);
    }

    /**
     * Trains by mini-batch SGD: every epoch shuffles the samples (seeded by the options), then takes
     * one step per batch with the gradient of the batch's mean loss.
     *
     * @return one result per epoch
     * @throws IllegalArgumentException if the data do not fit the network's input or output layer
     * @throws TrainingDivergedException if the loss becomes NaN or infinite; the message names the
     *     epoch and the batch
     */
    public List<EpochResult> train(Dataset data, TrainingOptions options, TrainingListener listener) {
        checkFits(data);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        int n = data.size();
        int batchSize = Math.min(options.batchSize(), n);
        int batches = (n + batchSize - 1) / batchSize;
        int[] order = new int[n];
        Random shuffle = new Random(options.shuffleSeed());
        List<EpochResult> results = new ArrayList<>();
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            shuffle(order, shuffle);
            listener.epochStarted(epoch, batches, n);
            long start = System.nanoTime();
            double lossSum = 0;
            for (int batch = 0; batch < batches; batch++) {
                int first = batch * batchSize;
                int rows = Math.min(batchSize, n - first);
                Workspace ws = workspace(rows);
                load(ws, data, order, first);
                double loss = step(ws, options.learningRate());
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException(epoch, batch + 1, loss, options.learningRate());
                }
                lossSum += loss;
                listener.batchFinished(epoch, batch + 1, rows, loss / rows);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochResult result = new EpochResult(epoch, lossSum / n, n, seconds);
            results.add(result);
            listener.epochFinished(result);
        }
        return results;
    }

    /** Fisher–Yates over the identity, so an epoch's order depends only on the generator's state. */
    private static void shuffle(int[] order, Random random) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** One SGD step on the batch in {@code ws}; returns the batch's summed loss before the step. */
    private double step(Workspace ws, double learningRate) {
        double loss = forwardAndBackward(ws);
        double alpha = -learningRate / ws.rows;
        for (int l = layers.length - 1; l >= 0; l--) {
            // Propagate below before updating this layer: the lower gradient needs the weights as they were.
            if (l > 0) {
                layers[l].backpropagate(la, ws.gradients[l], ws.activations[l - 1], ws.gradients[l - 1]);
            }
            layers[l].accumulate(la, alpha, ws.gradients[l], layerInput(ws, l), 1.0,
                    layers[l].weightsTransposed, layers[l].biases);
        }
        return loss;
    }

    /** Forward pass, loss and the output layer's gradient {@code softmax(z) - y}; returns the summed loss. */
    private double forwardAndBackward(Workspace ws) {
        forward(ws);
        return SoftmaxCrossEntropy.lossAndGradient(la, ws.logits(), ws.labels, ws.gradients[layers.length - 1]);
    }

    private void forward(Workspace ws) {
        for (int l = 0; l < layers.length; l++) {
            layers[l].forward(la, layerInput(ws, l), ws.activations[l]);
        }
    }

    private static Matrix layerInput(Workspace ws, int layer) {
        return layer == 0 ? ws.input : ws.activations[layer - 1];
    }

    // ------------------------------------------------------------------ gradient and loss

    /**
     * The gradient of the mean loss over all of {@code batch} with respect to every weight and bias,
     * in the layout of {@link #parameters()}. The parameters are not changed.
     */
    public Parameters gradient(Dataset batch) {
        checkFits(batch);
        Workspace ws = workspace(batch.size());
        load(ws, batch, null, 0);
        forwardAndBackward(ws);
        double alpha = 1.0 / ws.rows;
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int l = layers.length - 1; l >= 0; l--) {
            if (l > 0) {
                layers[l].backpropagate(la, ws.gradients[l], ws.activations[l - 1], ws.gradients[l - 1]);
            }
            Matrix weightGradient = la.zeros(layers[l].inputs, layers[l].outputs); // the layout of Wᵀ
            Matrix biasGradient = la.zeros(1, layers[l].outputs);
            layers[l].accumulate(la, alpha, ws.gradients[l], layerInput(ws, l), 0.0, weightGradient, biasGradient);
            weights.add(0, DenseLayer.transpose(la.toRowMajor(weightGradient), layers[l].inputs, layers[l].outputs));
            biases.add(0, la.toRowMajor(biasGradient));
        }
        return Parameters.of(layerSizes, weights, biases);
    }

    /** Mean cross-entropy loss over {@code data}. */
    public double loss(Dataset data) {
        return evaluate(data).loss();
    }

    /**
     * The pre-activations {@code z} of hidden layer {@code layer} for all of {@code batch}, row-major;
     * gradient checking uses them to keep away from the kink of ReLU.
     */
    double[] hiddenPreActivations(Dataset batch, int layer) {
        checkFits(batch);
        Workspace ws = workspace(batch.size());
        load(ws, batch, null, 0);
        for (int l = 0; l < layer; l++) {
            layers[l].forward(la, layerInput(ws, l), ws.activations[l]);
        }
        Matrix z = ws.gradients[layer]; // scratch: same shape as the layer's output
        layers[layer].preActivation(la, layerInput(ws, layer), z);
        return la.toRowMajor(z);
    }

    // ------------------------------------------------------------------ evaluation and prediction

    /**
     * Loss, accuracy and confusion matrix over {@code data}.
     *
     * @throws IllegalArgumentException if the data do not fit the network
     */
    public Evaluation evaluate(Dataset data) {
        checkFits(data);
        int classes = outputSize();
        int[][] confusion = new int[classes][classes];
        double lossSum = 0;
        int n = data.size();
        int batchSize = Math.min(EVALUATION_BATCH, n);
        for (int first = 0; first < n; first += batchSize) {
            Workspace ws = workspace(Math.min(batchSize, n - first));
            load(ws, data, null, first);
            forward(ws);
            lossSum += SoftmaxCrossEntropy.loss(la, ws.logits(), ws.labels);
            la.argmaxRows(ws.logits(), ws.predicted);
            for (int i = 0; i < ws.rows; i++) {
                confusion[ws.labels[i]][ws.predicted[i]]++;
            }
        }
        return new Evaluation(lossSum / n, confusion);
    }

    /**
     * The most probable class of one sample and the probability of every class.
     *
     * @throws IllegalArgumentException if {@code features.length != inputSize()}
     */
    public Prediction predict(double[] features) {
        if (features.length != inputSize()) {
            throw new IllegalArgumentException("the sample has " + features.length
                    + " features but the network's input layer has " + inputSize());
        }
        Workspace ws = workspace(1);
        la.setRowMajor(ws.input, features);
        forward(ws);
        Matrix probabilities = ws.gradients[layers.length - 1]; // scratch of the logits' shape
        la.softmaxRows(ws.logits(), probabilities);
        la.argmaxRows(ws.logits(), ws.predicted);
        return new Prediction(ws.predicted[0], la.toRowMajor(probabilities));
    }

    // ------------------------------------------------------------------ helpers

    private Workspace workspace(int rows) {
        return workspaces.computeIfAbsent(rows, r -> new Workspace(la, layerSizes, r));
    }

    /** Loads rows {@code first ..} of {@code data} (through {@code order} if given) into the workspace. */
    private void load(Workspace ws, Dataset data, int[] order, int first) {
        int width = inputSize();
        for (int i = 0; i < ws.rows; i++) {
            int index = order == null ? first + i : order[first + i];
            data.copyFeatures(index, ws.features, i * width);
            ws.labels[i] = data.label(index);
        }
        la.setRowMajor(ws.input, ws.features);
    }

    private void checkFits(Dataset data) {
        Objects.requireNonNull(data, "data");
        if (data.size() < 1) {
            throw new IllegalArgumentException("the data set is empty");
        }
        if (data.featureCount() != inputSize()) {
            throw new IllegalArgumentException("the data have " + data.featureCount()
                    + " features per sample but the network's input layer has " + inputSize()
                    + " units; build the network with " + data.featureCount() + " inputs");
        }
        if (data.classCount() > outputSize()) {
            throw new IllegalArgumentException("the labels range over " + data.classCount()
                    + " classes but the network's output layer has " + outputSize()
                    + " units; build the network with " + data.classCount() + " outputs");
        }
    }
}
