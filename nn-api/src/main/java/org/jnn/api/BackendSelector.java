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
 * normally use; tests build their own with other providers, properties and environment, and programs
 * that word their own messages pass their own consumer of {@link SelectionNotice}s.
 *
 * <p>Rules, in order: the system property {@value #PROPERTY}; else the environment variable
 * {@value #ENVIRONMENT_VARIABLE}; else the only usable backend; else the usable backend of highest
 * priority, with a {@link SelectionNotice.SeveralUsable} notice naming all that were found. A provider
 * that fails to load is reported ({@link SelectionNotice.ProviderFailed}) and skipped. Nothing is
 * chosen or loaded in a static initializer.
 *
 * <p>Failures are typed: {@link UnknownBackendException} for a name that no backend has,
 * {@link UnusableBackendException} for a named backend that cannot run here, and
 * {@link BackendException} itself when there is no backend at all or none is usable.
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
    private final Consumer<SelectionNotice> notices;

    /**
     * @param providers a fresh iterator over provider instances per call; it may throw
     *     {@link ServiceConfigurationError} or {@link LinkageError} for a provider that fails to load
     * @param properties system-property lookup
     * @param environment environment-variable lookup
     * @param notices receives what happened on the way (the choice among several, providers that failed to load)
     */
    public BackendSelector(Supplier<Iterator<LinearAlgebra>> providers, Function<String, String> properties,
            Function<String, String> environment, Consumer<SelectionNotice> notices) {
        this.providers = Objects.requireNonNull(providers, "providers");
        this.properties = Objects.requireNonNull(properties, "properties");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.notices = Objects.requireNonNull(notices, "notices");
    }

    /** The selector over {@link ServiceLoader}, the real system properties and environment, notices to stderr. */
    public static BackendSelector standard() {
        return new BackendSelector(notice -> System.err.println("jnn: " + notice.message()));
    }

    /** The selector over {@link ServiceLoader} and the real system properties and environment. */
    public BackendSelector(Consumer<SelectionNotice> notices) {
        this(() -> ServiceLoader.load(LinearAlgebra.class, contextClassLoader()).iterator(),
                System::getProperty, System::getenv, notices);
    }

    private static ClassLoader contextClassLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : BackendSelector.class.getClassLoader();
    }

    /**
     * Chooses a backend by the rules above. When one is named by the property or the environment, only
     * that one is asked whether it works (others may load native code to answer).
     *
     * @throws UnknownBackendException when the named backend is not on the class path
     * @throws UnusableBackendException when the named backend cannot run here
     * @throws BackendException when none is on the class path or none found is usable
     */
    public Selection select() {
        Scan scan = scan();
        Request request = request();
        if (request != null) {
            return request.pick(scan.backends, scan.failures);
        }
        return chooseAmong(scan.survey());
    }

    /**
     * Chooses by the rules above from what {@code survey} found, without looking at the class path again.
     *
     * @throws BackendException as {@link #select()}
     */
    public Selection select(Survey survey) {
        Request request = request();
        if (request != null) {
            return request.pick(survey.backends().stream().map(BackendInfo::backend).toList(), survey.loadFailures());
        }
        return chooseAmong(survey);
    }

    /**
     * The backend called {@code name} (ignoring case), whatever the property and environment say; only
     * that one is asked whether it works.
     *
     * @throws UnknownBackendException when there is none of that name, listing those available
     * @throws UnusableBackendException when it cannot run here, saying why
     */
    public LinearAlgebra byName(String name) {
        Objects.requireNonNull(name, "name");
        Scan scan = scan();
        return new Request(name.trim(), "the program").pick(scan.backends, scan.failures).backend();
    }

    /** One look at the class path: every backend, usable or not (each is asked), and the load failures. */
    public Survey survey() {
        return scan().survey();
    }

    /**
     * One look at the class path for the backends called {@code names} (ignoring case), in that order:
     * only those are asked whether they work here, so no other loads its native library.
     *
     * @throws UnknownBackendException for the first name no backend has, listing the names there are
     */
    public Survey survey(List<String> names) {
        Scan scan = scan();
        List<BackendInfo> named = new ArrayList<>();
        for (String name : names) {
            String wanted = name.trim();
            LinearAlgebra backend = scan.backends.stream().filter(b -> b.name().equalsIgnoreCase(wanted)).findFirst()
                    .orElseThrow(() -> unknown(wanted, "the program", scan.names(), scan.failures));
            named.add(BackendInfo.of(backend));
        }
        return new Survey(named, scan.failures);
    }

    /** Every backend on the class path, usable or not, highest priority first. */
    public List<BackendInfo> list() {
        return survey().backends();
    }

    private Request request() {
        String requested = properties.apply(PROPERTY);
        if (requested != null && !requested.isBlank()) {
            return new Request(requested.trim(), "system property " + PROPERTY);
        }
        requested = environment.apply(ENVIRONMENT_VARIABLE);
        if (requested != null && !requested.isBlank()) {
            return new Request(requested.trim(), "environment variable " + ENVIRONMENT_VARIABLE);
        }
        return null;
    }

    private Selection chooseAmong(Survey survey) {
        List<BackendInfo> found = survey.backends();
        List<BackendInfo> usable = survey.usable();
        if (usable.isEmpty()) {
            throw new BackendException(found.isEmpty() ? nothingFound(survey.loadFailures())
                    : noneUsable(found, survey.loadFailures()));
        }
        if (usable.size() == 1) {
            return new Selection(usable.get(0).backend(), "the only usable backend", found, survey.loadFailures());
        }
        BackendInfo best = usable.get(0); // sorted by priority, highest first
        notices.accept(new SelectionNotice.SeveralUsable(found, best));
        return new Selection(best.backend(), "the highest priority of the usable backends", found,
                survey.loadFailures());
    }

    /** A backend asked for by name, and by whom. */
    private record Request(String name, String requestedBy) {

        Selection pick(List<LinearAlgebra> backends, List<String> failures) {
            for (LinearAlgebra backend : backends) {
                if (backend.name().equalsIgnoreCase(name)) {
                    BackendInfo info = BackendInfo.of(backend);
                    if (!info.usable()) {
                        throw new UnusableBackendException(info.name(), requestedBy, info.availability().reason());
                    }
                    String reason = requestedBy.equals("the program") ? "asked for by name" : requestedBy + "=" + name;
                    return new Selection(backend, reason, List.of(), failures);
                }
            }
            throw unknown(name, requestedBy, backends.stream().map(LinearAlgebra::name).toList(), failures);
        }
    }

    private static UnknownBackendException unknown(String name, String requestedBy, List<String> available,
            List<String> failures) {
        StringBuilder message = new StringBuilder("unknown backend '").append(name).append("' (requested by ")
                .append(requestedBy).append("). ");
        if (available.isEmpty()) {
            message.append(nothingFound(failures));
        } else {
            message.append("Available: ").append(String.join(", ", available)).append('.');
            appendFailures(message, failures);
        }
        return new UnknownBackendException(name, requestedBy, available, failures, message.toString());
    }

    private static String nothingFound(List<String> failures) {
        StringBuilder message = new StringBuilder("no linear-algebra backend on the class path. Add one of the artifacts ")
                .append(String.join(", ", BACKEND_ARTIFACTS)).append(" to the class path (for example as a Maven dependency).");
        appendFailures(message, failures);
        return message.toString();
    }

    private static String noneUsable(List<BackendInfo> found, List<String> failures) {
        StringBuilder message = new StringBuilder("no backend on the class path can run here: ");
        message.append(found.stream().map(b -> b.name() + ": " + b.availability().reason())
                .collect(Collectors.joining("; ")));
        message.append(". Add another backend artifact (").append(String.join(", ", BACKEND_ARTIFACTS)).append(").");
        appendFailures(message, failures);
        return message.toString();
    }

    private static void appendFailures(StringBuilder message, List<String> failures) {
        if (!failures.isEmpty()) {
            message.append(" Providers that failed to load: ").append(String.join("; ", failures)).append('.');
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
                notices.accept(new SelectionNotice.ProviderFailed(failure));
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
            // An exception's message is written for people (a backend refusing a bad setting says what to
            // set); an error, or a cause without a message, is known by its type (NoClassDefFoundError: ...).
            boolean ownWords = cause instanceof Exception && cause.getMessage() != null;
            text.append(" (caused by ").append(ownWords ? cause.getMessage() : cause.toString()).append(')');
        }
        return text.toString();
    }

    /** The providers that loaded, highest priority first, and those that did not. */
    private record Scan(List<LinearAlgebra> backends, List<String> failures) {

        /** Asks every backend whether it works here, which may load their libraries. */
        Survey survey() {
            return new Survey(backends.stream().map(BackendInfo::of).toList(), failures);
        }

        List<String> names() {
            return backends.stream().map(LinearAlgebra::name).toList();
        }
    }
}
