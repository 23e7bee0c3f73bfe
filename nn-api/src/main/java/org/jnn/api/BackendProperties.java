package org.jnn.api;

/**
 * For backends that read settings from system properties (thread counts, say): one parse, one message
 * for a bad value, so every backend reports a wrong {@code -D} setting in the same words.
 */
public final class BackendProperties {

    private BackendProperties() {
    }

    /**
     * {@code value}, the text of system property {@code name}, as a positive integer (surrounding spaces
     * allowed).
     *
     * @throws IllegalArgumentException naming the property and its value, and how to set it, when the
     *     value is not an integer of at least 1
     */
    public static int positiveInteger(String name, String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new IllegalArgumentException("system property " + name + "=" + value
                    + " is not a positive integer; use e.g. -D" + name + "=1");
        }
        return n;
    }
}
