package org.jnn.cli;

import java.util.Locale;
import org.jnn.core.Parameters;

/**
 * Networks too large for the Java heap are refused before anything is allocated, with how much they
 * need and how to give Java that much, instead of an {@link OutOfMemoryError} minutes later (or, for
 * the largest, at once, after the heap has been filled for nothing).
 */
final class MemoryCheck {

    private static final double GIBIBYTE = 1L << 30;

    private MemoryCheck() {
    }

    /**
     * Checks that a network of {@code layers} trained in batches of {@code batch} fits the heap Java may
     * take here, by {@link Parameters#estimatedBytes}, which also checks the sizes themselves.
     *
     * @param what the request as the user wrote it, e.g. {@code --layers 784,1000000,10}
     * @throws UsageException if the sizes themselves are wrong (a layer too large for one matrix)
     * @throws NotEnoughMemoryException if the network would not fit
     */
    static void check(String what, int[] layers, int batch) {
        long needed = UsageException.checkedByLibrary(what, () -> Parameters.estimatedBytes(layers, batch));
        check(what, layers, batch, needed, Runtime.getRuntime().maxMemory());
    }

    static void check(String what, int[] layers, int batch, long needed, long available) {
        if (needed <= available) {
            return;
        }
        // The data set and everything else need room too: a gibibyte more than the network.
        long suggested = needed == Long.MAX_VALUE ? -1 : (long) Math.ceil(needed / GIBIBYTE) + 1;
        throw new NotEnoughMemoryException(String.format(Locale.ROOT, "%s with batch size %d: a %s network needs"
                + " about %s of Java heap to train, and Java may take at most %.1f GiB here. %s, or make the layers"
                + " narrower%s.", what, batch, TrainingSettings.architecture(layers), gibibytes(needed),
                available / GIBIBYTE, suggested < 0 ? "No machine has that much" : "Give it more with NN_JAVA_OPTS=-Xmx"
                        + suggested + "g if the machine has it", batch > 1 ? " or the batches smaller" : ""));
    }

    private static String gibibytes(long bytes) {
        return bytes == Long.MAX_VALUE ? "more memory than a 64-bit number counts"
                : String.format(Locale.ROOT, "%.1f GiB", bytes / GIBIBYTE);
    }

    /** A network too large for the heap; not the user's mistake in writing, but theirs to remedy. */
    static final class NotEnoughMemoryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotEnoughMemoryException(String message) {
            super(message);
        }
    }
}
