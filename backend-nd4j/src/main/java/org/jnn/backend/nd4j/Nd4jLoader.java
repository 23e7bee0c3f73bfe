package org.jnn.backend.nd4j;

import java.util.ArrayList;
import java.util.List;

import org.jnn.api.Availability;
import org.jnn.api.BackendException;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loads ND4J once per process, lazily, and remembers the outcome.
 *
 * <p>Nothing here runs in a static initializer of a class that the backend's constructor touches:
 * the native libraries are loaded by the first call of {@link #loaded()}, which
 * {@link Nd4jLinearAlgebra#availability()} and the first matrix allocation make. Any
 * {@link Throwable} thrown while loading (an {@link UnsatisfiedLinkError} for a missing or foreign
 * native jar, the {@link ExceptionInInitializerError} or {@link NoClassDefFoundError} that ND4J's
 * static initializer turns it into, ...) becomes an unusable {@link Availability} whose reason says
 * what to do. Loading then applies the thread settings ({@link Nd4jThreads}) and checks that the
 * natives multiply right ({@link GemmSelfTest}).
 */
final class Nd4jLoader {

    /**
     * What loading ND4J gave.
     *
     * @param availability usable, or why not
     * @param nativeBackend the class of ND4J's native backend, or "none"
     * @param threads the process's thread settings, or null when ND4J did not load
     */
    record Loaded(Availability availability, String nativeBackend, Nd4jThreads threads) {

        /** Throws {@link BackendException} with the reason when ND4J could not be loaded. */
        void requireUsable() {
            if (!availability.usable()) {
                throw new BackendException("backend 'nd4j' cannot run here: " + availability.reason());
            }
        }
    }

    private static volatile Loaded loaded;

    private Nd4jLoader() {
    }

    /**
     * Loads ND4J on the first call and returns the outcome; never throws. Double-checked locking on a
     * volatile field rather than the holder idiom: the holder idiom loads in a static initializer,
     * where an Error thrown while loading would break the holder class for the rest of the JVM's life
     * instead of ending up in the returned outcome.
     */
    static Loaded loaded() {
        Loaded l = loaded;
        if (l == null) {
            synchronized (Nd4jLoader.class) {
                l = loaded;
                if (l == null) {
                    l = load();
                    loaded = l;
                }
            }
        }
        return l;
    }

    private static Loaded load() {
        ThreadRequest request;
        try {
            request = ThreadRequest.resolve(System::getProperty, System::getenv);
        } catch (IllegalArgumentException e) {
            return new Loaded(Availability.unavailable(e.getMessage()), "none", null);
        }
        try {
            String backend = Nd4j.getBackend().getClass().getSimpleName();
            Nd4jThreads threads = Nd4jThreads.apply(request);
            GemmSelfTest.smallProduct();
            String wrong = GemmSelfTest.largeProductProblem();
            if (wrong != null) {
                return new Loaded(Availability.unavailable(wrong), backend, threads);
            }
            return new Loaded(Availability.available(), backend, threads);
        } catch (Throwable e) { // UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError, ...
            return new Loaded(Availability.unavailable(loadFailureReason(e)), "none", null);
        }
    }

    /** The reason shown when loading failed: what broke, on which platform, and what to do. */
    static String loadFailureReason(Throwable failure) {
        String platform = JavacppPlatform.current();
        return "ND4J could not load its native libraries for platform " + platform + ": " + describe(failure)
                + ". The class path needs org.nd4j:nd4j-native:" + Nd4jClassPath.nd4jVersion() + ':' + platform
                + " (and the matching org.bytedeco openblas and javacpp jars). With Maven, build on this machine"
                + " with -Djavacpp.platform=" + platform
                + " (in .mvn/maven.config), or leave javacpp.platform unset to get every platform's natives;"
                + " a program built for another platform does not run here. See backend-nd4j/README.md.";
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
}
