package org.jnn.core;

import java.util.Arrays;

/**
 * The network's answer for one sample.
 *
 * @param label the most probable class (the first one on ties)
 * @param probabilities the softmax output, one probability per class, summing to 1
 */
public record Prediction(int label, double[] probabilities) {

    public Prediction {
        probabilities = probabilities.clone();
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** Probability of class {@code c}. */
    public double probability(int c) {
        return probabilities[c];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && p.label == label && Arrays.equals(p.probabilities, probabilities);
    }

    @Override
    public int hashCode() {
        return 31 * label + Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
        return "Prediction[label=" + label + ", probabilities=" + Arrays.toString(probabilities) + "]";
    }
}
