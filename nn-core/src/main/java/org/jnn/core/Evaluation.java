package org.jnn.core;

/**
 * How well a network does on a labelled data set.
 *
 * <p>{@code confusion[actual][predicted]} counts the samples of class {@code actual} that the network
 * labelled {@code predicted}.
 */
public final class Evaluation {

    private final double meanLoss;
    private final int[][] confusion;
    private final int samples;
    private final int correct;

    Evaluation(double meanLoss, int[][] confusion) {
        this.meanLoss = meanLoss;
        this.confusion = deepCopy(confusion);
        int total = 0;
        int diagonal = 0;
        for (int actual = 0; actual < confusion.length; actual++) {
            for (int predicted = 0; predicted < confusion[actual].length; predicted++) {
                total += confusion[actual][predicted];
            }
            diagonal += confusion[actual][actual];
        }
        this.samples = total;
        this.correct = diagonal;
    }

    /** Number of samples evaluated. */
    public int samples() {
        return samples;
    }

    /** Mean cross-entropy loss per sample. */
    public double loss() {
        return meanLoss;
    }

    /** Fraction of samples whose most probable class is the label. */
    public double accuracy() {
        return (double) correct / samples;
    }

    /** Number of classes (rows and columns of the confusion matrix). */
    public int classCount() {
        return confusion.length;
    }

    /** A copy of the confusion matrix, {@code [actual][predicted]}. */
    public int[][] confusionMatrix() {
        return deepCopy(confusion);
    }

    /** Of the samples predicted as class {@code c}, the fraction that are {@code c}; NaN if none was. */
    public double precision(int c) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? Double.NaN : (double) confusion[c][c] / predicted;
    }

    /** Of the samples of class {@code c}, the fraction predicted as {@code c}; NaN if there are none. */
    public double recall(int c) {
        int actual = 0;
        for (int count : confusion[c]) {
            actual += count;
        }
        return actual == 0 ? Double.NaN : (double) confusion[c][c] / actual;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "Evaluation[samples=%d, loss=%.4f, accuracy=%.4f]",
                samples, meanLoss, accuracy());
    }

    private static int[][] deepCopy(int[][] m) {
        int[][] copy = new int[m.length][];
        for (int i = 0; i < m.length; i++) {
            copy[i] = m[i].clone();
        }
        return copy;
    }
}
