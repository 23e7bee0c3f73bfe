package org.jnn.api;

import java.util.List;

/**
 * No backend of the requested name is on the class path. Carries the name, the names that are there
 * and the providers that failed to load (the one asked for may be among them), so that a program can
 * word its own message; {@link #getMessage()} is the library's wording.
 */
public class UnknownBackendException extends BackendException {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final String requestedBy;
    private final List<String> available;
    private final List<String> loadFailures;

    /**
     * @param name the name asked for
     * @param requestedBy who asked, in words ("system property nn.backend", "the program")
     * @param available the names of the backends on the class path, highest priority first
     * @param message the full message
     */
    public UnknownBackendException(String name, String requestedBy, List<String> available, String message) {
        this(name, requestedBy, available, List.of(), message);
    }

    /**
     * @param loadFailures why providers on the class path failed to load, one line each
     * @see #UnknownBackendException(String, String, List, String)
     */
    public UnknownBackendException(String name, String requestedBy, List<String> available, List<String> loadFailures,
            String message) {
        super(message);
        this.name = name;
        this.requestedBy = requestedBy;
        this.available = List.copyOf(available);
        this.loadFailures = List.copyOf(loadFailures);
    }

    /** The name that was asked for. */
    public String name() {
        return name;
    }

    /** Who asked for it, in words: {@code system property nn.backend}, {@code the program}. */
    public String requestedBy() {
        return requestedBy;
    }

    /** The names of the backends that are on the class path, highest priority first; may be empty. */
    public List<String> available() {
        return available;
    }

    /** Why providers on the class path failed to load (a bad setting can make the named one fail); may be empty. */
    public List<String> loadFailures() {
        return loadFailures;
    }
}
