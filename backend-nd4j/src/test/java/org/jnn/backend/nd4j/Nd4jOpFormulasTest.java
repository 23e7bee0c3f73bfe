package org.jnn.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.NesterovsUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.RmsPropUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the ND4J 1.0.0-M2.1 ops behind the activations and optimizer steps compute, shown on ND4J
 * directly: the formulas {@link Nd4jLinearAlgebra} relies on, and the ones that made it compute a step
 * otherwise. An upgrade that changes one fails here, with the op named, before the conformance suite
 * reports a wrong result somewhere.
 */
class Nd4jOpFormulasTest {

    @BeforeAll
    static void load() {
        assertTrue(new Nd4jLinearAlgebra().availability().usable());
    }

    private static INDArray row(DataType type, double... values) {
        return Nd4j.create(values, new long[] {1, values.length}, DataType.DOUBLE).castTo(type).dup('c');
    }

    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).data().asDouble();
    }

    private static double[] random(Random random, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * random.nextGaussian();
        }
        return v;
    }

    private static double[] squares(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= v[i];
        }
        return v;
    }

    private static void assertClose(double expected, double actual, double relative, String what) {
        assertEquals(expected, actual, relative * Math.abs(expected), what);
    }

    // doAdamStep (f64) passes epsilon·sqrt(1 - β2ᵗ) and iteration t - 1.
    @Test
    void adamUpdaterIsPyTorchsStepOnceEpsilonIsScaledBySqrtOfTheSecondCorrection() {
        Random random = new Random(3);
        double[] g0 = random(random, 6, 1);
        double[] m0 = random(random, 6, 0.1);
        double[] v0 = squares(random(random, 6, 0.1));
        double lr = 0.01;
        double beta1 = 0.8;
        double beta2 = 0.95;
        double epsilon = 1e-3; // large, so that where it enters shows
        int t = 5;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        INDArray g = row(DataType.DOUBLE, g0);
        INDArray m = row(DataType.DOUBLE, m0);
        INDArray v = row(DataType.DOUBLE, v0);
        Nd4j.exec(new AdamUpdater(g, v, m, lr, beta1, beta2, epsilon * Math.sqrt(c2), t - 1)); // (gradient, v, m), in place
        for (int i = 0; i < g0.length; i++) {
            double mi = beta1 * m0[i] + (1 - beta1) * g0[i];
            double vi = beta2 * v0[i] + (1 - beta2) * g0[i] * g0[i];
            assertClose(mi, values(m)[i], 1e-15, "adam_updater's first moment");
            assertClose(vi, values(v)[i], 1e-15, "adam_updater's second moment");
            double pyTorch = lr * (mi / c1) / (Math.sqrt(vi / c2) + epsilon);
            assertClose(pyTorch, values(g)[i], 1e-14, "adam_updater's update, written into the gradient, is PyTorch's step");
            double unscaled = mi * lr * Math.sqrt(c2) / c1 / (Math.sqrt(vi) + epsilon);
            assertTrue(Math.abs(unscaled - pyTorch) > 1e-6 * Math.abs(pyTorch), "with ε as given it would not be");
        }
    }

    // Why doAdamStep and doRmsPropStep compose their f32 steps from element-wise ops.
    @Test
    void updatersInFloatComputeOneMinusBetaFromTheBetaRoundedToFloat() {
        INDArray g = row(DataType.FLOAT, 1, 1);
        INDArray m = row(DataType.FLOAT, 0, 0);
        INDArray v = row(DataType.FLOAT, 0, 0);
        Nd4j.exec(new AdamUpdater(g, v, m, 0.001, 0.9, 0.999, 1e-8, 0));
        double exact = 1 - 0.999; // what the f32 reference stores, rounded to float: 0.001f
        assertEquals(1 - 0.999f, values(v)[0], 0.0, "v = (1 - β2) g² with 1 - β2 computed in float from 0.999f");
        double error = Math.abs(values(v)[0] - exact) / exact;
        assertTrue(error > 1e-5, "1 - 0.999f is 1.3e-5 off 1 - 0.999, more than f32's rounding: " + error);

        INDArray h = row(DataType.FLOAT, 1, 1);
        INDArray s = row(DataType.FLOAT, 0, 0);
        Nd4j.exec(new RmsPropUpdater(h, s, 0.01, 0.999, 1e-8));
        assertEquals(1 - 0.999f, values(s)[0], 0.0, "rms_prop_updater likewise");
    }

    // doRmsPropStep (f64) uses it as it is.
    @Test
    void rmsPropUpdaterIsPyTorchsStep() {
        Random random = new Random(4);
        double[] g0 = random(random, 6, 1);
        double[] s0 = squares(random(random, 6, 0.3));
        double lr = 0.01;
        double alpha = 0.9;
        double epsilon = 1e-3;
        INDArray g = row(DataType.DOUBLE, g0);
        INDArray s = row(DataType.DOUBLE, s0);
        Nd4j.exec(new RmsPropUpdater(g, s, lr, alpha, epsilon));
        for (int i = 0; i < g0.length; i++) {
            double si = alpha * s0[i] + (1 - alpha) * g0[i] * g0[i];
            assertClose(si, values(s)[i], 1e-15, "rms_prop_updater's mean square");
            assertClose(lr * g0[i] / (Math.sqrt(si) + epsilon), values(g)[i], 1e-15, "rms_prop_updater's update");
        }
    }

    // Why doSgdStep does not use it.
    @Test
    void nesterovsUpdaterKeepsAVelocityScaledByMinusTheLearningRate() {
        double lr = 0.1;
        double momentum = 0.9;
        INDArray g = row(DataType.DOUBLE, 2);
        INDArray v = row(DataType.DOUBLE, 0.5);
        Nd4j.exec(new NesterovsUpdater(g, v, lr, momentum));
        assertEquals(momentum * 0.5 - lr * 2, values(v)[0], 1e-15,
                "DL4J's velocity μv - ηg, not PyTorch's buffer μv + g: it holds the learning rates of past steps");
    }

    // doActivate computes tanh as 2σ(2z) - 1, accurate to about an ulp of 1 (the suite measures tanh against a
    // magnitude of 1), and faster: ND4J's tanh op is no more accurate.
    @Test
    void tanhOpIsAccurateToAFewUlpsOfOneButNotRelativelyNearZero() {
        Random random = new Random(5);
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double[] z = new double[4000];
            for (int i = 0; i < z.length; i++) {
                z[i] = Math.pow(10, -12 + 14 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
            }
            INDArray in = row(type, z);
            INDArray out = in.ulike();
            Nd4j.exec(DynamicCustomOp.builder("tanh").addInputs(in).addOutputs(out).build());
            double[] zi = values(in);
            double[] t = values(out);
            double ulp = type == DataType.DOUBLE ? Math.ulp(1.0) : Math.ulp(1.0f);
            for (int i = 0; i < z.length; i++) {
                assertEquals(Math.tanh(zi[i]), t[i], 4 * ulp, type + " tanh(" + zi[i] + ")");
            }
        }
        INDArray tiny = row(DataType.DOUBLE, 1e-300);
        INDArray out = tiny.ulike();
        Nd4j.exec(DynamicCustomOp.builder("tanh").addInputs(tiny).addOutputs(out).build());
        assertEquals(0.0, values(out)[0], 0.0, "tanh is (1 - e^-2|z|)/(1 + e^-2|z|): tanh(1e-300) comes out 0");
    }

    // doActivate relies on it for sigmoid, tanh and GELU, and on it staying finite.
    @Test
    void sigmoidIsOneOverOnePlusExpMinusZAndStaysFinite() {
        INDArray z = row(DataType.DOUBLE, -1000, -40, -0.5, 0, 3, 1000, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        INDArray out = z.ulike();
        Nd4j.exec(DynamicCustomOp.builder("sigmoid").addInputs(z).addOutputs(out).build());
        double[] zi = values(z);
        double[] s = values(out);
        for (int i = 0; i < zi.length; i++) {
            assertClose(1 / (1 + Math.exp(-zi[i])), s[i], 1e-15, "sigmoid(" + zi[i] + ")");
        }
    }
}
