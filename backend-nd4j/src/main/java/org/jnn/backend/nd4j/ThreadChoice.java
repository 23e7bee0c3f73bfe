package org.jnn.backend.nd4j;

import java.util.function.Supplier;

import org.jnn.backend.nd4j.Nd4jThreads.Held;

/**
 * Which OpenBLAS thread count each OpenBLAS call of one backend instance holds ({@link Nd4jThreads}).
 *
 * <p>Large matrix products get the large-product count and matrix-vector products of a large matrix
 * the base count, by their size. Every other OpenBLAS call (smaller products, column sums, axpy, dot,
 * scal) gets the count of the instance's kind of work: the count its last large product or large
 * matrix-vector product held. So batch training stays on the large count and batch-1 training on the
 * base count, with no change of OpenBLAS's count (0.1 to 0.35 ms) per call, and the count of every call
 * follows from the calls of its own instance alone, never from what other instances or threads did:
 * the same calls give the same results.
 *
 * <p>Not thread-safe, like the backend instance that owns it.
 */
final class ThreadChoice {

    /**
     * Multiply-adds from which a matrix product is large, and runs on the large-product count
     * ({@code nn.nd4j.gemmThreads}). Alone, the batch-64 products of the 784-200-200-10 network (2.6 to
     * 10 M multiply-adds) run 1.3 to 1.4 times faster on 2 OpenBLAS threads than on 1; in whole training
     * runs on 2 processors, though, 2 threads were slower at batch 32, 64 and 256 and no faster at 128
     * (batch 64: 1.2 to 2.3 times, nine paired runs of {@code nn bench}), as OpenBLAS's second thread competes with
     * the calling thread's element-wise work, the JIT and the collector. So the large-product count is
     * the base count unless the user sets it.
     */
    static final long LARGE_PRODUCT = 1L << 20;

    /**
     * Matrix elements from which a matrix-vector product runs on the base count: OpenBLAS splits a
     * gemv of 784×200 (batch 1) over every thread it has, which made it 3 times slower on 2 threads
     * than on 1.
     */
    static final long LARGE_GEMV = 1L << 15;

    private final Supplier<Nd4jThreads> process;
    private Nd4jThreads threads;
    private boolean largeWork;

    /** @param process the process's thread settings, asked for at the first call (ND4J is loaded by then) */
    ThreadChoice(Supplier<Nd4jThreads> process) {
        this.process = process;
    }

    /** For a matrix product of {@code multiplyAdds}. */
    Held forProduct(long multiplyAdds) {
        if (multiplyAdds >= LARGE_PRODUCT) {
            largeWork = true;
        }
        return hold();
    }

    /** For a matrix-vector product with a matrix of {@code elements}. */
    Held forMatrixVector(long elements) {
        if (elements >= LARGE_GEMV) {
            largeWork = false;
        }
        return hold();
    }

    /** For any other OpenBLAS call. */
    Held forOtherCall() {
        return hold();
    }

    private Held hold() {
        if (threads == null) {
            threads = process.get();
            if (threads == null) { // ND4J did not load: there is no OpenBLAS to hold
                return Nd4jThreads.NOTHING;
            }
        }
        Nd4jThreads.Settings settings = threads.settings();
        return threads.hold(largeWork ? settings.largeProductThreads() : settings.blasThreads());
    }
}
