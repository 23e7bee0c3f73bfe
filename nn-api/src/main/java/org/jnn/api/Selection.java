package org.jnn.api;

import java.util.List;

/**
 * The outcome of choosing a backend: which one, why, and everything that was found on the way.
 *
 * @param backend the chosen backend, usable here
 * @param reason why it was chosen, in words ("system property nn.backend=ejml", "asked for by
 *     name", "the only usable backend", "the highest priority of the usable backends")
 * @param found the backends whose availability was checked to make the choice, highest priority
 *     first; empty when the backend was named explicitly, since then no other was asked
 * @param loadFailures providers that are registered but failed to load, each as one line
 */
public record Selection(LinearAlgebra backend, String reason, List<BackendInfo> found, List<String> loadFailures) {

    public Selection {
        found = List.copyOf(found);
        loadFailures = List.copyOf(loadFailures);
    }
}
