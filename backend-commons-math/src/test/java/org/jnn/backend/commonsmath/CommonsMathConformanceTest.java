package org.jnn.backend.commonsmath;

import org.jnn.api.LinearAlgebra;
import org.jnn.core.conformance.BackendConformance;

/** The whole conformance suite (every operation and rule of the SPI, plus the network on top) on Commons Math. */
class CommonsMathConformanceTest extends BackendConformance {
    @Override protected LinearAlgebra createBackend() { return new CommonsMathLinearAlgebra(); }
}
