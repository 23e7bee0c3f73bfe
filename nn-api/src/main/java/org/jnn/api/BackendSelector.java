package org.jnn.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Finds {@link LinearAlgebra} providers and chooses one. {@link Backends} holds the instance programs
 * normally use; tests build their own with other providers, properties and environment.
 *
 * <p>Rules, in order: the system property {@value #PROPERTY}; else the environment variable
 * {@value #ENVIRONMENT_VARIABLE}; else the only usable backend; else the usable backend of highest
 * priority, with a one-line notice naming all that were found. A provider that fails to load is
 * reported and skipped. Nothing is chosen or loaded in a static initializer.
 */
public final class BackendSelector {

    /** System property naming the backend to use. */
    public static final String PROPERTY = "nn.backend";
    /** Environment variable naming the backend to use, when the property is not set. */
    public static final String ENVIRONMENT_VARIABLE = "NN_BACKEND";
    /** The artifacts that provide backends, for the message when none is on the class path. */
    public static final List<String> BACKEND_ARTIFACTS =
            List.of("org.jnn:backend-ejml", "org.jnn:backend-nd4j", "org.jnn:backend-commons-math");

    private final Supplier<Iterator<LinearAlgebra>> providers;
    private final Function<String, String> properties;
    private final Function<String, String> environment;
    private final Consumer<String> notices;

    /**
     * @param providers a fresh iterator over provider instances per call; it may throw
     *     {@link ServiceConfigurationError} or {@link LinkageError} for a provider that fails to load
     * @param properties system-property lookup
     * @param environment environment-variable lookup
     * @param notices receives one-line notices (the choice among several, providers that failed to load)
     */
    public BackendSelector(Supplier<Iterator<LinearAlgebra>> providers, Function<String, String> properties,
            Function<String, String> environment, Consumer<String> notices) {
        this.providers = Objects.requireNonNull(providers, "providers");
        this.properties = Objects.requireNonNull(properties, "properties");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.notices = Objects.requireNonNull(notices, "notices");
    }

    /** The selector over {@link ServiceLoader}, the real system properties and environment, notices to stderr. */
    public static BackendSelector standard() {
        return new BackendSelector(
                () -> ServiceLoader.load(LinearAlgebra.class, contextClassLoader()).iterator(),
                System::getProperty, System::getenv, notice -> System.err.println("jnn: " + notice));
    }

    private static ClassLoader contextClassLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : BackendSelector.class.getClassLoader();
    }

    /**
     * Chooses a backend by the rules above.
     *
     * @throws BackendException when none is on the class path, the requested one is unknown or
     *     unusable, or none found is usable; the message says what to do
     */
    public Selection select() {
        Scan scan = scan();
        String requested = properties.apply(PROPERTY);
        String source = "system property " + PROPERTY;
        if (requested == null || requested.isBlank()) {
            requested = environment.apply(ENVIRONMENT_VARIABLE);
            source = "environment variable " + ENVIRONMENT_VARIABLE;
        }
        if (requested != null && !requested.isBlank()) {
            // Only the requested backend is asked whether it works: others may load native code to answer.
            LinearAlgebra chosen = pick(scan, requested.trim(), source);
            return new Selection(chosen, source + "=" + requested.trim(), List.of(), scan.failures);
        }
        List<BackendInfo> found = scan.infos();
        List<BackendInfo> usable = found.stream().filter(BackendInfo::usable).collect(Collectors.toList());
        if (usable.isEmpty()) {
            throw new BackendException(found.isEmpty() ? nothingFound(scan) : noneUsable(found, scan));
        }
        if (usable.size() == 1) {
            return new Selection(usable.get(0).backend(), "the only usable backend", found, scan.failures);
        }
        BackendInfo best = usable.get(0); // infos() are sorted by priority, highest first
        notices.accept("found backends " + found.stream()
                .map(b -> b.name() + (b.usable() ? " (priority " + b.priority() + ")" : " (unusable here)"))
                .collect(Collectors.joining(", "))
                + "; using " + best.name() + ". Choose another with -D" + PROPERTY + "=NAME or "
                + ENVIRONMENT_VARIABLE + "=NAME.");
        return new Selection(best.backend(), "the highest priority of the usable backends", found, scan.failures);
    }

    /**
     * The backend called {@code name} (ignoring case), whatever the property and environment say.
     *
     * @throws BackendException when there is none of that name, listing those available, or when it
     *     is unusable here, saying why
     */
    public LinearAlgebra byName(String name) {
        Objects.requireNonNull(name, "name");
        return pick(scan(), name.trim(), "the program");
    }

    /** Every backend on the class path, usable or not, highest priority first. */
    public List<BackendInfo> list() {
        return scan().infos();
    }

    /** Providers registered on the class path that failed to load, one line each. */
    public List<String> loadFailures() {
        return scan().failures();
    }

    private LinearAlgebra pick(Scan scan, String name, String requestedBy) {
        for (LinearAlgebra backend : scan.backends) {
            if (backend.name().equalsIgnoreCase(name)) {
                BackendInfo info = BackendInfo.of(backend);
                if (!info.usable()) {
                    throw new BackendException("backend '" + info.name() + "' (requested by " + requestedBy
                            + ") is on the class path but cannot run here: " + info.availability().reason());
                }
                return backend;
            }
        }
        StringBuilder message = new StringBuilder("unknown backend '").append(name).append("' (requested by ")
                .append(requestedBy).append("). ");
        if (scan.backends.isEmpty()) {
            message.append(nothingFound(scan));
        } else {
            message.append("Available: ").append(scan.backends.stream().map(LinearAlgebra::name)
                    .collect(Collectors.joining(", "))).append('.');
            appendFailures(message, scan);
        }
        throw new BackendException(message.toString());
    }

    private static String nothingFound(Scan scan) {
        StringBuilder message = new StringBuilder("no linear-algebra backend on the class path. Add one of the artifacts ")
                .append(String.join(", ", BACKEND_ARTIFACTS)).append(" to the class path (for example as a Maven dependency).");
        appendFailures(message, scan);
        return message.toString();
    }

    private static String noneUsable(List<BackendInfo> found, Scan scan) {
        StringBuilder message = new StringBuilder("no backend on the class path can run here: ");
        message.append(found.stream().map(b -> b.name() + ": " + b.availability().reason())
                .collect(Collectors.joining("; ")));
        message.append(". Add another backend artifact (").append(String.join(", ", BACKEND_ARTIFACTS)).append(").");
        appendFailures(message, scan);
        return message.toString();
    }

    private static void appendFailures(StringBuilder message, Scan scan) {
        if (!scan.failures.isEmpty()) {
            message.append(" Providers that failed to load: ").append(String.join("; ", scan.failures)).append('.');
        }
    }

    private Scan scan() {
        List<LinearAlgebra> backends = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Iterator<LinearAlgebra> it = providers.get();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                backends.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                // One broken provider must not hide the others; ServiceLoader's iterator goes on after this.
                String failure = describe(e);
                failures.add(failure);
                notices.accept("a backend provider failed to load and was skipped: " + failure);
            } catch (NoSuchElementException e) {
                break;
            }
        }
        backends.sort(Comparator.comparingInt(LinearAlgebra::priority).reversed()
                .thenComparing(b -> b.name().toLowerCase(Locale.ROOT)));
        return new Scan(List.copyOf(backends), List.copyOf(failures));
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            text.append(" (caused by ").append(cause).append(')');
        }
        return text.toString();
    }

    /** The providers that loaded, highest priority first, and those that did not. */
    private record Scan(List<LinearAlgebra> backends, List<String> failures) {

        /** Asks every backend whether it works here, which may load their libraries. */
        List<BackendInfo> infos() {
            return backends.stream().map(BackendInfo::of).toList();
        }
    }
}
