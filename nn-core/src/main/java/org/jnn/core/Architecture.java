package org.jnn.core;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jnn.api.Activation;

/**
 * The shape of a multilayer perceptron: units per layer, the activation of every hidden layer and
 * its dropout rate. The output layer is always linear and feeds a softmax with cross-entropy loss.
 *
 * <pre>{@code
 * Architecture.of(784, 200, 200, 10)                              // ReLU, no dropout: the reference experiment's
 * Architecture.of(784, 512, 512, 10).withActivation(Activation.GELU).withDropout(0.2)
 * Architecture.of(784, 256, 128, 10).withActivations(Activation.TANH, Activation.RELU)
 * }</pre>
 *
 * @param layerSizes units per layer, inputs first and classes last, at least two
 * @param activations one per hidden layer ({@code layerSizes.length - 2}), none of them {@code IDENTITY}
 * @param dropout one rate per hidden layer, each in [0, 1): the share of its units zeroed in training
 *     (inverted dropout: the kept ones are scaled by {@code 1 / (1 - rate)}, so nothing changes at evaluation)
 */
public record Architecture(int[] layerSizes, Activation[] activations, double[] dropout) {

    public Architecture {
        layerSizes = Parameters.checkLayerSizes(layerSizes);
        int hidden = layerSizes.length - 2;
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(dropout, "dropout");
        if (activations.length != hidden || dropout.length != hidden) {
            throw new IllegalArgumentException("layer sizes " + Arrays.toString(layerSizes) + " have " + hidden
                    + " hidden layer" + (hidden == 1 ? "" : "s") + " but " + activations.length
                    + " activations and " + dropout.length + " dropout rates were given");
        }
        activations = activations.clone();
        dropout = dropout.clone();
        for (int l = 0; l < hidden; l++) {
            if (activations[l] == null || activations[l] == Activation.IDENTITY) {
                throw new IllegalArgumentException("hidden layer " + (l + 1) + " needs a non-linear activation, got "
                        + activations[l]);
            }
            if (!(dropout[l] >= 0 && dropout[l] < 1)) {
                throw new IllegalArgumentException("dropout of hidden layer " + (l + 1) + " must be in [0, 1), got "
                        + dropout[l]);
            }
        }
    }

    /**
     * The architecture that {@link #activationsText()} and {@link #dropoutText()} wrote, for layers of
     * {@code layerSizes}; a null text means ReLU, respectively no dropout, everywhere.
     *
     * @throws IllegalArgumentException for an unknown activation, a bad rate or the wrong count
     */
    public static Architecture fromText(int[] layerSizes, String activations, String dropout) {
        Architecture plain = of(layerSizes);
        Activation[] functions = activations == null ? plain.activations
                : java.util.Arrays.stream(activations.split(",", -1)).map(String::trim).filter(t -> !t.isEmpty())
                        .map(Activation::fromId).toArray(Activation[]::new);
        double[] rates;
        try {
            rates = dropout == null ? plain.dropout
                    : java.util.Arrays.stream(dropout.split(",", -1)).map(String::trim).filter(t -> !t.isEmpty())
                            .mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dropout rates '" + dropout + "' are not numbers");
        }
        return new Architecture(layerSizes, functions, rates);
    }

    /** The hidden layers' activations as a model file records them: {@code relu,relu}. */
    public String activationsText() {
        return Arrays.stream(activations).map(Activation::id).collect(Collectors.joining(","));
    }

    /** The hidden layers' dropout rates as a model file records them: {@code 0.2,0.2}. */
    public String dropoutText() {
        return Arrays.stream(dropout).mapToObj(Double::toString).collect(Collectors.joining(","));
    }

    /** ReLU hidden layers without dropout. */
    public static Architecture of(int... layerSizes) {
        int hidden = Math.max(0, (layerSizes == null ? 0 : layerSizes.length) - 2);
        Activation[] activations = new Activation[hidden];
        Arrays.fill(activations, Activation.RELU);
        return new Architecture(layerSizes, activations, new double[hidden]);
    }

    /** The same with {@code activation} in every hidden layer. */
    public Architecture withActivation(Activation activation) {
        Activation[] all = new Activation[activations.length];
        Arrays.fill(all, activation);
        return new Architecture(layerSizes, all, dropout);
    }

    /** The same with one activation per hidden layer. */
    public Architecture withActivations(Activation... perHiddenLayer) {
        return new Architecture(layerSizes, perHiddenLayer, dropout);
    }

    /** The same with dropout {@code rate} after every hidden layer. */
    public Architecture withDropout(double rate) {
        double[] all = new double[dropout.length];
        Arrays.fill(all, rate);
        return new Architecture(layerSizes, activations, all);
    }

    /** The same with one dropout rate per hidden layer. */
    public Architecture withDropouts(double... perHiddenLayer) {
        return new Architecture(layerSizes, activations, perHiddenLayer);
    }

    @Override
    public int[] layerSizes() {
        return layerSizes.clone();
    }

    @Override
    public Activation[] activations() {
        return activations.clone();
    }

    @Override
    public double[] dropout() {
        return dropout.clone();
    }

    /** Number of weight layers. */
    public int layerCount() {
        return layerSizes.length - 1;
    }

    /** The activation of weight layer {@code layer} (from 0): its hidden activation, or IDENTITY for the output layer. */
    public Activation activation(int layer) {
        return layer < activations.length ? activations[layer] : Activation.IDENTITY;
    }

    /** The dropout rate after weight layer {@code layer} (from 0); 0 for the output layer. */
    public double dropout(int layer) {
        return layer < dropout.length ? dropout[layer] : 0;
    }

    /** True when some hidden layer drops units in training. */
    public boolean hasDropout() {
        return Arrays.stream(dropout).anyMatch(rate -> rate > 0);
    }

    /** {@code 784-200-200-10}. */
    public String sizesText() {
        return Arrays.stream(layerSizes).mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a && Arrays.equals(layerSizes, a.layerSizes)
                && Arrays.equals(activations, a.activations) && Arrays.equals(dropout, a.dropout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(layerSizes), Arrays.hashCode(activations), Arrays.hashCode(dropout));
    }

    /** {@code 784-200(relu)-200(relu, dropout 0.2)-10}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(layerSizes[0]);
        for (int l = 0; l < activations.length; l++) {
            text.append('-').append(layerSizes[l + 1]).append('(').append(activations[l].id());
            if (dropout[l] > 0) {
                text.append(", dropout ").append(dropout[l]);
            }
            text.append(')');
        }
        return text.append('-').append(layerSizes[layerSizes.length - 1]).toString();
    }
}
