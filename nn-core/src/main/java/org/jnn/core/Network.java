package org.jnn.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * A multilayer perceptron: dense layers with a non-linear activation (and optional dropout) between
 * them and a softmax output trained with cross-entropy, all arithmetic done by a {@link LinearAlgebra}
 * backend.
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
    /** Workspaces kept per batch size; training uses at most three (full batch, last batch, evaluation). */
    private static final int MAX_WORKSPACES = 4;

    private final LinearAlgebra la;
    private final Architecture architecture;
    private final DenseLayer[] layers;
    private final Map<Integer, Workspace> workspaces = new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Workspace> eldest) {
            return size() > MAX_WORKSPACES;
        }
    };

    private Network(LinearAlgebra backend, Architecture architecture, Parameters parameters) {
        this.la = Objects.requireNonNull(backend, "backend");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        if (!Arrays.equals(parameters.layerSizes(), architecture.layerSizes())) {
            throw new IllegalArgumentException("parameters are for layer sizes " + Arrays.toString(parameters.layerSizes())
                    + " but the architecture has " + Arrays.toString(architecture.layerSizes()));
        }
        int[] sizes = architecture.layerSizes();
        this.layers = new DenseLayer[parameters.layerCount()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new DenseLayer(la, sizes[l], sizes[l + 1], architecture.activation(l),
                    parameters.weights(l), parameters.biases(l));
        }
    }

    /**
     * A network of ReLU hidden layers with He-initialised weights and zero biases.
     *
     * @param backend the linear-algebra backend that stores the parameters and does the arithmetic
     * @param seed seed of the initial weights; the same seed gives the same weights on every backend
     * @param layerSizes the number of units per layer, inputs first and classes last, at least two
     * @throws IllegalArgumentException if there are fewer than two sizes or a size is not positive
     */
    public static Network create(LinearAlgebra backend, long seed, int... layerSizes) {
        return create(backend, Architecture.of(layerSizes), seed);
    }

    /** A network of the given architecture with He-initialised weights (seeded) and zero biases. */
    public static Network create(LinearAlgebra backend, Architecture architecture, long seed) {
        return new Network(backend, architecture, Parameters.heInitialized(architecture.layerSizes(), seed));
    }

    /** A network of ReLU hidden layers with the given parameters, stored on {@code backend}. */
    public static Network create(LinearAlgebra backend, Parameters parameters) {
        return create(backend, Architecture.of(Objects.requireNonNull(parameters, "parameters").layerSizes()), parameters);
    }

    /** A network of the given architecture and parameters, stored on {@code backend}. */
    public static Network create(LinearAlgebra backend, Architecture architecture, Parameters parameters) {
        return new Network(backend, architecture, Objects.requireNonNull(parameters, "parameters"));
    }

    /** The backend doing this network's arithmetic. */
    public LinearAlgebra backend() {
        return la;
    }

    /** Layer sizes, activations and dropout. */
    public Architecture architecture() {
        return architecture;
    }

    /** Units per layer, inputs first. */
    public int[] layerSizes() {
        return architecture.layerSizes();
    }

    /** Number of input features. */
    public int inputSize() {
        return layers[0].inputs;
    }

    /** Number of classes. */
    public int outputSize() {
        return layers[layers.length - 1].outputs;
    }

    /** A copy of the current weights and biases. */
    public Parameters parameters() {
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (DenseLayer layer : layers) {
            weights.add(layer.weights(la));
            biases.add(la.toRowMajor(layer.biases));
        }
        return Parameters.of(architecture.layerSizes(), weights, biases);
    }

    /**
     * Replaces every weight and bias.
     *
     * @throws IllegalArgumentException if the parameters are for different layer sizes
     */
    public void setParameters(Parameters parameters) {
        if (!Arrays.equals(parameters.layerSizes(), architecture.layerSizes())) {
            throw new IllegalArgumentException("parameters are for layer sizes " + Arrays.toString(parameters.layerSizes())
                    + " but this network has " + Arrays.toString(architecture.layerSizes()));
        }
        for (int l = 0; l < layers.length; l++) {
            layers[l].setParameters(la, parameters.weights(l), parameters.biases(l));
        }
    }

    // ------------------------------------------------------------------ training

    /** Trains with {@code options}, reporting nothing while it runs. */
    public TrainingHistory train(Dataset data, TrainingOptions options) {
        return train(data, options, TrainingListener.NONE);
    }

    /**
     * Trains with {@code options}; a validation set, if the options ask for one, is held out of
     * {@code data}. See {@link #train(Dataset, Dataset, TrainingOptions, TrainingListener)}.
     */
    public TrainingHistory train(Dataset data, TrainingOptions options, TrainingListener listener) {
        return train(data, null, options, listener);
    }

    /**
     * Trains in mini-batches: every epoch shuffles the samples (seeded by the options), then takes one
     * optimizer step per batch with the gradient of the batch's mean loss. After every epoch the
     * network is measured on the validation set, if there is one (given here, or held out of
     * {@code data} by {@link TrainingOptions#validationFraction()}), which drives early stopping and a
     * reduce-on-plateau schedule; the epoch's checkpoint is written if the options ask for it.
     *
     * @param validation the validation set, or null for none or one held out by the options
     * @return the epochs trained and how the run ended
     * @throws IllegalArgumentException if the data do not fit the network, a validation set is both
     *     given and asked to be held out, or early stopping or the schedule needs one and there is none
     * @throws TrainingDivergedException if the loss becomes NaN or infinite; the message names the
     *     epoch and the batch
     * @throws java.io.UncheckedIOException if a checkpoint cannot be written
     */
    public TrainingHistory train(Dataset data, Dataset validation, TrainingOptions options, TrainingListener listener) {
        return new TrainingLoop(this, data, validation, options, listener, null).run();
    }

    /**
     * Continues the run {@code checkpoint} holds, with its options, from its last epoch done: the
     * network takes the checkpoint's weights, and the optimizer, schedule and early stopping their
     * state. With the same data (and validation set, if one was given rather than held out) the run
     * ends exactly as it would have without the interruption, and goes on writing checkpoints.
     *
     * @param validation the validation set the run was given, or null (none, or held out by the options)
     * @throws IllegalArgumentException if the checkpoint is of another architecture or does not fit the data
     */
    public TrainingHistory resume(Checkpoint checkpoint, Dataset data, Dataset validation, TrainingListener listener) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        if (!architecture.equals(checkpoint.architecture())) {
            throw new IllegalArgumentException("the checkpoint is of a " + checkpoint.architecture() + " network, not of "
                    + architecture);
        }
        setParameters(checkpoint.parameters());
        return new TrainingLoop(this, data, validation, checkpoint.options(), listener, checkpoint).run();
    }

    /** The layers, for {@link TrainingLoop}'s optimizer. */
    DenseLayer[] layers() {
        return layers;
    }

    /**
     * One optimizer step on the batch in {@code ws} at learning rate {@code rate}; returns the batch's
     * summed loss before the step. {@code dropout} draws the masks, or is null when no layer drops.
     */
    double trainStep(Workspace ws, ParameterUpdater updater, double rate, SplittableRandom dropout) {
        boolean training = dropout != null;
        double loss = forwardAndLoss(la, ws, training, dropout);
        updater.beginStep();
        for (int l = layers.length - 1; l >= 0; l--) {
            // Propagate below before updating this layer: the lower gradient needs the weights as they were.
            if (l > 0) {
                backpropagate(la, ws, l, training);
            }
            updater.update(l, rate, layerInput(ws, l, training), ws.gradients[l]);
        }
        return loss;
    }

    /**
     * The summed loss of the shard in {@code ws} and, into {@code weightGradients} (the layout of
     * {@code Wᵀ}) and {@code biasGradients}, {@code alpha} times the gradient of that sum; the weights
     * are only read. Runs on a data-parallel worker with its own instance {@code worker} of the
     * network's backend (instances of one backend share their matrices), which moves the shard's staged
     * features ({@link #stage}) and, with {@code dropout}, its mask values ({@link #drawMasks}) into
     * their matrices.
     */
    double shardGradient(LinearAlgebra worker, Workspace ws, boolean dropout, double alpha, Matrix[] weightGradients,
            Matrix[] biasGradients) {
        worker.setRowMajor(ws.input, ws.features);
        for (int l = 0; dropout && l < layers.length; l++) {
            if (architecture.dropout(l) > 0) {
                worker.setRowMajor(ws.mask(l), ws.maskValues(l));
            }
        }
        double loss = forwardAndLoss(worker, ws, dropout, null);
        for (int l = layers.length - 1; l >= 0; l--) {
            if (l > 0) {
                backpropagate(worker, ws, l, dropout);
            }
            layers[l].accumulate(worker, alpha, ws.gradients[l], layerInput(ws, l, dropout), 0.0, weightGradients[l],
                    biasGradients[l]);
        }
        return loss;
    }

    /**
     * Draws the dropout masks of a batch cut into {@code shards} (its rows in order) from {@code random}
     * in the order {@link #trainStep} draws them for the whole batch, layer by layer and row by row, so a
     * sharded batch drops the same units as the whole one; into the workspaces' mask values, which
     * {@link #shardGradient} moves into the masks.
     */
    void drawMasks(Workspace[] shards, int count, SplittableRandom random) {
        for (int l = 0; l < layers.length; l++) {
            double rate = architecture.dropout(l);
            if (rate > 0) {
                for (int s = 0; s < count; s++) {
                    Workspace ws = shards[s];
                    ws.mask(l);
                    fillMask(ws.maskValues(l), rate, random);
                }
            }
        }
    }

    /** From {@code dL/dz} of layer {@code l} to {@code dL/dz} of layer {@code l - 1}: weights, dropout, activation. */
    private void backpropagate(LinearAlgebra backend, Workspace ws, int l, boolean training) {
        Matrix below = ws.gradients[l - 1];
        layers[l].inputGradient(backend, ws.gradients[l], below);
        if (training && architecture.dropout(l - 1) > 0) {
            backend.multiplyElements(below, ws.mask(l - 1), below);
        }
        layers[l - 1].activationBackward(backend, below, ws.preActivations[l - 1], ws.activations[l - 1]);
    }

    /**
     * Forward pass, loss and the output gradient {@code softmax(z) - y}; in {@code training}, with dropout
     * masks drawn from {@code draw}, or already in {@code ws} when it is null.
     */
    private double forwardAndLoss(LinearAlgebra backend, Workspace ws, boolean training, SplittableRandom draw) {
        forward(backend, ws, training, draw);
        return SoftmaxCrossEntropy.lossAndGradient(backend, ws.logits(), ws.labels, ws.gradients[layers.length - 1]);
    }

    private void forward(LinearAlgebra backend, Workspace ws, boolean training, SplittableRandom draw) {
        for (int l = 0; l < layers.length; l++) {
            layers[l].forward(backend, layerInput(ws, l, training), ws.preActivations[l], ws.activations[l]);
            double rate = architecture.dropout(l);
            if (training && rate > 0) {
                drop(backend, ws, l, rate, draw);
            }
        }
    }

    /**
     * Inverted dropout on layer {@code l}'s activations: each unit kept with probability {@code 1 - rate}
     * and then scaled by {@code 1 / (1 - rate)}. The mask is drawn here from the run's seeded generator
     * {@code random} (or was drawn by {@link #drawMasks} when it is null), so every backend drops the same units.
     */
    private void drop(LinearAlgebra backend, Workspace ws, int l, double rate, SplittableRandom random) {
        Matrix mask = ws.mask(l);
        if (random != null) {
            fillMask(ws.maskValues(l), rate, random);
            backend.setRowMajor(mask, ws.maskValues(l));
        }
        backend.multiplyElements(ws.activations[l], mask, ws.dropped(l));
    }

    private static void fillMask(double[] values, double rate, SplittableRandom random) {
        double keep = 1 - rate;
        double scale = 1 / keep;
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() < keep ? scale : 0.0;
        }
    }

    /** What layer {@code layer} reads: the batch, or the layer below's output (after its dropout in training). */
    private Matrix layerInput(Workspace ws, int layer, boolean training) {
        if (layer == 0) {
            return ws.input;
        }
        return training && architecture.dropout(layer - 1) > 0 ? ws.dropped(layer - 1) : ws.activations[layer - 1];
    }

    // ------------------------------------------------------------------ gradient and loss

    /**
     * The gradient of the mean loss over all of {@code batch} with respect to every weight and bias,
     * in the layout of {@link #parameters()}, without dropout. The parameters are not changed.
     */
    public Parameters gradient(Dataset batch) {
        checkFits(batch);
        Workspace ws = workspace(batch.size());
        load(ws, batch, null, 0);
        forwardAndLoss(la, ws, false, null);
        double alpha = 1.0 / ws.rows;
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int l = layers.length - 1; l >= 0; l--) {
            if (l > 0) {
                backpropagate(la, ws, l, false);
            }
            Matrix weightGradient = la.zeros(layers[l].inputs, layers[l].outputs); // the layout of Wᵀ
            Matrix biasGradient = la.zeros(1, layers[l].outputs);
            layers[l].accumulate(la, alpha, ws.gradients[l], layerInput(ws, l, false), 0.0, weightGradient, biasGradient);
            weights.add(0, DenseLayer.transpose(la.toRowMajor(weightGradient), layers[l].inputs, layers[l].outputs));
            biases.add(0, la.toRowMajor(biasGradient));
        }
        return Parameters.of(architecture.layerSizes(), weights, biases);
    }

    /** Mean cross-entropy loss over {@code data}. */
    public double loss(Dataset data) {
        return evaluate(data).loss();
    }

    /**
     * The pre-activations {@code z} of hidden layer {@code layer} for all of {@code batch}, row-major;
     * gradient checking uses them to keep away from the kinks of ReLU and leaky ReLU.
     */
    double[] hiddenPreActivations(Dataset batch, int layer) {
        checkFits(batch);
        Workspace ws = workspace(batch.size());
        load(ws, batch, null, 0);
        for (int l = 0; l < layer; l++) {
            layers[l].forward(la, layerInput(ws, l, false), ws.preActivations[l], ws.activations[l]);
        }
        Matrix z = ws.gradients[layer]; // scratch: same shape as the layer's output
        layers[layer].preActivation(la, layerInput(ws, layer, false), z);
        return la.toRowMajor(z);
    }

    // ------------------------------------------------------------------ evaluation and prediction

    /**
     * Loss, accuracy and confusion matrix over {@code data}, without dropout.
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
            forward(la, ws, false, null);
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
        return predict(new double[][] {features}).get(0);
    }

    /**
     * Predictions for many samples at once, computed in batches so the backend's fast paths apply.
     *
     * @param samples one row of {@link #inputSize()} features per sample
     * @throws IllegalArgumentException if a row has the wrong length (naming it) or there are none
     */
    public List<Prediction> predict(double[][] samples) {
        Objects.requireNonNull(samples, "samples");
        if (samples.length == 0) {
            throw new IllegalArgumentException("there are no samples to predict");
        }
        for (int i = 0; i < samples.length; i++) {
            if (samples[i] == null || samples[i].length != inputSize()) {
                throw new IllegalArgumentException("sample " + i + " has " + (samples[i] == null ? "no" : samples[i].length)
                        + " features but the network's input layer has " + inputSize());
            }
        }
        return predict(samples.length, (i, destination, offset) ->
                System.arraycopy(samples[i], 0, destination, offset, inputSize()));
    }

    /** Predictions for every sample of {@code data}, in order (its labels are not used). */
    public List<Prediction> predict(Dataset data) {
        checkFits(data);
        return predict(data.size(), data::copyFeatures);
    }

    /** Copies sample {@code index}'s features into {@code destination} at {@code offset}. */
    private interface FeatureSource {
        void copy(int index, double[] destination, int offset);
    }

    private List<Prediction> predict(int n, FeatureSource source) {
        List<Prediction> predictions = new ArrayList<>(n);
        int width = inputSize();
        int batchSize = Math.min(EVALUATION_BATCH, n);
        for (int first = 0; first < n; first += batchSize) {
            Workspace ws = workspace(Math.min(batchSize, n - first));
            for (int i = 0; i < ws.rows; i++) {
                source.copy(first + i, ws.features, i * width);
            }
            la.setRowMajor(ws.input, ws.features);
            forward(la, ws, false, null);
            Matrix probabilities = ws.gradients[layers.length - 1]; // scratch of the logits' shape
            la.softmaxRows(ws.logits(), probabilities);
            la.argmaxRows(ws.logits(), ws.predicted);
            double[] all = la.toRowMajor(probabilities);
            int classes = outputSize();
            for (int i = 0; i < ws.rows; i++) {
                predictions.add(new Prediction(ws.predicted[i], Arrays.copyOfRange(all, i * classes, (i + 1) * classes)));
            }
        }
        return predictions;
    }

    // ------------------------------------------------------------------ helpers

    Workspace workspace(int rows) {
        return workspaces.computeIfAbsent(rows, r -> new Workspace(la, architecture, r));
    }

    /** Loads rows {@code first ..} of {@code data} (through {@code order} if given) into the workspace. */
    void load(Workspace ws, Dataset data, int[] order, int first) {
        stage(ws, data, order, first);
        la.setRowMajor(ws.input, ws.features);
    }

    /** {@link #load} as far as the workspace's arrays: the features are not yet in its input matrix. */
    void stage(Workspace ws, Dataset data, int[] order, int first) {
        int width = inputSize();
        for (int i = 0; i < ws.rows; i++) {
            int index = order == null ? first + i : order[first + i];
            data.copyFeatures(index, ws.features, i * width);
            ws.labels[i] = data.label(index);
        }
    }

    void checkFits(Dataset data) {
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
