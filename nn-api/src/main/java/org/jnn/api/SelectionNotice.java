package org.jnn.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a {@link BackendSelector} tells its caller on the way, as data: a program words it its own way,
 * {@link #message()} is the library's wording (what {@link BackendSelector#standard()} prints).
 */
public sealed interface SelectionNotice {

    /** One line for people. */
    String message();

    /**
     * Several backends are usable and none was asked for, so the one of highest priority was taken.
     *
     * @param found every backend found, usable or not, highest priority first
     * @param chosen the one taken
     */
    record SeveralUsable(List<BackendInfo> found, BackendInfo chosen) implements SelectionNotice {

        public SeveralUsable {
            found = List.copyOf(found);
        }

        @Override
        public String message() {
            return "found backends " + found.stream()
                    .map(b -> b.name() + (b.usable() ? " (priority " + b.priority() + ")" : " (unusable here)"))
                    .collect(Collectors.joining(", "))
                    + "; using " + chosen.name() + ". Choose another with -D" + BackendSelector.PROPERTY + "=NAME or "
                    + BackendSelector.ENVIRONMENT_VARIABLE + "=NAME.";
        }
    }

    /**
     * A provider registered on the class path failed to load and was skipped; the others are still offered.
     *
     * @param failure what failed, in one line
     */
    record ProviderFailed(String failure) implements SelectionNotice {

        @Override
        public String message() {
            return "a backend provider failed to load and was skipped: " + failure;
        }
    }
}
