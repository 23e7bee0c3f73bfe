package org.jnn.core.conformance.mutation;

import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.core.conformance.LinearAlgebraConformance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operation-level suite on the backend with the {@linkplain PlantedBugBackend#active active} bug. Not
 * named {@code ...Test}: only {@link MutationRun} runs it.
 */
@ExtendWith(StopAtFirstFailure.class)
class PlantedBugOperationSuite extends LinearAlgebraConformance {
    @Override
    protected LinearAlgebra createBackend() {
        return new PlantedBugBackend(PlantedBugBackend.active, Precision.F64);
    }
}
