package org.jnn.backend.ejml;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.core.conformance.BackendConformance;

/** The whole conformance suite against the single-precision EJML backend, with the suite's F32 tolerances. */
class EjmlFloatConformanceTest extends BackendConformance {
    @Override
    protected LinearAlgebra createBackend() {
        return new EjmlLinearAlgebra().withPrecision(Precision.F32);
    }
}
