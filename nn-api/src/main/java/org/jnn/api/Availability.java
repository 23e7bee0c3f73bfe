package org.jnn.api;

import java.util.Objects;

/**
 * Whether a backend can run on this machine and, if not, why.
 *
 * @param usable true when the backend's library loaded and works here
 * @param reason for an unusable backend, what failed and what to do about it; empty when usable
 */
public record Availability(boolean usable, String reason) {

    private static final Availability USABLE = new Availability(true, "");

    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (!usable && reason.isBlank()) {
            throw new IllegalArgumentException("an unusable backend must say why");
        }
    }

    /** The backend works here. */
    public static Availability available() {
        return USABLE;
    }

    /** The backend cannot run here, for the given reason. */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
