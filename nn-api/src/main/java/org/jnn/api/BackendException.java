package org.jnn.api;

/**
 * A backend could not be found, chosen or loaded. The message says what was wrong and what to do;
 * command-line programs print it as it is.
 */
public class BackendException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
