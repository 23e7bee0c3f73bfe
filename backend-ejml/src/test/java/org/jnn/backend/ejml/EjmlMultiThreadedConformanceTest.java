package org.jnn.backend.ejml;

import org.jnn.api.LinearAlgebra;
import org.jnn.core.conformance.LinearAlgebraConformance;

/**
 * The operation suite again with every product sent to EJML's multi-threaded routines (threshold 0),
 * which the default instance uses only for large products the suite's shapes do not reach.
 */
class EjmlMultiThreadedConformanceTest extends LinearAlgebraConformance {
    @Override
    protected LinearAlgebra createBackend() {
        return new EjmlLinearAlgebra(0);
    }
}
