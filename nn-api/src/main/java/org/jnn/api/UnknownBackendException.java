package org.jnn.api;

import java.util.List;

/**
 * No backend of the requested name is on the class path. Carries the name and the names that are
 * there, so that a program can word its own message; {@link #getMessage()} is the library's wording.
 */
public class UnknownBackendException extends BackendException {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final String requestedBy;
    private final List<String> available;

    /**
     * @param name the name asked for
     * @param requestedBy who asked, in words ("system property nn.backend", "the program")
     * @param available the names of the backends on the class path, highest priority first
     * @param message the full message
     */
    public UnknownBackendException(String name, String requestedBy, List<String> available, String message) {
        super(message);
        this.name = name;
        this.requestedBy = requestedBy;
        this.available = List.copyOf(available);
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
}
