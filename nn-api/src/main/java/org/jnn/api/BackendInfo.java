package org.jnn.api;

import java.util.List;

/**
 * What a look at the class path reports about one backend.
 *
 * @param name the backend's short name
 * @param description one line naming the library
 * @param priority the default-selection priority
 * @param precisions the precisions it computes in, f64 first; empty if the backend failed to say
 * @param availability whether it is usable here and, if not, why
 * @param backend the instance, for use when {@code availability().usable()}
 */
public record BackendInfo(String name, String description, int priority, List<Precision> precisions,
        Availability availability, LinearAlgebra backend) {

    public BackendInfo {
        precisions = List.copyOf(precisions);
    }

    /** Asks {@code backend} what it is and whether it works here, which may load its library. */
    static BackendInfo of(LinearAlgebra backend) {
        Availability availability;
        try {
            availability = backend.availability();
        } catch (RuntimeException | LinkageError e) {
            // availability() must not throw; a backend that does is reported, not trusted
            availability = Availability.unavailable("its availability check failed: " + e);
        }
        List<Precision> precisions;
        try {
            precisions = backend.supportedPrecisions().stream().sorted().toList();
        } catch (RuntimeException | LinkageError e) {
            precisions = List.of();
        }
        return new BackendInfo(backend.name(), backend.description(), backend.priority(), precisions, availability,
                backend);
    }

    /** True when the backend works on this machine. */
    public boolean usable() {
        return availability.usable();
    }
}
