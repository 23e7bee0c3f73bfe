package org.jnn.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jnn.backend.nd4j.Nd4jThreads.Held;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The rules by which OpenBLAS's process-wide thread count is held and changed ({@link Nd4jThreads}),
 * on an instance whose "OpenBLAS" only records the counts it is given, so that the interleavings are
 * set up exactly; and the OpenBLAS behaviour that makes those rules necessary.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a broken lock would hang, not fail
@SuppressWarnings("try") // the try-with-resources blocks hold a count without using the resource
class Nd4jThreadsTest {

    /** OpenBLAS stand-in: the counts set, in order. */
    private final List<Integer> set = Collections.synchronizedList(new ArrayList<>());

    private Nd4jThreads threads() {
        Nd4jThreads.Settings settings = new Nd4jThreads.Settings(1, "test", 1, 1, 1, 2);
        return new Nd4jThreads(settings, set::add, 1);
    }

    /** Starts a thread that holds {@code count} and runs {@code whileHeld} meanwhile. */
    private static Thread startHolding(String name, Nd4jThreads threads, int count, Runnable whileHeld) {
        Thread thread = new Thread(() -> {
            try (Held held = threads.hold(count)) {
                whileHeld.run();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Returns once {@code thread} waits in {@link Object#wait()} (its only wait here is for a count). */
    private static void awaitWaiting(Thread thread) {
        while (thread.getState() != Thread.State.WAITING) {
            assertTrue(thread.isAlive(), thread.getName() + " ended instead of waiting");
            Thread.onSpinWait();
        }
    }

    @Test
    void theCountChangesOnlyWhenACallNeedsAnother() {
        Nd4jThreads threads = threads();
        for (int count : new int[] {1, 2, 2, 2, 1, 1, 2}) {
            try (Held held = threads.hold(count)) {
                assertEquals(count, threads.inForce());
            }
        }
        assertEquals(List.of(2, 1, 2), set, "OpenBLAS's count is set once per change of count, not per call");
    }

    @Test
    void aCallForAnotherCountWaitsUntilTheCountIsReleased() throws Exception {
        Nd4jThreads threads = threads();
        Held large = threads.hold(2);
        AtomicInteger countSeen = new AtomicInteger();
        Thread small = startHolding("small", threads, 1, () -> countSeen.set(threads.inForce()));
        awaitWaiting(small);
        assertEquals(2, threads.inForce(), "the count stays while its holder runs");
        assertEquals(List.of(2), set);
        large.close();
        small.join();
        assertEquals(1, countSeen.get(), "the waiting call ran on the count it asked for");
        assertEquals(List.of(2, 1), set);
    }

    @Test
    void callsOnOneThreadEachRunSideBySide() throws Exception {
        Nd4jThreads threads = threads();
        try (Held first = threads.hold(1)) {
            CountDownLatch inside = new CountDownLatch(1);
            Thread second = startHolding("second", threads, 1, inside::countDown);
            assertTrue(inside.await(30, TimeUnit.SECONDS), "a second single-thread call waited for the first");
            second.join();
        }
        assertEquals(List.of(), set);
    }

    @Test
    void callsOnSeveralThreadsTakeTurns() throws Exception {
        Nd4jThreads threads = threads();
        Held first = threads.hold(2);
        AtomicInteger inside = new AtomicInteger();
        Thread second = startHolding("second", threads, 2, inside::incrementAndGet);
        awaitWaiting(second);
        assertEquals(0, inside.get(), "two calls that each use several OpenBLAS threads overlapped");
        first.close();
        second.join();
        assertEquals(1, inside.get());
    }

    @Test
    void callsGetTheirCountInTheOrderTheyAskedForIt() throws Exception {
        Nd4jThreads threads = threads();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        Held first = threads.hold(2);
        Thread wantsOne = startHolding("wants 1", threads, 1, () -> order.add("1"));
        awaitWaiting(wantsOne);
        // Could share the count in force with the first holder, but must not overtake the earlier request.
        Thread wantsTwo = startHolding("wants 2", threads, 2, () -> order.add("2"));
        awaitWaiting(wantsTwo);
        first.close();
        wantsOne.join();
        wantsTwo.join();
        assertEquals(List.of("1", "2"), order);
        assertEquals(List.of(2, 1, 2), set);
    }

    @Test
    void withoutOpenBlasNothingIsHeld() {
        Nd4jThreads device = new Nd4jThreads(new Nd4jThreads.Settings(0, "not a CPU backend", 1, 0, 0, 0), null, 0);
        assertSame(Nd4jThreads.NOTHING, device.hold(2));
    }

    @Test
    void anInstanceKeepsTheCountOfItsKindOfWork() {
        Nd4jThreads threads = threads();
        ThreadChoice choice = new ThreadChoice(() -> threads);
        List<Integer> counts = new ArrayList<>();
        Runnable other = () -> {
            try (Held held = choice.forOtherCall()) {
                counts.add(threads.inForce());
            }
        };
        other.run(); // an instance starts on the base count
        try (Held held = choice.forProduct(ThreadChoice.LARGE_PRODUCT)) {
            counts.add(threads.inForce());
        }
        other.run();
        try (Held held = choice.forProduct(ThreadChoice.LARGE_PRODUCT - 1)) { // not large: keeps the kind
            counts.add(threads.inForce());
        }
        try (Held held = choice.forMatrixVector(ThreadChoice.LARGE_GEMV - 1)) { // not large: keeps the kind
            counts.add(threads.inForce());
        }
        try (Held held = choice.forMatrixVector(ThreadChoice.LARGE_GEMV)) {
            counts.add(threads.inForce());
        }
        other.run();
        assertEquals(List.of(1, 2, 2, 2, 2, 1, 1), counts);
    }

    /**
     * Why a call must hold its count: OpenBLAS 0.3.19 splits gemv from 9,216 matrix elements, gemm
     * above 262,144 multiply-adds, and axpy and f64 dot above 10,000 elements over its threads, and the
     * split result is rounded differently. If an upgrade made results independent of the count, the
     * counts would matter for speed only.
     */
    @Test
    void openBlasRoundsAProductSplitOverTwoThreadsDifferently() {
        Nd4jThreads threads = Nd4jLoader.loaded().threads();
        Random random = new Random(5);
        INDArray a = random(random, 230, 200);
        INDArray x = random(random, 1, 200).reshape(200);
        INDArray b = random(random, 100, 100);
        INDArray v = random(random, 1, 30011);
        INDArray w = random(random, 1, 30011);
        double[][] onOne = openBlasCalls(threads, 1, a, x, b, v, w);
        double[][] onTwo = openBlasCalls(threads, 2, a, x, b, v, w);
        String[] calls = {"gemv 230×200", "gemm 100×100·100×100", "axpy of 30011"};
        for (int i = 0; i < calls.length; i++) {
            assertFalse(Arrays.equals(onOne[i], onTwo[i]), calls[i] + " gives the same bits on 1 and 2 OpenBLAS threads");
        }
        double[][] again = openBlasCalls(threads, 1, a, x, b, v, w);
        for (int i = 0; i < calls.length; i++) {
            assertArrayEquals(onOne[i], again[i], 0.0, calls[i] + ": the same count gives the same bits");
        }
    }

    private static INDArray random(Random random, int rows, int cols) {
        double[] values = random.doubles((long) rows * cols, -1, 1).toArray();
        return Nd4j.create(values, new long[] {rows, cols}, 'c');
    }

    /** The products as the backend computes them (a rank-1 vector makes ND4J call gemv), on {@code count} threads. */
    private static double[][] openBlasCalls(Nd4jThreads threads, int count, INDArray a, INDArray x, INDArray b,
            INDArray v, INDArray w) {
        try (Held held = threads.hold(count)) {
            INDArray gemv = Nd4j.create(DataType.DOUBLE, 230);
            Nd4j.exec(new Mmul(a, x, gemv, 1.0, 0.0, MMulTranspose.builder().build()));
            INDArray gemm = Nd4j.create(DataType.DOUBLE, 100, 100);
            Nd4j.exec(new Mmul(b, b, gemm, 1.0, 0.0, MMulTranspose.builder().build()));
            INDArray axpy = w.dup();
            Nd4j.getBlasWrapper().level1().axpy(v.length(), 0.37, v, axpy);
            return new double[][] {gemv.data().asDouble(), gemm.data().asDouble(), axpy.data().asDouble()};
        }
    }
}
