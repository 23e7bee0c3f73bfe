package org.jnn.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jnn.api.Activation;
import org.jnn.api.Precision;
import org.jnn.backend.nd4j.PreparedOps.Key;
import org.jnn.backend.nd4j.PreparedOps.Site;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.jnn.core.Architecture;
import org.jnn.core.Dataset;
import org.jnn.core.EpochResult;
import org.jnn.core.Network;
import org.jnn.core.TrainingListener;
import org.jnn.core.TrainingOptions;
import org.jnn.core.optim.Optimizer;
import org.nd4j.linalg.api.ops.impl.transforms.custom.ThresholdRelu;
import org.nd4j.linalg.api.ops.impl.updaters.RmsPropUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An op is kept per call site, arrays (by identity) and scalars, and rerun for the same call; the
 * least recently used is dropped when full, and training keeps every op it needs.
 */
class PreparedOpsTest {

    @BeforeAll
    static void load() {
        assertTrue(new Nd4jLinearAlgebra().availability().usable());
    }

    private static INDArray row(double... values) {
        return Nd4j.create(values, new long[] {1, values.length}, 'c');
    }

    /** Builds {@code thresholdedrelu} ops, counting them. */
    private static Function<Key, CustomOp> countingRelu(AtomicInteger built) {
        return k -> {
            built.incrementAndGet();
            return new ThresholdRelu(k.a(), k.out(), 0.0);
        };
    }

    @Test
    void aKeyIsTheSiteTheArraysByIdentityAndTheScalarsBitForBit() {
        INDArray a = row(1, 2);
        INDArray b = row(3, 4);
        INDArray c = row(5, 6);
        Key product = Key.product(Site.GEMM, 1.0, a, false, b, true, 0.0, c);
        assertEquals(product, Key.product(Site.GEMM, 1.0, a, false, b, true, 0.0, c));
        assertEquals(product.hashCode(), Key.product(Site.GEMM, 1.0, a, false, b, true, 0.0, c).hashCode());
        assertNotEquals(product, Key.product(Site.GEMM, 1.0, a.dup(), false, b, true, 0.0, c),
                "an array with the same contents is another array: the op is bound to the buffer");
        assertNotEquals(product, Key.product(Site.GEMV, 1.0, a, false, b, true, 0.0, c));
        assertNotEquals(product, Key.product(Site.GEMM, 1.0, a, true, b, true, 0.0, c));
        assertNotEquals(product, Key.product(Site.GEMM, 1.0, a, false, b, false, 0.0, c));
        assertNotEquals(product, Key.product(Site.GEMM, 1.0, a, false, b, true, -0.0, c), "-0.0 is not 0.0");
        assertEquals(Key.product(Site.GEMM, Double.NaN, a, false, b, true, 0.0, c),
                Key.product(Site.GEMM, Double.NaN, a, false, b, true, 0.0, c), "NaN is NaN");
        assertEquals(Key.of(Site.RELU, c, a), Key.of(Site.RELU, c, a));
        assertNotEquals(Key.of(Site.RELU, c, a), Key.of(Site.LOG_SOFTMAX, c, a));
        assertNotEquals(Key.of(Site.ADD_ROW_VECTOR, c, a, b), Key.of(Site.ADD_ROW_VECTOR, c, b, a));
    }

    @Test
    void theSameCallRerunsTheOpBuiltForIt() {
        PreparedOps prepared = new PreparedOps();
        AtomicInteger built = new AtomicInteger();
        Function<Key, CustomOp> relu = countingRelu(built);
        INDArray in = row(-1, 2, -3);
        INDArray out = row(9, 9, 9);
        prepared.run(Key.of(Site.RELU, out, in), relu);
        assertArrayEquals(new double[] {0, 2, 0}, out.data().asDouble(), 0.0);
        in.assign(row(4, -5, 6));
        prepared.run(Key.of(Site.RELU, out, in), relu);
        assertArrayEquals(new double[] {4, 0, 6}, out.data().asDouble(), 0.0, "the rerun op reads the new contents");
        assertEquals(1, built.get());

        prepared.run(Key.of(Site.RELU, out, in.dup()), relu);
        assertEquals(2, built.get(), "other arrays, another op");
    }

    /** Runs {@code relu} on {@code n} new input arrays in turn, which are returned. */
    private static List<INDArray> runOnNewInputs(PreparedOps prepared, Function<Key, CustomOp> relu, INDArray out, int n) {
        List<INDArray> inputs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inputs.add(row(i));
            prepared.run(Key.of(Site.RELU, out, inputs.get(i)), relu);
        }
        return inputs;
    }

    @Test
    void theOldestOpIsDroppedWhenFull() {
        PreparedOps prepared = new PreparedOps();
        AtomicInteger built = new AtomicInteger();
        Function<Key, CustomOp> relu = countingRelu(built);
        INDArray out = row(0);
        List<INDArray> inputs = runOnNewInputs(prepared, relu, out, PreparedOps.CAPACITY + 1);
        assertEquals(PreparedOps.CAPACITY + 1, built.get());
        prepared.run(Key.of(Site.RELU, out, inputs.get(PreparedOps.CAPACITY)), relu);
        assertEquals(PreparedOps.CAPACITY + 1, built.get(), "the newest is kept");
        prepared.run(Key.of(Site.RELU, out, inputs.get(0)), relu);
        assertEquals(PreparedOps.CAPACITY + 2, built.get(), "the oldest was dropped and is built again");
    }

    @Test
    void theLeastRecentlyUsedOpIsDroppedNotTheOldest() {
        PreparedOps prepared = new PreparedOps();
        AtomicInteger built = new AtomicInteger();
        Function<Key, CustomOp> relu = countingRelu(built);
        INDArray out = row(0);
        List<INDArray> inputs = runOnNewInputs(prepared, relu, out, PreparedOps.CAPACITY);
        prepared.run(Key.of(Site.RELU, out, inputs.get(0)), relu); // the oldest, used again
        prepared.run(Key.of(Site.RELU, out, row(-1)), relu); // one more: the second oldest goes
        assertEquals(PreparedOps.CAPACITY + 1, built.get());
        prepared.run(Key.of(Site.RELU, out, inputs.get(0)), relu);
        assertEquals(PreparedOps.CAPACITY + 1, built.get(), "the oldest, recently used, is kept");
        prepared.run(Key.of(Site.RELU, out, inputs.get(1)), relu);
        assertEquals(PreparedOps.CAPACITY + 2, built.get(), "the least recently used was dropped");
    }

    @Test
    void scalarsSetPerCallReachTheKeptOp() {
        PreparedOps prepared = new PreparedOps();
        INDArray gradient = row(2);
        INDArray meanSquare = row(0);
        Key key = Key.of(Site.RMS_PROP_UPDATER, gradient, gradient, meanSquare);
        Function<Key, CustomOp> create = k -> new RmsPropUpdater(k.a(), k.b(), 0, 0, 0);
        prepared.run(key, create, new double[] {0.5, 0.75, 0.0}, new long[0]);
        // s = 0.75·0 + 0.25·4 = 1; update 0.5·2/1
        assertArrayEquals(new double[] {1}, meanSquare.data().asDouble(), 1e-15);
        assertArrayEquals(new double[] {1}, gradient.data().asDouble(), 1e-15);
        gradient.assign(2);
        prepared.run(key, create, new double[] {0.1, 0.5, 0.0}, new long[0]);
        // s = 0.5·1 + 0.5·4 = 2.5; update 0.1·2/sqrt(2.5)
        assertArrayEquals(new double[] {2.5}, meanSquare.data().asDouble(), 1e-15);
        assertArrayEquals(new double[] {0.2 / Math.sqrt(2.5)}, gradient.data().asDouble(), 1e-15,
                "the same op ran with the new learning rate and decay");
        assertEquals(1, prepared.built());
    }

    // The ops of an epoch must fit, and so must its scratch arrays (layers of two widths, two batch sizes, the
    // parameters' shapes): a step that needed more would rebuild ops, or allocate arrays and build ops for them,
    // on every call.
    @Test
    void trainingWithEveryNewOperationRebuildsNothingAfterItsFirstEpoch() {
        Random random = new Random(5);
        int samples = 140; // batches of 64, 64 and 12
        double[][] features = new double[samples][784];
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < 784; j++) {
                features[i][j] = random.nextDouble();
            }
            labels[i] = random.nextInt(10);
        }
        Dataset data = Dataset.of(features, labels, 10);
        Architecture architecture = Architecture.of(784, 200, 100, 10)
                .withActivations(Activation.GELU, Activation.LEAKY_RELU).withDropout(0.2);
        for (Precision precision : Precision.values()) {
            Nd4jLinearAlgebra la = (Nd4jLinearAlgebra) new Nd4jLinearAlgebra().withPrecision(precision);
            Network network = Network.create(la, architecture, 7);
            TrainingOptions options = TrainingOptions.builder().batchSize(64).epochs(3).learningRate(1e-3)
                    .optimizer(Optimizer.adamW(0.01)).validation(0.2).build();
            List<Long> builtAfterEpoch = new ArrayList<>();
            network.train(data, options, new TrainingListener() {
                @Override
                public void epochFinished(EpochResult result) {
                    builtAfterEpoch.add(la.preparedOps().built());
                }
            });
            assertTrue(builtAfterEpoch.get(0) < PreparedOps.CAPACITY, precision + ": " + builtAfterEpoch.get(0)
                    + " ops for an epoch with validation, of capacity " + PreparedOps.CAPACITY);
            assertEquals(List.of(builtAfterEpoch.get(0), builtAfterEpoch.get(0), builtAfterEpoch.get(0)), builtAfterEpoch,
                    precision + ": ops built by the end of each epoch; epochs after the first reuse them all");
        }
    }
}
