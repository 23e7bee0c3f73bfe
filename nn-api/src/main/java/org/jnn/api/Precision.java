package org.jnn.api;

/** The floating-point type a backend stores its matrices in. */
public enum Precision {
    /** 64-bit IEEE 754, the default everywhere. */
    F64,
    /** 32-bit IEEE 754: half the memory and often faster, at about 7 significant digits. */
    F32;

    /** Lower-case name as used on the command line: {@code f64} or {@code f32}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses {@code f64}/{@code f32} (also {@code double}/{@code float}), ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Precision fromId(String id) {
        switch (id.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "f64":
            case "double":
                return F64;
            case "f32":
            case "float":
                return F32;
            default:
                throw new IllegalArgumentException("unknown precision '" + id + "'; use f64 or f32");
        }
    }
}
