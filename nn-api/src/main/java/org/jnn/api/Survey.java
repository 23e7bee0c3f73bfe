package org.jnn.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything one look at the class path found: every backend with whether it works here (and why
 * not), and the providers that failed to load. {@link BackendSelector#select(Survey)} chooses from it
 * without looking again.
 *
 * @param backends every backend found, usable or not, highest priority first
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

    /**
     * The backend called {@code name}, ignoring case and surrounding blanks, usable or not.
     *
     * @throws UnknownBackendException when there is none of that name, listing the names there are
     */
    public BackendInfo named(String name) {
        String wanted = name.trim();
        return backends.stream().filter(b -> b.name().equalsIgnoreCase(wanted)).findFirst()
                .orElseThrow(() -> BackendSelector.unknown(wanted, "the program", names(), loadFailures));
    }
}
