package org.jnn.backend.nd4j;

import java.util.function.IntConsumer;

import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The thread settings of this process's ND4J. They are process-wide: every backend instance, on every
 * thread, shares them, so this one object (made by {@link Nd4jLoader} when ND4J loads) owns them.
 *
 * <h2>Set once</h2>
 * When ND4J loads, {@link #apply} sets libnd4j's thread pool ({@link Environment#setMaxMasterThreads}),
 * OpenMP ({@code NativeOps.setOmpNumThreads}) and OpenBLAS to the {@link ThreadRequest}'s count, else
 * keeps ND4J's own choice ({@code OMP_NUM_THREADS}). ND4J's defaults (a thread per core) are tuned
 * for large arrays; on the small matrices of a multilayer perceptron every extra thread costs more
 * in synchronisation than it saves (see the module's README). {@link Environment#setMaxThreads} is a
 * no-op in ND4J 1.0.0-M2.1 and is not relied on. Nothing changes these afterwards.
 *
 * <h2>Changed under a lock: OpenBLAS's count</h2>
 * A user may give large matrix products more OpenBLAS threads ({@code nn.nd4j.gemmThreads}) than the
 * rest (by default both counts are the base count: see {@link ThreadChoice#LARGE_PRODUCT}), so its count
 * can move between the base count ({@link Settings#blasThreads}) and the large-product count
 * ({@link Settings#largeProductThreads}); {@link ThreadChoice} says which call needs which. OpenBLAS
 * reads its count when a call starts, and a call split over two threads rounds differently from the
 * same call on one ({@code Nd4jThreadsTest} shows it), so the count must never change under a caller
 * that chose it. Every OpenBLAS call of the backend therefore runs inside {@link #hold(int)}:
 * <ul>
 *   <li>the count changes only while no call holds it, so every call runs on the count it asked for,
 *       whatever other threads do;
 *   <li>a count of more than one thread is held by one call at a time, so products from several
 *       threads take turns instead of oversubscribing the processors; calls on a count of one thread
 *       may run side by side;
 *   <li>calls get the count in the order they asked for it, so no thread waits forever.
 * </ul>
 * Changing OpenBLAS's count costs 0.1 to 0.35 ms here (ND4J's setter looks the native function up
 * again on every call), more than a batch-1 training step, so it changes only when a call needs
 * another count than the one in force, and {@link ThreadChoice} keeps an instance on one count for
 * its kind of work. Holding costs about 25 ns (an uncontended lock, twice). Two threads whose work needs different counts at the same moment take turns and
 * pay that cost at each turn.
 */
final class Nd4jThreads {

    /** A count held for one OpenBLAS call; closing it lets the count change again. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** What {@link #hold} gives where OpenBLAS is not used. */
    static final Held NOTHING = () -> { };

    /**
     * The thread counts in force.
     *
     * @param requested the count asked for, or 0 when ND4J's own choice was kept
     * @param source where the count came from, for messages
     * @param masterThreads libnd4j's thread pool limit after applying it
     * @param openMpThreads OpenMP's thread limit after applying it
     * @param blasThreads OpenBLAS's base count: every call but large products
     * @param largeProductThreads OpenBLAS's count for products of at least
     *     {@link ThreadChoice#LARGE_PRODUCT} multiply-adds
     */
    record Settings(int requested, String source, int masterThreads, int openMpThreads, int blasThreads,
            int largeProductThreads) {
        @Override
        public String toString() {
            return "threads: libnd4j " + masterThreads + ", OpenMP " + openMpThreads + ", BLAS " + blasThreads
                    + " (" + largeProductThreads + " for products of 1M multiply-adds and more) (" + source + ")";
        }
    }

    private final Settings settings;
    /** Sets OpenBLAS's count; null where there is no OpenBLAS (a device backend). */
    private final IntConsumer setOpenBlasThreads;
    private final Held release = this::release;
    private final Object lock = new Object();
    // Guarded by lock.
    private int inForce;
    private int holders;
    private int waiting;
    private long nextTicket;
    private long serving;

    /**
     * @param settings the counts applied
     * @param setOpenBlasThreads sets OpenBLAS's count, or null where OpenBLAS is not used
     * @param inForce OpenBLAS's count now
     */
    Nd4jThreads(Settings settings, IntConsumer setOpenBlasThreads, int inForce) {
        this.settings = settings;
        this.setOpenBlasThreads = setOpenBlasThreads;
        this.inForce = inForce;
    }

    /** Applies {@code request} to the ND4J just loaded; called once per process, by {@link Nd4jLoader}. */
    static Nd4jThreads apply(ThreadRequest request) {
        Environment environment = Nd4j.getEnvironment();
        if (!environment.isCPU()) { // a device backend: CPU threads and OpenBLAS do not apply
            return new Nd4jThreads(new Settings(0, "not applied: " + Nd4j.getBackend().getClass().getSimpleName()
                    + " is not a CPU backend", environment.maxMasterThreads(), 0, 0, 0), null, 0);
        }
        Blas blas = Nd4j.factory().blas();
        if (request.count() > 0) {
            int n = request.count();
            environment.setMaxThreads(n); // a no-op in 1.0.0-M2.1; kept for versions where it works
            environment.setMaxMasterThreads(n);
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
            blas.setMaxThreads(n);
        }
        int base = blas.getMaxThreads();
        // Large products stay on the base count unless asked for: in whole training runs, OpenBLAS's second
        // thread cost more than it gave (see ThreadChoice.LARGE_PRODUCT).
        int large = request.largeProductThreads() > 0 ? request.largeProductThreads() : base;
        Settings settings = new Settings(request.count(), request.source(), environment.maxMasterThreads(),
                NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(), base, large);
        return new Nd4jThreads(settings, blas::setMaxThreads, base);
    }

    Settings settings() {
        return settings;
    }

    /** OpenBLAS's count now (the one the last call held). */
    int inForce() {
        synchronized (lock) {
            return inForce;
        }
    }

    /**
     * Waits for its turn, sets OpenBLAS's count to {@code count} if another is in force, and holds it
     * until the returned {@link Held} is closed: run exactly one OpenBLAS call in between,
     * {@code try (Held held = threads.hold(n)) { call }}. Never hold two at once on one thread.
     */
    Held hold(int count) {
        if (setOpenBlasThreads == null) {
            return NOTHING;
        }
        synchronized (lock) {
            long ticket = nextTicket++;
            boolean interrupted = false;
            while (ticket != serving || !(holders == 0 || (count == inForce && count == 1))) {
                waiting++;
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // a held count is about to be released: finish waiting
                } finally {
                    waiting--;
                }
            }
            serving++;
            try {
                if (count != inForce) {
                    setOpenBlasThreads.accept(count);
                    inForce = count;
                }
                holders++;
            } finally {
                if (waiting > 0) {
                    lock.notifyAll(); // the next in line may share this count
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return release;
    }

    private void release() {
        synchronized (lock) {
            holders--;
            if (holders == 0 && waiting > 0) {
                lock.notifyAll();
            }
        }
    }
}
