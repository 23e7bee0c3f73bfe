package org.jnn.core.optim;

import static org.jnn.core.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OptimizerTest {

    @Test
    void defaultsArePyTorchs() {
        assertEquals(new Optimizer.Adam(0.9, 0.999, 1e-8, 0, false), Optimizer.adam());
        assertEquals(new Optimizer.Adam(0.9, 0.999, 1e-8, 0.01, true), Optimizer.adamW(0.01));
        assertEquals(new Optimizer.RmsProp(0.99, 1e-8, 0), Optimizer.rmsProp());
        assertTrue(Optimizer.sgd().isPlain());
        assertFalse(Optimizer.sgd().withMomentum(0.9).isPlain());
        assertFalse(Optimizer.sgd().withWeightDecay(1e-4).isPlain());
    }

    @Test
    void nesterovTakesAMomentum() {
        assertEquals(new Optimizer.Sgd(0.9, true, 0), Optimizer.sgd().withNesterov());
        assertEquals(new Optimizer.Sgd(0.5, true, 0), Optimizer.sgd().withMomentum(0.5).withNesterov());
        assertRejected(() -> new Optimizer.Sgd(0, true, 0), "Nesterov", "momentum above 0");
    }

    @Test
    void valuesOutsideTheirRangeAreRejectedNamingTheSettingAndTheRange() {
        assertRejected(() -> Optimizer.sgd().withMomentum(1), "momentum", "[0.0, 1.0)", "1.0");
        assertRejected(() -> Optimizer.sgd().withMomentum(-0.1), "momentum", "-0.1");
        assertRejected(() -> Optimizer.sgd().withWeightDecay(-1e-4), "weight decay", "at least 0", "-1.0E-4");
        assertRejected(() -> new Optimizer.Adam(1, 0.999, 1e-8, 0, false), "beta1", "[0.0, 1.0)");
        assertRejected(() -> new Optimizer.Adam(0.9, Double.NaN, 1e-8, 0, false), "beta2", "NaN");
        assertRejected(() -> new Optimizer.Adam(0.9, 0.999, 0, 0.01, true), "epsilon", "above 0");
        assertRejected(() -> new Optimizer.RmsProp(1.2, 1e-8, 0), "alpha", "1.2");
        assertRejected(() -> Optimizer.adam().withWeightDecay(Double.POSITIVE_INFINITY), "weight decay", "Infinity");
    }
}
