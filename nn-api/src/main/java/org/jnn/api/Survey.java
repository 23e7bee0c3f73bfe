package org.jnn.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything one look at the class path found: every backend with whether it works here (and why
 * not), and the providers that failed to load. {@link BackendSelector#select(Survey)} chooses from it
 * without looking again; {@link BackendSelector#survey(List)} makes one of named backends only.
 *
 * @param backends the backends looked at, usable or not: every one found, highest priority first, or the
 *     ones asked for by name, in that order
 * @param loadFailures providers that are registered but failed to load, one line each
 */
public record Survey(List<BackendInfo> backends, List<String> loadFailures) {

    public Survey {
        backends = List.copyOf(backends);
        loadFailures = List.copyOf(loadFailures);
    }

    /** The names of the backends found, highest priority first. */
    public List<String> names() {
        return backends.stream().map(BackendInfo::name).collect(Collectors.toUnmodifiableList());
    }

    /** The backends that work here, highest priority first. */
    public List<BackendInfo> usable() {
        return backends.stream().filter(BackendInfo::usable).collect(Collectors.toUnmodifiableList());
    }
}
