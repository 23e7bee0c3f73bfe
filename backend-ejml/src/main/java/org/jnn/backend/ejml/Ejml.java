package org.jnn.backend.ejml;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.ejml.concurrency.EjmlConcurrency;
import org.jnn.api.Availability;
import org.jnn.api.BackendProperties;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;

/**
 * What the EJML backends of every precision share: name, priority, the library's version, the
 * availability check, the rule for multi-threaded products and the choice of precision. Kept apart from
 * the arithmetic, which is written once for {@code double} in {@link EjmlLinearAlgebra}; the build
 * generates the {@code float} class {@code EjmlFloatLinearAlgebra} from it (see this module's pom). This
 * class is not rewritten for f32, so whatever in it depends on the precision takes a {@link Precision}.
 */
final class Ejml {

    /** The backend's name for {@code nn.backend} and {@code Backends.byName}. */
    static final String NAME = "ejml";

    /**
     * Second of three: pure Java, so it works wherever Java does, but {@code nn bench} measured it 1.4 times
     * slower than ND4J at batch size 1 and 4.7 times slower at 64 (README, Performance).
     */
    static final int PRIORITY = 20;

    /** The EJML version this module is built and tested against, used when the jar does not say. */
    static final String BUILT_AGAINST = "0.46.1";

    /**
     * Multiply-adds ({@code m·n·k}) from which a product goes to EJML's multi-threaded {@code CommonOps_MT_*}
     * routines. Measured on the 784-200-200-10 network's shapes with 2 processors ({@code ./nn jmh
     * SpiBenchmark.gemm -p backend=ejml}): EJML's threaded routines cost 20-50 µs more per call whatever the
     * size, so every batch-1 product (at most 157 k multiply-adds) and the 128 k ones at batch 64 are faster
     * single-threaded, while from 64×200×200 = 2.6 M multiply-adds on they run 1.5-1.9 times faster.
     */
    static final long DEFAULT_PARALLEL_THRESHOLD = 1L << 20;

    /**
     * System property: threads for EJML's matrix products. 1 keeps every product on the calling thread, as
     * data-parallel training wants of its workers (each already has a processor); N above 1 gives EJML's
     * thread pool N threads ({@link EjmlConcurrency#setMaxThreads}). Unset: EJML's multi-threaded routines
     * on its own pool (a thread per processor) when there is more than one processor. Read when an
     * instance is made.
     */
    static final String THREADS_PROPERTY = "nn.ejml.threads";

    private Ejml() {
    }

    /**
     * {@link #DEFAULT_PARALLEL_THRESHOLD} when there is more than one processor and {@value #THREADS_PROPERTY}
     * is not 1, otherwise never.
     *
     * @throws IllegalArgumentException when {@value #THREADS_PROPERTY} is not a positive integer
     */
    static long defaultParallelThreshold() {
        String property = System.getProperty(THREADS_PROPERTY);
        if (property != null && !property.isBlank()) {
            int threads = BackendProperties.positiveInteger(THREADS_PROPERTY, property);
            if (threads == 1) {
                return Long.MAX_VALUE;
            }
            PoolSize.set(threads);
            return DEFAULT_PARALLEL_THRESHOLD;
        }
        return Runtime.getRuntime().availableProcessors() > 1 ? DEFAULT_PARALLEL_THRESHOLD : Long.MAX_VALUE;
    }

    /** EJML's pool is the process's: its size is set when it changes, not for every instance. */
    private static final class PoolSize {
        private static int set;

        static synchronized void set(int threads) {
            if (threads != set) {
                EjmlConcurrency.setMaxThreads(threads);
                set = threads;
            }
        }
    }

    /** Every precision EJML computes in: it has dense row-major matrices of doubles and of floats. */
    static Set<Precision> supportedPrecisions() {
        return EnumSet.of(Precision.F64, Precision.F32);
    }

    /**
     * A new EJML backend computing in {@code precision} with the same rule for multi-threaded products.
     *
     * @throws UnsupportedOperationException for a precision EJML has no matrices of
     */
    static LinearAlgebra inPrecision(Precision precision, long parallelThreshold) {
        switch (Objects.requireNonNull(precision, "precision")) {
            case F64:
                return new EjmlLinearAlgebra(parallelThreshold);
            case F32:
                return new EjmlFloatLinearAlgebra(parallelThreshold);
            default:
                throw new UnsupportedOperationException("backend '" + NAME + "' computes only in "
                        + supportedPrecisions() + ", not " + precision.id());
        }
    }

    /** One line for people: library, version, storage and precision. */
    static String description(Precision precision) {
        String storage = precision == Precision.F64 ? "DMatrixRMaj" : "FMatrixRMaj";
        return "EJML " + Version.VALUE + " (pure Java, dense row-major " + storage + "), "
                + (precision == Precision.F64 ? "64-bit double" : "32-bit float") + " precision";
    }

    /**
     * EJML is pure Java, so it works wherever its classes are on the class path. Looks the class up
     * without initializing it: no static initializer runs, nothing else is loaded.
     */
    static Availability availability(String denseClass) {
        try {
            Class.forName(denseClass, false, Ejml.class.getClassLoader());
            return Availability.available();
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.unavailable("the EJML classes are not on the class path (" + e
                    + "); add org.ejml:ejml-all " + BUILT_AGAINST + " to the class path");
        }
    }

    /** The EJML version found at run time, read once on first use. */
    private static final class Version {
        static final String VALUE = find();

        private static String find() {
            // The jars carry no Implementation-Version in 0.46.1, but later builds might.
            Package pkg = org.ejml.data.DMatrixRMaj.class.getPackage();
            String version = pkg == null ? null : pkg.getImplementationVersion();
            if (version != null && !version.isBlank()) {
                return version;
            }
            // EjmlVersion.VERSION is a compile-time constant; read it reflectively so the value is the
            // jar's at run time, not the one javac inlined.
            try {
                Object value = Class.forName("org.ejml.EjmlVersion", false, Ejml.class.getClassLoader())
                        .getField("VERSION").get(null);
                if (value instanceof String && !((String) value).isBlank()) {
                    return (String) value;
                }
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                // fall through to the version built against
            }
            return BUILT_AGAINST;
        }
    }
}
