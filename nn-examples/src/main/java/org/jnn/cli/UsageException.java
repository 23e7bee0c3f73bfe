package org.jnn.cli;

/**
 * A mistake in what the user asked for (an unknown backend, a layer list that does not fit the data, a
 * missing file). The command line prints the message and the command's usage and exits with status 2,
 * without a stack trace.
 */
public class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
