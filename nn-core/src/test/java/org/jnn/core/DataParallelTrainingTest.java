package org.jnn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jnn.api.Activation;
import org.jnn.core.conformance.ReferenceLinearAlgebra;
import org.jnn.core.conformance.SyntheticData;
import org.jnn.core.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the thread count changes and what it does not. (That 1, 2 and 3 workers give the same weights, with
 * every optimizer, is in the conformance suite, on every backend.)
 */
class DataParallelTrainingTest {

    private static final Dataset DATA = SyntheticData.quadrants(200, 9);
    private static final Architecture ARCHITECTURE = Architecture.of(2, 24, 16, 2)
            .withActivations(Activation.TANH, Activation.GELU).withDropout(0.2);

    /**
     * One thread, the default, is the unsharded step exactly as it was before training could use threads: the
     * digests are of the weights the implementation before data-parallel training (commit 908d108) gave for
     * these runs on the reference backend.
     */
    @ParameterizedTest(name = "{0} at batch size {1}")
    @CsvSource({
        "sgd, 1, cd1bffd651bac7966d9fbe02210a8ff92ccfc45f585583c8e8464a988616f4ec",
        "sgd, 70, 036344587cda4a1f392e545cc77bccbbaec8d75217bb7d655b2ff442c6491945",
        "adam, 70, 9377b9c95b25bc11c413b6acb5674ef552f13437e4c7782cfd9b0cf13366326d",
        "momentum, 48, 075c86ab8d077835739a5ec7b0894939bc910879e6e0710513c60028bb3ac991"})
    void oneThreadGivesTheWeightsOfTheStepBeforeThreads(String optimizer, int batch, String digest) {
        TrainingOptions.Builder options = options(optimizer, batch);
        assertEquals(digest, digest(train(options)), "the default options");
        assertEquals(digest, digest(train(options.threads(1))), "threads(1)");
    }

    /** Batches below 64 rows are never cut, so any thread count gives the one-thread weights there. */
    @ParameterizedTest(name = "batch size {0}")
    @ValueSource(ints = {1, 32, 63})
    void batchesBelowSixtyFourRowsGiveTheOneThreadWeights(int batch) {
        assertEquals(train(options("adam", batch)), train(options("adam", batch).threads(3)));
    }

    /**
     * From 64 rows on batches are cut, and the layout depends on the batch alone: 2, 3 and 5 threads give one
     * result, which differs from one thread's (the sums over the batch are taken in another order).
     */
    @Test
    void largerBatchesAreCutTheSameWayWhateverTheThreadCount() {
        Parameters two = train(options("adam", 70).threads(2));
        assertEquals(two, train(options("adam", 70).threads(3)));
        assertEquals(two, train(options("adam", 70).threads(5)));
        assertNotEquals(train(options("adam", 70)), two, "batches of 70 were not cut into shards");
    }

    @Test
    void shardsAreEvenRunsOfTwentyOneToThirtyTwoRows() {
        assertEquals(1, DataParallelStep.shardCount(1));
        assertEquals(1, DataParallelStep.shardCount(63));
        assertEquals(2, DataParallelStep.shardCount(64)); // 32 + 32
        assertEquals(3, DataParallelStep.shardCount(65)); // 22 + 22 + 21
        assertEquals(3, DataParallelStep.shardCount(70)); // 24 + 23 + 23
        assertEquals(4, DataParallelStep.shardCount(128));
        for (int rows = 64; rows <= 1000; rows++) {
            int shards = DataParallelStep.shardCount(rows);
            assertTrue(rows / shards >= 21 && (rows + shards - 1) / shards <= DataParallelStep.SHARD_ROWS,
                    rows + " rows in " + shards + " shards");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, TrainingOptions.MAX_THREADS + 1})
    void aThreadCountOutsideItsRangeIsRefusedNamingTheRange(int threads) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingOptions.builder().threads(threads).build());
        assertEquals("threads must be in [1, " + TrainingOptions.MAX_THREADS + "], got " + threads, e.getMessage());
    }

    private static TrainingOptions.Builder options(String optimizer, int batch) {
        Optimizer chosen = switch (optimizer) {
            case "sgd" -> Optimizer.sgd();
            case "adam" -> Optimizer.adam();
            case "momentum" -> Optimizer.sgd().withMomentum(0.9);
            default -> throw new IllegalArgumentException(optimizer);
        };
        return TrainingOptions.builder().optimizer(chosen).learningRate(0.01).batchSize(batch).epochs(2).seed(11);
    }

    private static Parameters train(TrainingOptions.Builder options) {
        Network net = Network.create(new ReferenceLinearAlgebra(), ARCHITECTURE, 12);
        net.train(DATA, options.build());
        return net.parameters();
    }

    /** SHA-256 of every weight and bias, layer by layer, as big-endian doubles. */
    private static String digest(Parameters p) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int l = 0; l < p.layerCount(); l++) {
                for (double[] values : new double[][] {p.weights(l), p.biases(l)}) {
                    ByteBuffer bytes = ByteBuffer.allocate(8 * values.length);
                    for (double v : values) {
                        bytes.putDouble(v);
                    }
                    sha.update(bytes.array());
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
