package org.jnn.core.conformance;

import org.jnn.api.LinearAlgebra;

/**
 * Runs the whole conformance suite against the reference itself: the oracle must satisfy every rule it
 * is used to check, or the suite would be testing against a wrong answer.
 */
class ReferenceConformanceTest extends BackendConformance {

    @Override
    protected LinearAlgebra createBackend() {
        return new ReferenceLinearAlgebra();
    }
}
