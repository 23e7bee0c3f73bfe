package org.jnn.cli;

import java.util.function.Supplier;

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

    /**
     * Makes a library object from an option's value, turning the library's
     * {@link IllegalArgumentException} into a usage mistake that names the option: the library checks
     * its arguments and the command line does not check them again.
     *
     * @param option the option and its value as the user wrote them, e.g. {@code --epochs -1}
     */
    static <T> T checkedByLibrary(String option, Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage(), e);
        }
    }
}
