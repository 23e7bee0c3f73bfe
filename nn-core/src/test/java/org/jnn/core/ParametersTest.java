package org.jnn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jnn.core.conformance.ReferenceLinearAlgebra;
import org.junit.jupiter.api.Test;

class ParametersTest {

    @Test
    void heInitialisationIsDeterministicPerSeed() {
        int[] sizes = {784, 200, 10};
        assertEquals(Parameters.heInitialized(sizes, 42), Parameters.heInitialized(sizes, 42));
        assertNotEquals(Parameters.heInitialized(sizes, 42), Parameters.heInitialized(sizes, 43));
    }

    @Test
    void heInitialisationHasMeanZeroAndStandardDeviationSqrtTwoOverFanIn() {
        Parameters p = Parameters.heInitialized(new int[] {784, 200, 10}, 7);
        for (int l = 0; l < 2; l++) {
            int fanIn = l == 0 ? 784 : 200;
            double[] w = p.weights(l);
            double sum = 0;
            double squares = 0;
            for (double v : w) {
                sum += v;
                squares += v * v;
            }
            double mean = sum / w.length;
            double sd = Math.sqrt(squares / w.length - mean * mean);
            double expected = Math.sqrt(2.0 / fanIn);
            // 156,800 and 2,000 draws: the sample sd is within a few percent of the truth
            assertEquals(expected, sd, expected * (l == 0 ? 0.01 : 0.05), "sd of layer " + l);
            assertEquals(0.0, mean, 4 * expected / Math.sqrt(w.length), "mean of layer " + l);
            for (double b : p.biases(l)) {
                assertEquals(0.0, b);
            }
        }
    }

    @Test
    void accessorsReturnCopies() {
        Parameters p = Parameters.heInitialized(new int[] {3, 2}, 1);
        double[] w = p.weights(0);
        w[0] = 1e9;
        assertNotEquals(1e9, p.weights(0)[0]);
        assertEquals(3 * 2 + 2, p.count());
    }

    @Test
    void estimatedBytesCoversEveryCopyOfTheParametersAndTheBatchBuffers() {
        int[] reference = {784, 200, 200, 10};
        long parameterBytes = 8L * Parameters.heInitialized(reference, 1).count();
        long single = Parameters.estimatedBytes(reference, 1);
        // Each row of a batch holds the inputs and every layer's outputs twice, in two workspaces.
        long perRow = 8L * 2 * 2 * (784 + 200 + 200 + 10);
        // Saving after training: three copies of the parameters, and evaluation's 256-row buffers.
        assertTrue(single >= 3 * parameterBytes + 256 * perRow, single + " vs " + parameterBytes);
        // Larger batches add their rows, with the same headroom for the garbage collector.
        assertEquals(999 * perRow * 3 / 2, Parameters.estimatedBytes(reference, 1000) - single);
        // Creating a network with one dominant layer holds four copies of that layer at once.
        int[] oneWideLayer = {784, 20_000, 10};
        assertTrue(Parameters.estimatedBytes(oneWideLayer, 1) >= 4L * 8 * 784 * 20_000);
        // Too big for a default heap, but an int would have wrapped it around to a small or negative number.
        long huge = Parameters.estimatedBytes(new int[] {784, 1_000_000, 10}, 1);
        assertTrue(huge > 3L * 8 * 794_000_000, Long.toString(huge));
        assertThrows(IllegalArgumentException.class, () -> Parameters.estimatedBytes(reference, 0));
    }

    @Test
    void countOfParametersIsALongSum() {
        Parameters p = Parameters.heInitialized(new int[] {3, 2}, 1);
        assertEquals(3 * 2 + 2, p.count());
    }

    @Test
    void theSameShuffleSeedVisitsSamplesInTheSameOrderAndAnotherSeedDoesNot() {
        assertEquals(visitOrder(5), visitOrder(5));
        assertNotEquals(visitOrder(5), visitOrder(6));
        List<Integer> order = visitOrder(5);
        // every epoch is a permutation of all samples
        for (int epoch = 0; epoch < 2; epoch++) {
            assertEquals(20, order.subList(epoch * 20, epoch * 20 + 20).stream().distinct().count());
        }
    }

    private static List<Integer> visitOrder(long shuffleSeed) {
        List<Integer> visited = new ArrayList<>();
        Dataset data = new Dataset() {
            @Override public int size() { return 20; }
            @Override public int featureCount() { return 2; }
            @Override public int classCount() { return 2; }
            @Override public int label(int index) { return index % 2; }
            @Override public void copyFeatures(int index, double[] destination, int offset) {
                visited.add(index);
                destination[offset] = index;
                destination[offset + 1] = -index;
            }
        };
        Network.create(new ReferenceLinearAlgebra(), 1, 2, 3, 2).train(data, new TrainingOptions(0.01, 4, 2, shuffleSeed));
        assertTrue(visited.size() == 40);
        return visited;
    }
}
