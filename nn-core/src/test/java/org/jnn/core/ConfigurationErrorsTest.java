package org.jnn.core;

import static org.jnn.core.Rejections.assertRejected;

import java.util.List;
import org.jnn.core.conformance.ReferenceLinearAlgebra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad configuration fails at once with an {@link IllegalArgumentException} that says what is wrong. */
class ConfigurationErrorsTest {

    private final ReferenceLinearAlgebra la = new ReferenceLinearAlgebra();

    @Test
    void fewerThanTwoLayerSizes() {
        assertRejected(() -> Network.create(la, 1, 784), "at least two layer sizes", "[784]");
        assertRejected(() -> Network.create(la, 1), "at least two layer sizes");
    }

    @Test
    void nonPositiveLayerSize() {
        assertRejected(() -> Network.create(la, 1, 784, 0, 10), "size 1", "is 0");
        assertRejected(() -> Network.create(la, 1, 784, 200, -3), "size 2", "is -3");
    }

    @Test
    void layerWhoseWeightsOverflowAnInt() {
        // 784 × 3,000,000 wrapped around to -1,942,967,296 when multiplied as ints
        assertRejected(() -> Network.create(la, 1, 784, 3_000_000, 10),
                "layer 0 maps 784 inputs to 3,000,000 outputs", "2,352,000,000 weights", "narrower");
        // 65,536 × 65,537 wrapped around to 65,536: arrays far too short, then an index out of bounds
        int[] squareish = {1, 65_536, 65_537, 2};
        assertRejected(() -> Parameters.checkLayerSizes(squareish),
                "layer 1 maps 65,536 inputs to 65,537 outputs", "4,295,032,832 weights");
        assertRejected(() -> Parameters.of(squareish, List.of(), List.of()), "layer 1");
        assertRejected(() -> Parameters.estimatedBytes(squareish, 1), "layer 1");
    }

    @Test
    void batchWhoseBuffersOverflowAnInt() {
        assertRejected(() -> Parameters.estimatedBytes(new int[] {3_000_000, 10}, 1000), "a batch of 1,000 samples",
                "3,000,000 units", "use smaller batches");
        assertRejected(() -> Parameters.estimatedBytes(new int[] {784, 10}, 0), "batch size", "0");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.01, Double.NaN, Double.POSITIVE_INFINITY})
    void learningRateThatIsNotPositiveAndFinite(double rate) {
        assertRejected(() -> new TrainingOptions(rate, 1, 1, 0), "learning rate", String.valueOf(rate));
    }

    @Test
    void batchSizeAndEpochsBelowOne() {
        assertRejected(() -> new TrainingOptions(0.1, 0, 1, 0), "batch size", "0");
        assertRejected(() -> TrainingOptions.builder().epochs(-1).build(), "epochs", "-1");
    }

    @Test
    void inputWidthThatDoesNotMatchTheNetwork() {
        Network net = Network.create(la, 1, 3, 4, 2);
        Dataset wide = Dataset.of(new double[][] {{1, 2, 3, 4}}, new int[] {0}, 2);
        assertRejected(() -> net.train(wide, TrainingOptions.REFERENCE_EXPERIMENT), "4 features", "input layer has 3");
        assertRejected(() -> net.evaluate(wide), "4 features", "input layer has 3");
        assertRejected(() -> net.predict(new double[5]), "5 features", "input layer has 3");
    }

    @Test
    void labelRangeThatDoesNotMatchTheNetwork() {
        Network net = Network.create(la, 1, 3, 4, 2);
        Dataset threeClasses = Dataset.of(new double[][] {{1, 2, 3}}, new int[] {2}, 3);
        assertRejected(() -> net.train(threeClasses, TrainingOptions.REFERENCE_EXPERIMENT), "3 classes", "output layer has 2");
    }

    @Test
    void datasetWithLabelOutsideItsClassRangeOrRaggedRows() {
        assertRejected(() -> Dataset.of(new double[][] {{1}, {2}}, new int[] {0, 2}, 2), "label of row 1 is 2");
        assertRejected(() -> Dataset.of(new double[][] {{1, 2}, {2}}, new int[] {0, 1}, 2), "row 1 has 1 features");
        assertRejected(() -> Dataset.of(new double[][] {{1}}, new int[] {0, 1}, 2), "1 rows", "2 labels");
    }

    @Test
    void datasetWithANonFiniteFeatureNamesItsRowAndFeature() {
        assertRejected(() -> Dataset.of(new double[][] {{1, 2, 3}, {4, Double.NaN, 6}}, new int[] {0, 1}, 2),
                "feature 1 of row 1 is NaN", "finite");
        assertRejected(() -> Dataset.of(new double[][] {{1, 2, Double.POSITIVE_INFINITY}}, new int[] {0}, 2),
                "feature 2 of row 0 is Infinity");
        assertRejected(() -> Dataset.of(new double[][] {{Double.NEGATIVE_INFINITY}}, new int[] {0}, 2),
                "feature 0 of row 0 is -Infinity");
    }

    @Test
    void parametersForOtherLayerSizes() {
        Network net = Network.create(la, 1, 3, 4, 2);
        Parameters other = Parameters.heInitialized(new int[] {3, 5, 2}, 1);
        assertRejected(() -> net.setParameters(other), "[3, 5, 2]", "[3, 4, 2]");
        assertRejected(() -> Parameters.of(new int[] {2, 2}, java.util.List.of(new double[3]), java.util.List.of(new double[2])),
                "needs 4 weights", "3 were given");
    }
}
