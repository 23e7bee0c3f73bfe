package org.jnn.backend.ejml;

import org.jnn.api.LinearAlgebra;
import org.jnn.core.conformance.BackendConformance;

/** The whole conformance suite (every SPI operation and rule, plus the network on top) against EJML. */
class EjmlConformanceTest extends BackendConformance {
    @Override
    protected LinearAlgebra createBackend() {
        return new EjmlLinearAlgebra();
    }
}
