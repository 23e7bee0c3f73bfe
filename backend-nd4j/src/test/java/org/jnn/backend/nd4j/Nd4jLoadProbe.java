package org.jnn.backend.nd4j;

import org.jnn.api.Availability;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;

/**
 * Run in a separate JVM by {@link Nd4jLoadingTest}: constructs the backend and reads its metadata,
 * printing {@value #METADATA_DONE} afterwards (so a class-loading log before that line shows what the
 * constructor and the metadata touched), then, with the argument {@code use}, asks for availability and
 * tries to allocate a matrix.
 */
public final class Nd4jLoadProbe {

    static final String METADATA_DONE = "PROBE metadata done";

    private Nd4jLoadProbe() {
    }

    public static void main(String[] args) {
        LinearAlgebra la = new Nd4jLinearAlgebra();
        System.out.println("PROBE label=" + Backends.label(la) + " priority=" + la.priority() + " precisions="
                + la.supportedPrecisions() + " description=" + la.description() + " toString=" + la);
        System.out.println(METADATA_DONE);
        if (args.length > 0 && args[0].equals("use")) {
            Availability availability = la.availability();
            System.out.println("PROBE usable=" + availability.usable());
            System.out.println("PROBE reason=" + availability.reason().replace('\n', ' '));
            System.out.println("PROBE same again=" + (la.availability().equals(availability)));
            try {
                la.zeros(2, 2);
                System.out.println("PROBE zeros worked");
            } catch (RuntimeException e) {
                System.out.println("PROBE zeros threw " + e.getClass().getName() + ": " + e.getMessage().replace('\n', ' '));
            }
        }
    }
}
