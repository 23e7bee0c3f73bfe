package org.jnn.mnist;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where the data sets live. The root is, in order of precedence: an explicit argument, the system
 * property {@value #PROPERTY}, the environment variable {@value #ENVIRONMENT}, or the per-user cache
 * folder {@code $XDG_CACHE_HOME/jnn/datasets} (by default {@code ~/.cache/jnn/datasets}). Each data
 * set has its own subfolder named by its {@link DatasetKind#id() id}: {@code mnist}, {@code fashion}.
 */
public final class DataDirectory {

    /** System property naming the data root. */
    public static final String PROPERTY = "nn.data.dir";
    /** Environment variable naming the data root. */
    public static final String ENVIRONMENT = "NN_DATA_DIR";

    private DataDirectory() {
    }

    /** The data root from the system property, environment or user cache folder. */
    public static Path root() {
        return root(null);
    }

    /** {@code explicit} if it is not {@code null}, else the root from property, environment or cache. */
    public static Path root(Path explicit) {
        return root(explicit, System::getProperty, System::getenv);
    }

    /**
     * The data root, with system properties and environment variables looked up through the given
     * functions (which return {@code null} for unset names), so tests need not change the real ones.
     */
    public static Path root(Path explicit, UnaryOperator<String> properties, UnaryOperator<String> environment) {
        if (explicit != null) {
            return explicit;
        }
        String value = nonBlank(properties.apply(PROPERTY));
        if (value == null) {
            value = nonBlank(environment.apply(ENVIRONMENT));
        }
        if (value != null) {
            return Path.of(value);
        }
        String cache = nonBlank(environment.apply("XDG_CACHE_HOME"));
        Path cacheRoot = cache != null ? Path.of(cache) : Path.of(properties.apply("user.home"), ".cache");
        return cacheRoot.resolve("jnn").resolve("datasets");
    }

    /** The folder of one data set under {@code root}. */
    public static Path folder(Path root, DatasetKind kind) {
        return root.resolve(kind.id());
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
