package org.jnn.backend.ejml;

import org.jnn.api.Availability;
import org.jnn.api.Precision;

/**
 * What the EJML backends of every precision share: name, priority, the library's version and the
 * availability check. Kept apart from the arithmetic so that an F32 backend over {@code FMatrixRMaj}
 * reuses it unchanged.
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

    private Ejml() {
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
