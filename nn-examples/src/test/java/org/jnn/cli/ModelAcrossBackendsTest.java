package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.core.ModelFile;
import org.jnn.core.Network;
import org.jnn.core.Parameters;
import org.jnn.core.Prediction;
import org.jnn.core.SavedModel;
import org.jnn.core.TrainingOptions;
import org.jnn.mnist.LabelledImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A model saved on one backend loads on every other with bit-identical weights and the same predictions. */
class ModelAcrossBackendsTest {

    static final List<String> BACKENDS = List.of("ejml", "commons-math", "nd4j");

    @TempDir
    static Path work;

    static DataOptions.LoadedData data;

    @BeforeAll
    static void writeData() throws Exception {
        data = DataOptions.readFolder(SyntheticShapes.writeDataset(work.resolve("shapes"), 10, 5, 3));
    }

    static Stream<Arguments> pairs() {
        return BACKENDS.stream().flatMap(from -> BACKENDS.stream().filter(to -> !to.equals(from))
                .map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "saved on {0}, loaded on {1}")
    @MethodSource("pairs")
    void sameWeightsAndPredictions(String from, String to) throws Exception {
        LinearAlgebra saving = Backends.byName(from);
        Network trained = Network.create(saving, 5, 784, 32, 10);
        trained.train(data.train(), new TrainingOptions(0.01, 4, 2, 5));
        Parameters parameters = trained.parameters();
        Path file = work.resolve(from + "-to-" + to + ".safetensors");
        ModelFile.save(file, parameters, Map.of("backend", from));

        SavedModel loaded = ModelFile.load(file);
        assertEquals(parameters, loaded.parameters(), "the file holds the weights bit for bit");
        Network onOther = loaded.toNetwork(Backends.byName(to));
        assertEquals(parameters, onOther.parameters(), to + " holds the weights bit for bit");

        LabelledImages test = data.test();
        double[] pixels = new double[test.featureCount()];
        for (int i = 0; i < test.size(); i++) {
            test.copyFeatures(i, pixels, 0);
            Prediction expected = trained.predict(pixels);
            Prediction actual = onOther.predict(pixels);
            assertEquals(expected.label(), actual.label(), "sample " + i);
            assertArrayEquals(expected.probabilities(), actual.probabilities(), 1e-12, "sample " + i);
        }
    }

    @Test
    void throughTheCommandLine() {
        Path model = work.resolve("cli.safetensors");
        CliRun train = CliRun.of("train", "--dataset", data.id(), "--backend", "nd4j", "--layers", "784,24,10",
                "--epochs", "2", "--quiet", "--save", model.toString(), "--json");
        assertEquals(0, train.status(), train::toString);
        double accuracy = ((Number) train.json().get("test_accuracy")).doubleValue();
        for (String backend : BACKENDS) {
            CliRun evaluate = CliRun.of("evaluate", model.toString(), "--backend", backend, "--json");
            assertEquals(0, evaluate.status(), evaluate::toString);
            assertEquals(accuracy, ((Number) evaluate.json().get("test_accuracy")).doubleValue(), backend);
            assertTrue(evaluate.err().contains("backend   " + backend), evaluate::toString);
        }
    }
}
