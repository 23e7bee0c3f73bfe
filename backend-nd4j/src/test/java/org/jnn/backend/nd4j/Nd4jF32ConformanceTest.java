package org.jnn.backend.nd4j;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.core.conformance.BackendConformance;

/** The whole conformance suite on the F32 (FLOAT) variant of the ND4J backend. */
class Nd4jF32ConformanceTest extends BackendConformance {
    @Override
    protected LinearAlgebra createBackend() {
        return new Nd4jLinearAlgebra().withPrecision(Precision.F32);
    }
}
