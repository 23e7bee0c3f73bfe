package org.jnn.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.SgdUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two backend instances, each on its own thread as the SPI allows: one doing the products of batch
 * training (large, on the large-product OpenBLAS count), the other those of batch-1 training (a
 * matrix-vector product of a large matrix, on the base count), both then an axpy and an SGD step with
 * momentum (BLAS scal and axpy), whose results depend on OpenBLAS's count. OpenBLAS's count is process-wide; each instance must still get, bit for bit,
 * the results it gets alone, and leave the count that its own last call held.
 *
 * <p>Only the SPI and ND4J's own view of OpenBLAS's count are used, so that the test also runs against
 * a backend that shares the count carelessly.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InstancesOnTwoThreadsTest {

    private static final int BATCH = 64;
    private static final int IN = 784;
    private static final int OUT = 200;
    /** Long enough for OpenBLAS to split the axpy over its threads (above 10,000 elements). */
    private static final int AXPY_LENGTH = 30011;

    private final Random random = new Random(11);
    private final double[] batch = random.doubles((long) BATCH * IN, -1, 1).toArray();
    private final double[] sample = random.doubles(IN, -1, 1).toArray();
    private final double[] weights = random.doubles((long) IN * OUT, -0.1, 0.1).toArray();
    private final double[] axpyX = random.doubles(AXPY_LENGTH, -1, 1).toArray();
    private final double[] axpyY = random.doubles(AXPY_LENGTH, -1, 1).toArray();

    private ExecutorService batchThread;
    private ExecutorService sampleThread;
    private LinearAlgebra batchInstance;
    private LinearAlgebra sampleInstance;

    @BeforeEach
    void startThreads() {
        batchThread = Executors.newSingleThreadExecutor();
        sampleThread = Executors.newSingleThreadExecutor();
        batchInstance = new Nd4jLinearAlgebra();
        sampleInstance = new Nd4jLinearAlgebra();
        assertTrue(batchInstance.availability().usable(), batchInstance.availability().reason());
    }

    @AfterEach
    void stopThreads() {
        batchThread.shutdownNow();
        sampleThread.shutdownNow();
    }

    /** 64×784 · 784×200: 10 M multiply-adds, a large product. */
    private double[] batchProduct(LinearAlgebra la) {
        Matrix out = la.zeros(BATCH, OUT);
        la.gemm(1.0, la.fromRowMajor(BATCH, IN, batch), false, la.fromRowMajor(IN, OUT, weights), false, 0.0, out);
        return la.toRowMajor(out);
    }

    /** 1×784 · 784×200: a matrix-vector product of a large matrix. */
    private double[] sampleProduct(LinearAlgebra la) {
        Matrix out = la.zeros(1, OUT);
        la.gemm(1.0, la.fromRowMajor(1, IN, sample), false, la.fromRowMajor(IN, OUT, weights), false, 0.0, out);
        return la.toRowMajor(out);
    }

    private double[] axpy(LinearAlgebra la) {
        Matrix y = la.fromRowMajor(1, AXPY_LENGTH, axpyY);
        la.axpy(0.37, la.fromRowMajor(1, AXPY_LENGTH, axpyX), y);
        return la.toRowMajor(y);
    }

    /** An SGD step with Nesterov momentum and weight decay on vectors of the axpy's length: w and v after it. */
    private double[] momentumStep(LinearAlgebra la) {
        Matrix w = la.fromRowMajor(1, AXPY_LENGTH, axpyY);
        Matrix v = la.fromRowMajor(1, AXPY_LENGTH, axpyX);
        la.sgdStep(new SgdUpdate(0.37, 0.9, true, 0.01), la.fromRowMajor(1, AXPY_LENGTH, axpyX), v, w);
        double[] both = Arrays.copyOf(la.toRowMajor(w), 2 * AXPY_LENGTH);
        System.arraycopy(la.toRowMajor(v), 0, both, AXPY_LENGTH, AXPY_LENGTH);
        return both;
    }

    private static int openBlasThreads() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    private <T> T on(ExecutorService thread, LinearAlgebra la, Function<LinearAlgebra, T> work) throws Exception {
        return thread.submit(() -> work.apply(la)).get();
    }

    @Test
    void anInstanceGetsTheSameBitsWhateverAnotherInstanceDidInBetween() throws Exception {
        on(sampleThread, sampleInstance, this::sampleProduct);
        int sampleCount = openBlasThreads();
        double[] before = on(sampleThread, sampleInstance, this::axpy);

        on(batchThread, batchInstance, this::batchProduct);
        int batchCount = openBlasThreads();
        assumeTrue(batchCount != sampleCount, "batch and batch-1 work use the same OpenBLAS count here");

        double[] after = on(sampleThread, sampleInstance, this::axpy);
        assertEquals(sampleCount, openBlasThreads(),
                "the batch-1 instance's axpy ran on the count the other instance's product left");
        assertTrue(Arrays.equals(before, after),
                "the batch-1 instance's axpy changed its result after another instance's large product");

        double[] batchAxpy = on(batchThread, batchInstance, this::axpy);
        assertEquals(batchCount, openBlasThreads(), "the batch instance's axpy ran on the other instance's count");
        assertTrue(!Arrays.equals(before, batchAxpy),
                "on two counts the axpy gives different bits (else this test would prove nothing)");
    }

    @Test
    void instancesRunningAtTheSameTimeGetTheBitsTheyGetAlone() throws Exception {
        double[] batchAlone = on(batchThread, batchInstance, this::batchProduct);
        double[] batchAxpyAlone = on(batchThread, batchInstance, this::axpy);
        double[] batchStepAlone = on(batchThread, batchInstance, this::momentumStep);
        int batchCount = openBlasThreads();
        double[] sampleAlone = on(sampleThread, sampleInstance, this::sampleProduct);
        double[] sampleAxpyAlone = on(sampleThread, sampleInstance, this::axpy);
        double[] sampleStepAlone = on(sampleThread, sampleInstance, this::momentumStep);
        int sampleCount = openBlasThreads();
        assertProduct(batch, BATCH, batchAlone);
        assertProduct(sample, 1, sampleAlone);
        assumeTrue(batchCount != sampleCount, "batch and batch-1 work use the same OpenBLAS count here");
        assertTrue(!Arrays.equals(batchStepAlone, sampleStepAlone),
                "on two counts the SGD step gives different bits (else this test would prove nothing about it)");

        CyclicBarrier start = new CyclicBarrier(2);
        Future<List<String>> batchWrong = batchThread.submit(() -> rounds(start, batchInstance, this::batchProduct,
                batchAlone, batchAxpyAlone, batchStepAlone));
        Future<List<String>> sampleWrong = sampleThread.submit(() -> rounds(start, sampleInstance, this::sampleProduct,
                sampleAlone, sampleAxpyAlone, sampleStepAlone));
        assertEquals(List.of(), batchWrong.get(), "the batch instance's results changed while the other ran");
        assertEquals(List.of(), sampleWrong.get(), "the batch-1 instance's results changed while the other ran");

        int left = openBlasThreads();
        assertTrue(left == batchCount || left == sampleCount, () -> "OpenBLAS is left on " + left
                + " threads, neither the batch count " + batchCount + " nor the batch-1 count " + sampleCount);
    }

    /**
     * 100 times {@code product}, an axpy and an SGD step on {@code la}, once both threads are ready; the results
     * that differ.
     */
    private List<String> rounds(CyclicBarrier start, LinearAlgebra la, Function<LinearAlgebra, double[]> product,
            double[] productAlone, double[] axpyAlone, double[] stepAlone) throws Exception {
        start.await();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            check(wrong, "product " + i, productAlone, product.apply(la));
            check(wrong, "axpy " + i, axpyAlone, axpy(la));
            check(wrong, "sgdStep " + i, stepAlone, momentumStep(la));
        }
        return wrong;
    }

    private static void check(List<String> wrong, String what, double[] expected, double[] actual) {
        if (!Arrays.equals(expected, actual)) {
            wrong.add(what + " on " + openBlasThreads() + " OpenBLAS threads");
        }
    }

    /** {@code actual} is {@code x · weights} to rounding, computed plainly. */
    private void assertProduct(double[] x, int rows, double[] actual) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < OUT; j++) {
                double sum = 0;
                double size = 0;
                for (int p = 0; p < IN; p++) {
                    sum += x[i * IN + p] * weights[p * OUT + j];
                    size += Math.abs(x[i * IN + p] * weights[p * OUT + j]);
                }
                assertEquals(sum, actual[i * OUT + j], 1e-13 * size, "element (" + i + ", " + j + ")");
            }
        }
    }
}
