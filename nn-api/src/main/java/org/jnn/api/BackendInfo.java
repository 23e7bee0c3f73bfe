package org.jnn.api;

/**
 * What {@link Backends#list()} reports about one backend found on the class path.
 *
 * @param name the backend's short name
 * @param description one line naming the library
 * @param priority the default-selection priority
 * @param availability whether it is usable here and, if not, why
 * @param backend the instance, for use when {@code availability().usable()}
 */
public record BackendInfo(String name, String description, int priority, Availability availability,
        LinearAlgebra backend) {

    static BackendInfo of(LinearAlgebra backend) {
        Availability availability;
        try {
            availability = backend.availability();
        } catch (RuntimeException | LinkageError e) {
            // availability() must not throw; a backend that does is reported, not trusted
            availability = Availability.unavailable("its availability check failed: " + e);
        }
        return new BackendInfo(backend.name(), backend.description(), backend.priority(), availability, backend);
    }

    /** True when the backend works on this machine. */
    public boolean usable() {
        return availability.usable();
    }
}
