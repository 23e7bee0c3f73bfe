package org.jnn.backend.template;

import org.jnn.api.LinearAlgebra;
import org.jnn.core.conformance.BackendConformance;

/** The whole conformance suite, in f64 and in f32, against the template backend. */
class ArrayConformanceTest extends BackendConformance {
    @Override protected LinearAlgebra createBackend() { return new ArrayLinearAlgebra(); }
}
