package org.jnn.core;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The weights and biases of a network, in plain arrays, independent of any backend: what a model file
 * stores, what moves a network from one backend to another, and the layout of {@link Network#gradient}.
 *
 * <p>Layer {@code l} (from 0) maps {@code layerSizes[l]} inputs to {@code layerSizes[l + 1]} outputs:
 * its weights are a {@code layerSizes[l + 1] × layerSizes[l]} matrix in row-major order (row {@code i}
 * holds the weights of output unit {@code i}) and its biases one value per output unit. Instances are
 * immutable; accessors return copies.
 */
public final class Parameters {

    private final int[] layerSizes;
    private final double[][] weights;
    private final double[][] biases;

    private Parameters(int[] layerSizes, double[][] weights, double[][] biases) {
        this.layerSizes = layerSizes;
        this.weights = weights;
        this.biases = biases;
    }

    /**
     * Parameters from arrays, copied and checked against the layer sizes.
     *
     * @throws IllegalArgumentException if the sizes are invalid or an array has the wrong length
     */
    public static Parameters of(int[] layerSizes, List<double[]> weights, List<double[]> biases) {
        int[] sizes = checkLayerSizes(layerSizes);
        int layers = sizes.length - 1;
        if (weights.size() != layers || biases.size() != layers) {
            throw new IllegalArgumentException("layer sizes " + Arrays.toString(sizes) + " describe " + layers
                    + " layers but there are " + weights.size() + " weight arrays and " + biases.size() + " bias arrays");
        }
        double[][] w = new double[layers][];
        double[][] b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            int expectedWeights = sizes[l + 1] * sizes[l];
            if (weights.get(l).length != expectedWeights) {
                throw new IllegalArgumentException("layer " + l + " maps " + sizes[l] + " inputs to " + sizes[l + 1]
                        + " outputs, so it needs " + expectedWeights + " weights, but " + weights.get(l).length + " were given");
            }
            if (biases.get(l).length != sizes[l + 1]) {
                throw new IllegalArgumentException("layer " + l + " has " + sizes[l + 1] + " outputs, so it needs "
                        + sizes[l + 1] + " biases, but " + biases.get(l).length + " were given");
            }
            w[l] = weights.get(l).clone();
            b[l] = biases.get(l).clone();
        }
        return new Parameters(sizes, w, b);
    }

    /**
     * He-normal initial parameters: every weight of a layer with {@code n} inputs drawn from a normal
     * distribution with mean 0 and standard deviation {@code sqrt(2 / n)}, biases 0. The values come
     * from {@link Random} seeded with {@code seed}, layer by layer in row-major order, so the same seed
     * gives bit-identical parameters on every JVM and every backend.
     */
    public static Parameters heInitialized(int[] layerSizes, long seed) {
        int[] sizes = checkLayerSizes(layerSizes);
        Random random = new Random(seed);
        int layers = sizes.length - 1;
        double[][] w = new double[layers][];
        double[][] b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            double standardDeviation = Math.sqrt(2.0 / sizes[l]);
            w[l] = new double[sizes[l + 1] * sizes[l]];
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] = random.nextGaussian() * standardDeviation;
            }
            b[l] = new double[sizes[l + 1]];
        }
        return new Parameters(sizes, w, b);
    }

    /** Checks a list of layer sizes (input first) and returns a copy. */
    static int[] checkLayerSizes(int[] layerSizes) {
        if (layerSizes == null || layerSizes.length < 2) {
            throw new IllegalArgumentException("a network needs at least two layer sizes (inputs and outputs), got "
                    + (layerSizes == null ? "none" : Arrays.toString(layerSizes)));
        }
        for (int i = 0; i < layerSizes.length; i++) {
            if (layerSizes[i] <= 0) {
                throw new IllegalArgumentException("layer sizes must be positive, but size " + i + " of "
                        + Arrays.toString(layerSizes) + " is " + layerSizes[i]);
            }
        }
        return layerSizes.clone();
    }

    /** The layer sizes, inputs first. */
    public int[] layerSizes() {
        return layerSizes.clone();
    }

    /** Number of weight layers, one less than the number of layer sizes. */
    public int layerCount() {
        return weights.length;
    }

    /** Layer {@code layer}'s weights, row-major {@code outputs × inputs}. */
    public double[] weights(int layer) {
        return weights[layer].clone();
    }

    /** Layer {@code layer}'s biases, one per output. */
    public double[] biases(int layer) {
        return biases[layer].clone();
    }

    /** Total number of weights and biases. */
    public long count() {
        long total = 0;
        for (int l = 0; l < weights.length; l++) {
            total += weights[l].length + biases[l].length;
        }
        return total;
    }

    /** A copy with one weight ({@code bias == false}) or bias changed; used by gradient checking. */
    Parameters with(int layer, boolean bias, int index, double value) {
        double[][] w = weights.clone();
        double[][] b = biases.clone();
        if (bias) {
            b[layer] = b[layer].clone();
            b[layer][index] = value;
        } else {
            w[layer] = w[layer].clone();
            w[layer][index] = value;
        }
        return new Parameters(layerSizes, w, b);
    }

    /** Direct read of one value, without copying the layer. */
    double get(int layer, boolean bias, int index) {
        return bias ? biases[layer][index] : weights[layer][index];
    }

    /** Parameters of the same shape are equal when every value is bit-for-bit equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Parameters p && Arrays.equals(layerSizes, p.layerSizes)
                && Arrays.deepEquals(weights, p.weights) && Arrays.deepEquals(biases, p.biases);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(layerSizes) + Arrays.deepHashCode(weights);
    }

    @Override
    public String toString() {
        return "Parameters" + Arrays.toString(layerSizes) + " (" + count() + " values)";
    }
}
