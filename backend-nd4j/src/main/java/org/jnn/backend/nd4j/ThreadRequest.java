package org.jnn.backend.nd4j;

import java.util.function.Function;

import org.jnn.api.BackendProperties;

/**
 * The thread counts a user asked for, read from system properties and the environment before ND4J
 * loads; {@link Nd4jThreads} applies them.
 *
 * @param count threads for ND4J's ops and OpenBLAS, or 0 to keep ND4J's own choice
 * @param source where the counts came from, for messages
 * @param largeProductThreads OpenBLAS threads for large products, or 0 for the base count
 */
record ThreadRequest(int count, String source, int largeProductThreads) {

    /** System property: number of threads ND4J and its BLAS use (a positive integer). */
    static final String THREADS_PROPERTY = "nn.nd4j.threads";

    /**
     * System property: number of OpenBLAS threads for large matrix products (see
     * {@link ThreadChoice#LARGE_PRODUCT}). Default: the base count ({@value #THREADS_PROPERTY},
     * {@code OMP_NUM_THREADS} or {@link #DEFAULT_THREADS}), which measured faster for whole training runs
     * on 2 processors than every processor.
     */
    static final String GEMM_THREADS_PROPERTY = "nn.nd4j.gemmThreads";

    /** Measured best for the 784-200-200-10 network at batch 1 to 128 on 2 cores; see the README. */
    static final int DEFAULT_THREADS = 1;

    private static final String OMP_NUM_THREADS = "OMP_NUM_THREADS";

    /**
     * The request in {@code properties} (system properties) and {@code environment}: the thread
     * property, else {@code OMP_NUM_THREADS} (which ND4J reads itself), else the default.
     *
     * @throws IllegalArgumentException when a property is not a positive integer
     */
    static ThreadRequest resolve(Function<String, String> properties, Function<String, String> environment) {
        ThreadRequest general = resolveGeneral(properties, environment);
        String gemm = properties.apply(GEMM_THREADS_PROPERTY);
        if (gemm == null || gemm.isBlank()) {
            return general;
        }
        int n = BackendProperties.positiveInteger(GEMM_THREADS_PROPERTY, gemm);
        return new ThreadRequest(general.count(), general.source() + "; system property " + GEMM_THREADS_PROPERTY
                + "=" + n, n);
    }

    private static ThreadRequest resolveGeneral(Function<String, String> properties,
            Function<String, String> environment) {
        String property = properties.apply(THREADS_PROPERTY);
        if (property != null && !property.isBlank()) {
            int n = BackendProperties.positiveInteger(THREADS_PROPERTY, property);
            return new ThreadRequest(n, "system property " + THREADS_PROPERTY + "=" + n, 0);
        }
        String omp = environment.apply(OMP_NUM_THREADS);
        if (omp != null && !omp.isBlank()) {
            // ND4J read it itself when it loaded, for its thread pool, OpenMP and OpenBLAS.
            return new ThreadRequest(0, "environment variable " + OMP_NUM_THREADS + "=" + omp.trim(), 0);
        }
        return new ThreadRequest(DEFAULT_THREADS, "default of backend-nd4j; change with -D" + THREADS_PROPERTY
                + "=N and -D" + GEMM_THREADS_PROPERTY + "=N", 0);
    }
}
