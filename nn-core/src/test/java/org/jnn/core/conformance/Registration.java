package org.jnn.core.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.stream.Collectors;

import org.jnn.api.BackendException;
import org.jnn.api.BackendInfo;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Survey;

/**
 * The suite's checks of how users find a backend: through {@link java.util.ServiceLoader}, as
 * {@link Backends} does, with the metadata the instance under test reports.
 */
final class Registration {

    /** The file a backend registers itself in. */
    static final String SERVICES_FILE = "META-INF/services/" + LinearAlgebra.class.getName();

    private Registration() {
    }

    /**
     * {@code Backends.list()} and {@code Backends.byName(name)} find a backend of the tested one's name
     * (exactly, not only ignoring case), which in the tested precision is of the same class and reports the
     * same metadata; no registered provider fails to load.
     *
     * @param created what the suite's {@code createBackend()} returned (for the class name to register)
     * @param tested the instance under test, in the precision of this run
     */
    static void assertRegistered(LinearAlgebra created, LinearAlgebra tested) {
        String label = Backends.label(tested);
        String register = "register the backend in a file " + SERVICES_FILE + " (under src/main/resources) holding "
                + "the line " + created.getClass().getName();
        Survey survey = Backends.survey();
        List<String> failures = survey.loadFailures();
        if (!failures.isEmpty()) {
            fail(label + ": a provider listed in " + SERVICES_FILE + " on the class path cannot be loaded: "
                    + String.join("; ", failures) + ". Every line of that file must name a public class with a public "
                    + "no-argument constructor that implements " + LinearAlgebra.class.getName());
        }
        List<BackendInfo> found = survey.backends();
        if (found.stream().noneMatch(b -> b.name().equals(tested.name()))) {
            fail(label + ": ServiceLoader, as Backends.list() uses it, finds " + (found.isEmpty() ? "no backend at all"
                    : "only " + found.stream().map(b -> "'" + b.name() + "'").collect(Collectors.joining(", ")))
                    + ", not '" + tested.name() + "'; " + register);
        }
        LinearAlgebra byName;
        try {
            byName = Backends.byName(tested.name());
        } catch (BackendException e) {
            throw new AssertionError(label + ": Backends.byName(\"" + tested.name() + "\") fails: " + e.getMessage(), e);
        }
        LinearAlgebra registered = byName.withPrecision(tested.precision());
        String what = label + ": the registered backend (Backends.byName(\"" + tested.name() + "\").withPrecision("
                + tested.precision().id() + ")) and the one under test differ in ";
        assertEquals(tested.getClass(), registered.getClass(), () -> what + "class; " + register);
        assertEquals(tested.name(), registered.name(), () -> what + "name()");
        assertEquals(tested.precision(), registered.precision(), () -> what + "precision()");
        assertEquals(tested.priority(), registered.priority(), () -> what + "priority()");
        assertEquals(tested.availability(), registered.availability(), () -> what + "availability()");
        assertEquals(tested.description(), registered.description(), () -> what + "description()");
        assertEquals(tested.supportedPrecisions(), registered.supportedPrecisions(), () -> what + "supportedPrecisions()");
    }

    /** The name is one word, used on command lines; the description is one line. */
    static void assertNameAndDescription(LinearAlgebra backend) {
        String name = backend.name();
        assertTrue(name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._-]*"), () -> "backend name '" + name
                + "' must be one word of letters, digits, '.', '_' or '-' (it is typed on command lines)");
        String description = backend.description();
        assertTrue(description != null && !description.isBlank() && !description.contains("\n"),
                () -> Backends.label(backend) + ": description() must be one non-blank line but is '" + description + "'");
    }
}
