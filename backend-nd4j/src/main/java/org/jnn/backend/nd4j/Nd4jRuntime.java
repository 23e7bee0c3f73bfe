package org.jnn.backend.nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;

import org.jnn.api.Availability;
import org.jnn.api.BackendException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Loads ND4J once, lazily, and remembers whether that worked.
 *
 * <p>Nothing here runs in a static initializer of a class that the backend's constructor touches:
 * the native libraries are loaded by the first call of {@link #state()} (through the holder idiom),
 * which {@link Nd4jLinearAlgebra#availability()} and the first matrix allocation make. Any
 * {@link Throwable} thrown while loading (an {@link UnsatisfiedLinkError} for a missing or foreign
 * native jar, the {@link ExceptionInInitializerError} or {@link NoClassDefFoundError} that ND4J's
 * static initializer turns it into, ...) becomes an unusable {@link Availability} whose reason says
 * what to do.
 *
 * <h2>Threads</h2>
 * ND4J's defaults (one OpenMP thread and one OpenBLAS thread per core) are tuned for large arrays; on
 * the small matrices of a multilayer perceptron every extra thread costs more in synchronisation than
 * it saves (see the module's README for measurements). Right after loading, the thread counts are set
 * from the system property {@value #THREADS_PROPERTY} or, without it, from ND4J's own environment
 * variables ({@code OMP_NUM_THREADS}, read by ND4J itself) or else this backend's default of
 * {@value #DEFAULT_THREADS}. The count applies to the libnd4j thread pool
 * ({@link Environment#setMaxMasterThreads}), to OpenMP ({@code NativeOps.setOmpNumThreads}) and to
 * OpenBLAS ({@code Nd4j.factory().blas().setMaxThreads}). {@link Environment#setMaxThreads} is a no-op
 * in ND4J 1.0.0-M2.1 and is not relied on.
 */
final class Nd4jRuntime {

    /** System property: number of threads ND4J and its BLAS use (a positive integer). */
    static final String THREADS_PROPERTY = "nn.nd4j.threads";

    /**
     * System property: number of OpenBLAS threads for large matrix products (at least
     * {@value #LARGE_PRODUCT} multiply-adds); smaller products, gemv and every other op use the count of
     * {@value #THREADS_PROPERTY}. Default: the number of processors, unless {@value #THREADS_PROPERTY}
     * or {@code OMP_NUM_THREADS} is set, which then applies to large products too.
     */
    static final String GEMM_THREADS_PROPERTY = "nn.nd4j.gemmThreads";

    /**
     * Multiply-adds from which a product is large. Measured on 2 processors: batch-64 products of the
     * 784-200-200-10 network (2.6 to 10 M multiply-adds) run 1.3 to 1.4 times faster on 2 OpenBLAS
     * threads, while gemv at batch 1 (0.16 M) runs 3 times slower on 2 than on 1.
     */
    static final long LARGE_PRODUCT = 1L << 20;

    private static volatile int blasThreadsInForce;

    /** Measured best for the 784-200-200-10 network at batch 1 to 128 on 2 cores; see the README. */
    static final int DEFAULT_THREADS = 1;

    private static final String OMP_NUM_THREADS = "OMP_NUM_THREADS";

    private Nd4jRuntime() {
    }

    /** What loading ND4J gave: usable or not, and the settings applied. */
    record State(Availability availability, String nativeBackend, ThreadSettings threads) {

        /** Throws {@link BackendException} with the reason when ND4J could not be loaded. */
        void requireUsable() {
            if (!availability.usable()) {
                throw new BackendException("backend 'nd4j' cannot run here: " + availability.reason());
            }
        }
    }

    /**
     * The thread counts in force.
     *
     * @param requested the count asked for, or 0 when ND4J's own choice was kept
     * @param source where the count came from, for messages
     * @param masterThreads libnd4j's thread pool limit after applying it
     * @param openMpThreads OpenMP's thread limit after applying it
     * @param blasThreads OpenBLAS's thread count after applying it, for everything but large products
     * @param largeProductThreads OpenBLAS's thread count for products of at least {@link #LARGE_PRODUCT}
     *     multiply-adds
     */
    record ThreadSettings(int requested, String source, int masterThreads, int openMpThreads, int blasThreads,
            int largeProductThreads) {
        @Override
        public String toString() {
            return "threads: libnd4j " + masterThreads + ", OpenMP " + openMpThreads + ", BLAS " + blasThreads
                    + " (" + largeProductThreads + " for products of 1M multiply-adds and more) (" + source + ")";
        }
    }

    /**
     * Matrix elements from which a matrix-vector product runs on {@link ThreadSettings#blasThreads}:
     * OpenBLAS splits a gemv of 784×200 (batch 1) over every thread it has, which made it 3 times
     * slower on 2 threads than on 1.
     */
    static final long LARGE_GEMV = 1L << 15;

    /**
     * Before a matrix product of {@code multiplyAdds}: from {@link #LARGE_PRODUCT} on, OpenBLAS gets
     * {@link ThreadSettings#largeProductThreads}; smaller ones keep whatever is in force. Changing
     * OpenBLAS's (process-wide) count costs far more than a small product, so it changes only when the
     * kind of work changes (batch-1 steps are all gemv, batch-64 steps are dominated by large products).
     */
    static void beforeProduct(long multiplyAdds) {
        if (multiplyAdds >= LARGE_PRODUCT) {
            useBlasThreads(true);
        }
    }

    /** Before a matrix-vector product with a matrix of {@code elements}; see {@link #LARGE_GEMV}. */
    static void beforeMatrixVector(long elements) {
        if (elements >= LARGE_GEMV) {
            useBlasThreads(false);
        }
    }

    private static void useBlasThreads(boolean large) {
        ThreadSettings threads = state().threads();
        if (threads == null) {
            return;
        }
        int wanted = large ? threads.largeProductThreads() : threads.blasThreads();
        if (wanted != blasThreadsInForce) {
            Nd4j.factory().blas().setMaxThreads(wanted);
            blasThreadsInForce = wanted;
        }
    }

    private static volatile State state;

    /**
     * Loads ND4J on the first call and remembers the outcome; never throws. Loading happens in a plain
     * synchronized method, not a static initializer, so that even an Error thrown while loading ends
     * up in the returned state instead of breaking this class for the rest of the JVM's life.
     */
    static State state() {
        State s = state;
        if (s == null) {
            synchronized (Nd4jRuntime.class) {
                s = state;
                if (s == null) {
                    s = load();
                    state = s;
                }
            }
        }
        return s;
    }

    private static State load() {
        ThreadRequest request;
        try {
            request = ThreadRequest.resolve(System::getProperty, System::getenv);
        } catch (IllegalArgumentException e) {
            return new State(Availability.unavailable(e.getMessage()), "none", null);
        }
        try {
            String backend = Nd4j.getBackend().getClass().getSimpleName();
            ThreadSettings threads = applyThreads(request);
            selfTest();
            String wrong = largeProductProblem();
            if (wrong != null) {
                return new State(Availability.unavailable(wrong), backend, threads);
            }
            return new State(Availability.available(), backend, threads);
        } catch (Throwable e) { // UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError, ...
            return new State(Availability.unavailable(loadFailureReason(e)), "none", null);
        }
    }

    private static ThreadSettings applyThreads(ThreadRequest request) {
        Environment environment = Nd4j.getEnvironment();
        if (!environment.isCPU()) { // a device backend: CPU threads and OpenBLAS do not apply
            return new ThreadSettings(0, "not applied: " + Nd4j.getBackend().getClass().getSimpleName()
                    + " is not a CPU backend", environment.maxMasterThreads(), 0, 0, 0);
        }
        if (request.count() > 0) {
            int n = request.count();
            environment.setMaxThreads(n); // a no-op in 1.0.0-M2.1; kept for versions where it works
            environment.setMaxMasterThreads(n);
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
            Nd4j.factory().blas().setMaxThreads(n);
        }
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        blasThreadsInForce = blasThreads;
        int large = request.largeProductThreads() > 0 ? request.largeProductThreads()
                : request.explicit() ? blasThreads : Runtime.getRuntime().availableProcessors();
        return new ThreadSettings(request.count(), request.source(), environment.maxMasterThreads(),
                NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(), blasThreads, large);
    }

    /**
     * A product of the first layer's size at batch 64 (64×784 · 784×200) in f64 and f32, compared with
     * the exact result: small integers, so every sum is exact in both precisions. OpenBLAS chooses its
     * kernels by CPU when it loads, and a wrong choice computes wrong products only from some size on
     * (with OPENBLAS_CORETYPE set to an empty string, 0.3.19 is off by about 2% at this size while 2×2
     * products stay right), so a backend that got one is reported unusable rather than trained on.
     *
     * @return null when both products are right, else what was wrong and what to do
     */
    static String largeProductProblem() {
        int m = 64;
        int k = 784;
        int n = 200;
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i * 7 % 5) - 2;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i * 11 % 7) - 3;
        }
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    expected[i * n + j] += aip * b[p * n + j];
                }
            }
        }
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray x = Nd4j.create(a, new long[] {m, k}, 'c').castTo(type);
            INDArray y = Nd4j.create(b, new long[] {k, n}, 'c').castTo(type);
            INDArray z = Nd4j.create(type, new long[] {m, n}, 'c');
            Nd4j.gemm(x, y, z, false, false, 1.0, 0.0);
            double[] actual = z.castTo(DataType.DOUBLE).data().asDouble();
            for (int i = 0; i < actual.length; i++) {
                if (actual[i] != expected[i]) {
                    String coreType = System.getenv("OPENBLAS_CORETYPE");
                    return "ND4J's native matrix product is wrong on this machine: a " + m + "×" + k + " · " + k + "×"
                            + n + " " + type + " product has " + actual[i] + " at (" + i / n + ", " + i % n
                            + ") instead of " + expected[i] + " (OPENBLAS_CORETYPE is "
                            + (coreType == null ? "not set" : "'" + coreType + "'") + "). OpenBLAS picked kernels"
                            + " that do not suit this CPU: unset OPENBLAS_CORETYPE, or set it to this CPU's type"
                            + " (e.g. Haswell for AVX2, SkylakeX for AVX-512), or use another backend.";
                }
            }
        }
        return null;
    }

    /** A 2×2 product through the same path as the backend's gemm: the natives load and compute. */
    private static void selfTest() {
        INDArray a = Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {2, 2}, DataType.DOUBLE);
        INDArray c = Nd4j.create(DataType.DOUBLE, new long[] {2, 2}, 'c');
        Nd4j.gemm(a, a, c, false, false, 1.0, 0.0);
        double[] expected = {7, 10, 15, 22};
        double[] actual = c.data().asDouble();
        for (int i = 0; i < 4; i++) {
            if (actual[i] != expected[i]) {
                throw new IllegalStateException("ND4J's native gemm computed [[1,2],[3,4]]² as "
                        + java.util.Arrays.toString(actual) + " instead of [7, 10, 15, 22]");
            }
        }
    }

    // ---------------------------------------------------------------- thread request

    /** The thread count asked for, before ND4J is loaded; {@code count == 0} keeps ND4J's choice. */
    /**
     * @param count threads for ND4J's ops and BLAS, or 0 when ND4J's own choice was kept
     * @param source where the counts came from, for messages
     * @param largeProductThreads OpenBLAS threads for large products, or 0 for the default
     * @param explicit whether the user chose {@code count} (then large products use it too by default)
     */
    record ThreadRequest(int count, String source, int largeProductThreads, boolean explicit) {

        static ThreadRequest resolve(Function<String, String> properties, Function<String, String> environment) {
            ThreadRequest general = resolveGeneral(properties, environment);
            String gemm = properties.apply(GEMM_THREADS_PROPERTY);
            if (gemm == null || gemm.isBlank()) {
                return general;
            }
            int n = positive(GEMM_THREADS_PROPERTY, gemm);
            return new ThreadRequest(general.count(), general.source() + "; system property " + GEMM_THREADS_PROPERTY
                    + "=" + n, n, general.explicit());
        }

        private static ThreadRequest resolveGeneral(Function<String, String> properties,
                Function<String, String> environment) {
            String property = properties.apply(THREADS_PROPERTY);
            if (property != null && !property.isBlank()) {
                int n = positive(THREADS_PROPERTY, property);
                return new ThreadRequest(n, "system property " + THREADS_PROPERTY + "=" + n, 0, true);
            }
            String omp = environment.apply(OMP_NUM_THREADS);
            if (omp != null && !omp.isBlank()) {
                // ND4J read it itself when it loaded, for its thread pool, OpenMP and OpenBLAS.
                return new ThreadRequest(0, "environment variable " + OMP_NUM_THREADS + "=" + omp.trim(), 0, true);
            }
            return new ThreadRequest(DEFAULT_THREADS, "default of backend-nd4j; change with -D" + THREADS_PROPERTY
                    + "=N and -D" + GEMM_THREADS_PROPERTY + "=N", 0, false);
        }

        private static int positive(String name, String value) {
            int n;
            try {
                n = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new IllegalArgumentException("system property " + name + "=" + value
                        + " is not a positive integer; use e.g. -D" + name + "=1");
            }
            return n;
        }
    }

    // ---------------------------------------------------------------- messages

    /** The reason shown when loading failed: what broke, on which platform, and what to do. */
    static String loadFailureReason(Throwable failure) {
        String platform = javacppPlatform();
        StringBuilder reason = new StringBuilder("ND4J could not load its native libraries for platform ")
                .append(platform).append(": ").append(describe(failure)).append(". ");
        reason.append("The class path needs org.nd4j:nd4j-native:").append(nd4jVersion()).append(':').append(platform)
                .append(" (and the matching org.bytedeco openblas and javacpp jars). With Maven, build on this machine"
                        + " with -Djavacpp.platform=").append(platform)
                .append(" (in .mvn/maven.config), or leave javacpp.platform unset to get every platform's natives;"
                        + " a program built for another platform does not run here. See backend-nd4j/README.md.");
        return reason.toString();
    }

    /** The chain of causes, each as {@code Type: message}, without repeats. */
    static String describe(Throwable failure) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = failure; t != null && parts.size() < 6; t = t.getCause()) {
            String part = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage().strip());
            if (!parts.contains(part)) {
                parts.add(part);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return String.join(" <- caused by ", parts);
    }

    /**
     * The JavaCPP platform name of this machine, as the {@code javacpp.platform} Maven property and
     * the native jars' classifier spell it: {@code linux-x86_64}, {@code macosx-arm64},
     * {@code windows-x86_64}; computed without loading JavaCPP.
     */
    static String javacppPlatform() {
        String configured = System.getProperty("org.bytedeco.javacpp.platform");
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        return javacppPlatform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** {@link #javacppPlatform()} for the given {@code os.name} and {@code os.arch}. */
    static String javacppPlatform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String family = os.startsWith("mac") || os.startsWith("darwin") ? "macosx"
                : os.startsWith("windows") ? "windows"
                : os.startsWith("linux") ? "linux"
                : os.replaceAll("\\W", "");
        String archName = switch (arch) {
            case "amd64", "x86_64", "x86-64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "x86";
            default -> arch;
        };
        return family + "-" + archName;
    }

    private static volatile String version;

    /** ND4J's version from its jar's Maven metadata, without loading ND4J; "unknown" if absent. */
    static String nd4jVersion() {
        String v = version;
        if (v == null) {
            v = "unknown";
            try (InputStream in = Nd4jRuntime.class.getClassLoader()
                    .getResourceAsStream("META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
                if (in != null) {
                    Properties properties = new Properties();
                    properties.load(in);
                    v = properties.getProperty("version", v);
                }
            } catch (IOException | RuntimeException e) {
                // keep "unknown"
            }
            version = v;
        }
        return v;
    }

    /**
     * The ND4J native backend on the class path, found by its classes without loading them:
     * {@code nd4j-native (CPU)} or {@code nd4j-cuda (CUDA)}.
     */
    static String nativeBackendOnClassPath() {
        ClassLoader loader = Nd4jRuntime.class.getClassLoader();
        List<String> found = new ArrayList<>();
        if (loader.getResource("org/nd4j/linalg/cpu/nativecpu/CpuBackend.class") != null) {
            found.add("nd4j-native (CPU, OpenBLAS)");
        }
        if (loader.getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") != null) {
            found.add("nd4j-cuda (CUDA)");
        }
        return found.isEmpty() ? "no native backend on the class path" : String.join(" + ", found);
    }
}
