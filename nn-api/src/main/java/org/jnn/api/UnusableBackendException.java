package org.jnn.api;

/**
 * The requested backend is on the class path but cannot run here (its native library does not load,
 * say). Not a mistake in the name: {@link #reason()} says what failed and what to do.
 */
public class UnusableBackendException extends BackendException {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final String requestedBy;
    private final String reason;

    public UnusableBackendException(String name, String requestedBy, String reason) {
        super("backend '" + name + "' (requested by " + requestedBy + ") is on the class path but cannot run here: "
                + reason);
        this.name = name;
        this.requestedBy = requestedBy;
        this.reason = reason;
    }

    /** The backend's name. */
    public String name() {
        return name;
    }

    /** Who asked for it, in words. */
    public String requestedBy() {
        return requestedBy;
    }

    /** Why it cannot run here, from its {@link Availability}. */
    public String reason() {
        return reason;
    }
}
