package org.jnn.api;

import java.util.List;

/**
 * Finding and choosing a linear-algebra backend from the class path.
 *
 * <pre>{@code
 * LinearAlgebra la = Backends.select();        // nn.backend, NN_BACKEND, the only one, or the highest priority
 * LinearAlgebra ejml = Backends.byName("ejml");
 * for (BackendInfo b : Backends.list()) System.out.println(b.name() + " " + b.availability());
 * }</pre>
 *
 * <p>A program that words its own notices and errors builds a {@link BackendSelector} with its own
 * consumer of {@link SelectionNotice}s and catches {@link UnknownBackendException} and
 * {@link UnusableBackendException}, which carry the names and reasons as data.
 *
 * @see BackendSelector for the selection rules
 */
public final class Backends {

    private Backends() {
    }

    /** The backend chosen by the {@linkplain BackendSelector rules}. */
    public static LinearAlgebra select() {
        return selection().backend();
    }

    /** The chosen backend with the reason it was chosen and what else was found. */
    public static Selection selection() {
        return BackendSelector.standard().select();
    }

    /** The backend of that name, ignoring case. */
    public static LinearAlgebra byName(String name) {
        return BackendSelector.standard().byName(name);
    }

    /** Every backend on the class path, usable or not, highest priority first. */
    public static List<BackendInfo> list() {
        return BackendSelector.standard().list();
    }

    /** Every backend on the class path with its availability, and the providers that failed to load. */
    public static Survey survey() {
        return BackendSelector.standard().survey();
    }

    /** A backend's name and precision as used in messages, for example {@code ejml (f64)}. */
    public static String label(LinearAlgebra backend) {
        return backend.name() + " (" + backend.precision().id() + ")";
    }
}
