package org.jnn.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** The check every configuration test makes: rejected, with a message naming what was wrong. */
public final class Rejections {

    private Rejections() {
    }

    /** {@code action} throws IllegalArgumentException whose message contains every phrase. */
    public static IllegalArgumentException assertRejected(Executable action, String... phrases) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        for (String phrase : phrases) {
            assertTrue(e.getMessage().contains(phrase), "message should contain '" + phrase + "': " + e.getMessage());
        }
        return e;
    }
}
