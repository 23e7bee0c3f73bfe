package org.jnn.backend.ejml;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.core.conformance.BackendConformance;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** The whole conformance suite against the single-precision EJML backend, with the suite's F32 tolerances. */
class EjmlFloatConformanceTest extends BackendConformance {
    @Override
    protected LinearAlgebra createBackend() {
        return new EjmlLinearAlgebra().withPrecision(Precision.F32);
    }

    /**
     * Skipped for F32 only, pending a fix in the suite: in f32 it uses ε = 1e-2 and then requires every
     * pre-activation to be more than 100·ε = 1.0 away from the ReLU kink, which its fixed random inputs
     * (closest 0.011) cannot meet, whatever the backend. The F64 run of the same test passes.
     */
    @Override
    @Test
    @Disabled("suite issue: the f32 kink margin (100·ε = 1.0) cannot be met by its inputs; reported to the lead")
    public void wholeNetworkGradientMatchesCentralDifferences() {
    }
}
