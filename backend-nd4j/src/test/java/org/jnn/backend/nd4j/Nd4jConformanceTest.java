package org.jnn.backend.nd4j;

import org.jnn.api.LinearAlgebra;
import org.jnn.core.conformance.BackendConformance;

/** The whole conformance suite (operations, SPI rules and network-level checks) on the F64 ND4J backend. */
class Nd4jConformanceTest extends BackendConformance {
    @Override
    protected LinearAlgebra createBackend() {
        return new Nd4jLinearAlgebra();
    }
}
