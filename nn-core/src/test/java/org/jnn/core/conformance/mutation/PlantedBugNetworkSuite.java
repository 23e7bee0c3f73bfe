package org.jnn.core.conformance.mutation;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.core.conformance.BackendConformance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole suite, network tests included, on the backend with the {@linkplain PlantedBugBackend#active
 * active} bug. Not named {@code ...Test}: only {@link MutationRun} runs it.
 */
@ExtendWith(StopAtFirstFailure.class)
class PlantedBugNetworkSuite extends BackendConformance {
    @Override
    protected LinearAlgebra createBackend() {
        return new PlantedBugBackend(PlantedBugBackend.active, Precision.F64);
    }
}
