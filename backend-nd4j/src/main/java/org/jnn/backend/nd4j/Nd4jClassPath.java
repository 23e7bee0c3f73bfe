package org.jnn.backend.nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What of ND4J is on the class path, read from its jars' resources without loading any ND4J class:
 * the backend's metadata ({@code description()}) must stay cheap and must not load native code.
 */
final class Nd4jClassPath {

    private static final String UNKNOWN = "unknown";

    /** Read once; a race only reads the same small file twice. */
    private static volatile String version;

    private Nd4jClassPath() {
    }

    /** ND4J's version from its jar's Maven metadata; "unknown" if absent. */
    static String nd4jVersion() {
        String v = version;
        if (v == null) {
            v = UNKNOWN;
            try (InputStream in = loader().getResourceAsStream("META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
                if (in != null) {
                    Properties properties = new Properties();
                    properties.load(in);
                    v = properties.getProperty("version", v);
                }
            } catch (IOException | RuntimeException e) {
                // keep "unknown": the version only decorates messages
            }
            version = v;
        }
        return v;
    }

    /**
     * The ND4J native backend on the class path, found by its classes without loading them:
     * {@code nd4j-native (CPU, OpenBLAS)} or {@code nd4j-cuda (CUDA)}.
     */
    static String nativeBackend() {
        List<String> found = new ArrayList<>();
        if (loader().getResource("org/nd4j/linalg/cpu/nativecpu/CpuBackend.class") != null) {
            found.add("nd4j-native (CPU, OpenBLAS)");
        }
        if (loader().getResource("org/nd4j/linalg/jcublas/JCublasBackend.class") != null) {
            found.add("nd4j-cuda (CUDA)");
        }
        return found.isEmpty() ? "no native backend on the class path" : String.join(" + ", found);
    }

    private static ClassLoader loader() {
        return Nd4jClassPath.class.getClassLoader();
    }
}
