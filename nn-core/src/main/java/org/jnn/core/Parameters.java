package org.jnn.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

    /** The longest array a JVM allocates (as {@code jdk.internal.util.ArraysSupport.SOFT_MAX_ARRAY_LENGTH}). */
    static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

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
        return adopt(layerSizes, weights.stream().map(double[]::clone).toList(),
                biases.stream().map(double[]::clone).toList());
    }

    /** Like {@link #of} but keeps the arrays instead of copying them: for arrays nobody else holds. */
    static Parameters adopt(int[] layerSizes, List<double[]> weights, List<double[]> biases) {
        int[] sizes = checkLayerSizes(layerSizes);
        int layers = sizes.length - 1;
        if (weights.size() != layers || biases.size() != layers) {
            throw new IllegalArgumentException("layer sizes " + Arrays.toString(sizes) + " describe " + layers
                    + " layers but there are " + weights.size() + " weight arrays and " + biases.size() + " bias arrays");
        }
        for (int l = 0; l < layers; l++) {
            int expectedWeights = sizes[l + 1] * sizes[l]; // fits: checkLayerSizes has seen to it
            if (weights.get(l).length != expectedWeights) {
                throw new IllegalArgumentException("layer " + l + " maps " + sizes[l] + " inputs to " + sizes[l + 1]
                        + " outputs, so it needs " + expectedWeights + " weights, but " + weights.get(l).length + " were given");
            }
            if (biases.get(l).length != sizes[l + 1]) {
                throw new IllegalArgumentException("layer " + l + " has " + sizes[l + 1] + " outputs, so it needs "
                        + sizes[l + 1] + " biases, but " + biases.get(l).length + " were given");
            }
        }
        return new Parameters(sizes, weights.toArray(double[][]::new), biases.toArray(double[][]::new));
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

    /**
     * Checks a list of layer sizes (input first) and returns a copy.
     *
     * @throws IllegalArgumentException if there are fewer than two sizes, a size is not positive, or a
     *     layer has more weights than one Java array (and so one backend matrix) can hold; the message
     *     names the layer and the number of weights
     */
    public static int[] checkLayerSizes(int[] layerSizes) {
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
        for (int l = 0; l + 1 < layerSizes.length; l++) {
            long weights = (long) layerSizes[l] * layerSizes[l + 1];
            if (weights > MAX_ARRAY_LENGTH) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "layer %d maps %,d inputs to %,d outputs: %,d weights, more than the %,d values one matrix"
                                + " can hold; make the layers narrower", l, layerSizes[l], layerSizes[l + 1], weights,
                        MAX_ARRAY_LENGTH));
            }
        }
        return layerSizes.clone();
    }

    /**
     * Roughly how much heap creating, training and saving a network of these layer sizes needs, in
     * bytes, not counting the data set: the larger of
     * <ul>
     *   <li>what creating the network holds at once: its initial parameters, the backend's matrices,
     *       and the copies that transpose the layer being built (at most {@code 2P + 2W} values, for
     *       {@code P} parameters and {@code W} in the largest layer), and</li>
     *   <li>what saving after training holds: the backend's matrices, the two copies that read them
     *       back, and the buffers of training (two batches of {@code batchSize} rows) and evaluation
     *       (two of 256), each row holding the inputs and every layer's outputs twice
     *       ({@code 3P + B} values),</li>
     * </ul>
     * at 8 bytes a value, plus half again as headroom for the garbage collector: with the default
     * collector (G1) and arrays this large, the smallest heap that worked was 1.05 to 1.5 times these
     * live data (measured for four networks needing 0.1 to 0.8 GB), so the estimate errs on the safe
     * side by up to a third. Callers compare it with {@link Runtime#maxMemory()} before
     * allocating, to say how much memory to give instead of failing later with an
     * {@link OutOfMemoryError}. A backend that keeps its matrices outside the heap (ND4J) needs less
     * heap and that much native memory instead.
     *
     * @throws IllegalArgumentException if the sizes are invalid (see {@link #checkLayerSizes}),
     *     {@code batchSize < 1}, or a batch's outputs of one layer would not fit in one matrix
     */
    public static long estimatedBytes(int[] layerSizes, int batchSize) {
        int[] sizes = checkLayerSizes(layerSizes);
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
        }
        int widest = Arrays.stream(sizes).max().orElseThrow();
        if ((long) batchSize * widest > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "a batch of %,d samples through a layer of"
                    + " %,d units needs %,d values in one matrix, more than the %,d it can hold; use smaller batches",
                    batchSize, widest, (long) batchSize * widest, MAX_ARRAY_LENGTH));
        }
        try {
            long parameters = 0;
            long largestLayer = 0;
            long valuesPerRow = 2L * sizes[0];
            for (int l = 0; l + 1 < sizes.length; l++) {
                long layer = ((long) sizes[l] + 1) * sizes[l + 1];
                parameters = Math.addExact(parameters, layer);
                largestLayer = Math.max(largestLayer, layer);
                valuesPerRow = Math.addExact(valuesPerRow, 2L * sizes[l + 1]);
            }
            long buffers = Math.multiplyExact(2L * batchSize + 2L * Network.EVALUATION_BATCH, valuesPerRow);
            long creating = Math.addExact(Math.multiplyExact(2L, parameters), Math.multiplyExact(2L, largestLayer));
            long saving = Math.addExact(Math.multiplyExact(3L, parameters), buffers);
            long live = Math.multiplyExact((long) Double.BYTES, Math.max(creating, saving));
            return Math.addExact(live, live / 2);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE; // more than any machine has, which is all a caller needs to know
        }
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

    /** Layer {@code layer}'s weights themselves, not a copy: for reading only, within this package. */
    double[] weightsView(int layer) {
        return weights[layer];
    }

    /** Layer {@code layer}'s biases themselves, not a copy: for reading only, within this package. */
    double[] biasesView(int layer) {
        return biases[layer];
    }

    /** Total number of weights and biases. */
    public long count() {
        long total = 0;
        for (int l = 0; l < weights.length; l++) {
            total += (long) weights[l].length + biases[l].length;
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
