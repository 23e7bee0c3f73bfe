package org.jnn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.jnn.api.BackendSelector;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.api.Selection;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --backend} and {@code --precision}: which linear-algebra backend does the arithmetic. */
final class BackendOptions {

    @Option(names = "--backend", paramLabel = "NAME",
            description = "ejml, commons-math or nd4j (see `nn backends`). Default: -D" + BackendSelector.PROPERTY
                    + ", $" + BackendSelector.ENVIRONMENT_VARIABLE + ", else the usable backend of highest priority.")
    String backend;

    @Option(names = "--precision", paramLabel = "f64|f32", converter = PrecisionConverter.class,
            defaultValue = "f64", description = "Floating-point precision of the arithmetic. Default: ${DEFAULT-VALUE}.")
    Precision precision = Precision.F64;

    /** A backend ready for use, and in words why it was taken. */
    record Chosen(LinearAlgebra backend, String reason) {
        String label() {
            return Backends.label(backend);
        }
    }

    /**
     * The backend asked for, else the default one, in the precision asked for. Notices of the
     * selection (which backends were found) go to {@code notices}.
     *
     * @throws UsageException for an unknown name or a precision the backend does not have
     */
    Chosen choose(Consumer<String> notices) {
        BackendSelector selector = selector(notices);
        Chosen chosen;
        if (backend != null) {
            chosen = new Chosen(byName(selector, backend), "asked for with --backend");
        } else {
            Selection selection = selector.select();
            chosen = new Chosen(selection.backend(), selection.reason());
        }
        return new Chosen(inPrecision(chosen.backend(), precision), chosen.reason());
    }

    /** The selector over the class path that reports to {@code notices} instead of System.err. */
    static BackendSelector selector(Consumer<String> notices) {
        return new BackendSelector(() -> ServiceLoader.load(LinearAlgebra.class, loader()).iterator(),
                System::getProperty, System::getenv, notices);
    }

    /** A consumer that prints notices as "nn: ..." lines on {@code err}, or drops them. */
    static Consumer<String> notices(PrintWriter err, boolean show) {
        return notice -> {
            if (show) {
                String text = notice.startsWith("found backends") && !notice.contains("--backend")
                        ? notice.replace("Choose another with ", "Choose another with --backend NAME, ")
                        : notice;
                err.println("nn: " + text);
                err.flush();
            }
        };
    }

    /**
     * The backend called {@code name}; an unknown name is the user's mistake, an unusable backend is not
     * (BackendException, with the reason).
     */
    static LinearAlgebra byName(BackendSelector selector, String name) {
        checkKnown(name);
        return selector.byName(name);
    }

    /** Rejects a name that no backend on the class path has, listing those it has. */
    static void checkKnown(String name) {
        List<String> names = names();
        if (names.stream().noneMatch(n -> n.equalsIgnoreCase(name.trim()))) {
            throw new UsageException("unknown backend '" + name + "'; "
                    + (names.isEmpty() ? "there is no backend on the class path" : "the class path has " + String.join(", ", names)));
        }
    }

    /** The same backend computing in {@code precision}; a precision it lacks is the user's mistake. */
    static LinearAlgebra inPrecision(LinearAlgebra backend, Precision precision) {
        try {
            return backend.withPrecision(precision);
        } catch (UnsupportedOperationException e) {
            throw new UsageException("--precision " + precision.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Names of the backends registered on the class path, without asking whether they work here
     * (constructing a backend is cheap and loads no native code, by the SPI's contract).
     */
    static List<String> names() {
        List<String> names = new ArrayList<>();
        Iterator<LinearAlgebra> it = ServiceLoader.load(LinearAlgebra.class, loader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                names.add(it.next().name());
            } catch (ServiceConfigurationError | LinkageError e) {
                // a provider that does not load is reported by the selector; here it is just not a name
            }
        }
        return names;
    }

    private static ClassLoader loader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : BackendOptions.class.getClassLoader();
    }

    /** Parses f64/f32 (also double/float). */
    static final class PrecisionConverter implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            try {
                return Precision.fromId(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
