package org.jnn.core.conformance.mutation;

import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.Precision;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;
import org.jnn.core.conformance.ReferenceLinearAlgebra;

/**
 * The reference in f32 computing the way a single-precision library does: every intermediate value a float,
 * sums accumulated in float, the optimizers' settings cast to float, exponentials and tanh of floats rounded
 * to float. Not a bug: the suite's f32 tolerances must let an honest float backend pass, and
 * {@link PlantedBug#FLOAT_ARITHMETIC} proves they do (the plain reference computes in double and rounds once
 * per stored value, which is more accurate than any float library).
 *
 * <p>It overrides the operations whose float results differ most from the once-rounded ones: products and
 * sums, softmax and the loss, the activations and their derivatives, and the optimizer steps.
 */
final class FloatArithmeticReference extends ReferenceLinearAlgebra {

    private static final float GELU_SCALE = (float) Math.sqrt(2 / Math.PI);
    private static final float GELU_CUBIC = 0.044715f;

    FloatArithmeticReference() {
        super(Precision.F32);
    }

    @Override
    protected void doGemm(double alpha, ReferenceMatrix a, boolean transposeA, ReferenceMatrix b, boolean transposeB,
            double beta, ReferenceMatrix c) {
        double[][] av = values(a);
        double[][] bv = values(b);
        double[][] cv = values(c);
        int inner = transposeA ? a.rows() : a.cols();
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                float sum = 0;
                for (int p = 0; p < inner; p++) {
                    float x = (float) (transposeA ? av[p][i] : av[i][p]);
                    float y = (float) (transposeB ? bv[j][p] : bv[p][j]);
                    sum += x * y;
                }
                float old = beta == 0 ? 0 : (float) beta * (float) cv[i][j];
                cv[i][j] = (float) alpha * sum + old;
            }
        }
    }

    @Override
    protected void doColumnSums(double alpha, ReferenceMatrix a, double beta, ReferenceMatrix out) {
        double[][] av = values(a);
        double[][] ov = values(out);
        for (int j = 0; j < a.cols(); j++) {
            float sum = 0;
            for (int i = 0; i < a.rows(); i++) {
                sum += (float) av[i][j];
            }
            float old = beta == 0 ? 0 : (float) beta * (float) ov[0][j];
            ov[0][j] = (float) alpha * sum + old;
        }
    }

    @Override
    protected void doSoftmaxRows(ReferenceMatrix z, ReferenceMatrix out) {
        double[][] zv = values(z);
        double[][] ov = values(out);
        float[] exps = new float[z.cols()];
        for (int i = 0; i < z.rows(); i++) {
            float max = (float) zv[i][0];
            for (int j = 1; j < z.cols(); j++) {
                max = Math.max(max, (float) zv[i][j]);
            }
            float sum = 0;
            for (int j = 0; j < z.cols(); j++) {
                exps[j] = (float) Math.exp((float) zv[i][j] - max);
                sum += exps[j];
            }
            for (int j = 0; j < z.cols(); j++) {
                ov[i][j] = exps[j] / sum;
            }
        }
    }

    @Override
    protected double doSumNegativeLogSoftmax(ReferenceMatrix logits, int[] labels) {
        double[][] zv = values(logits);
        float total = 0;
        for (int i = 0; i < logits.rows(); i++) {
            float max = (float) zv[i][0];
            for (int j = 1; j < logits.cols(); j++) {
                max = Math.max(max, (float) zv[i][j]);
            }
            float sum = 0;
            for (int j = 0; j < logits.cols(); j++) {
                sum += (float) Math.exp((float) zv[i][j] - max);
            }
            total += max + (float) Math.log(sum) - (float) zv[i][labels[i]];
        }
        return total;
    }

    @Override
    protected void doActivate(Activation activation, ReferenceMatrix z, ReferenceMatrix out) {
        double[][] zv = values(z);
        double[][] ov = values(out);
        for (int i = 0; i < z.rows(); i++) {
            for (int j = 0; j < z.cols(); j++) {
                ov[i][j] = apply(activation, (float) zv[i][j]);
            }
        }
    }

    private static float apply(Activation activation, float z) {
        return switch (activation) {
            case IDENTITY -> z;
            case RELU -> z > 0 ? z : 0f;
            case LEAKY_RELU -> z > 0 ? z : (float) Activation.LEAKY_RELU_SLOPE * z;
            case TANH -> (float) Math.tanh(z);
            case SIGMOID -> {
                float e = (float) Math.exp(-Math.abs(z));
                yield z >= 0 ? 1f / (1f + e) : e / (1f + e);
            }
            case GELU -> 0.5f * z * (1f + (float) Math.tanh(geluArgument(z)));
        };
    }

    private static float geluArgument(float z) {
        return GELU_SCALE * (z + GELU_CUBIC * z * z * z);
    }

    @Override
    protected void doActivationBackward(Activation activation, ReferenceMatrix gradient, ReferenceMatrix z,
            ReferenceMatrix a, ReferenceMatrix out) {
        double[][] gv = values(gradient);
        double[][] zv = values(z);
        double[][] av = values(a);
        double[][] ov = values(out);
        for (int i = 0; i < gradient.rows(); i++) {
            for (int j = 0; j < gradient.cols(); j++) {
                ov[i][j] = (float) gv[i][j] * derivative(activation, (float) zv[i][j], (float) av[i][j]);
            }
        }
    }

    private static float derivative(Activation activation, float z, float a) {
        return switch (activation) {
            case IDENTITY -> 1f;
            case RELU -> z > 0 ? 1f : 0f;
            case LEAKY_RELU -> z > 0 ? 1f : (float) Activation.LEAKY_RELU_SLOPE;
            case TANH -> 1f - a * a;
            case SIGMOID -> a * (1f - a);
            case GELU -> {
                float t = (float) Math.tanh(geluArgument(z));
                yield 0.5f * (1f + t) + 0.5f * z * (1f - t * t) * GELU_SCALE * (1f + 3f * GELU_CUBIC * z * z);
            }
        };
    }

    @Override
    protected void doSgdStep(SgdUpdate step, ReferenceMatrix gradient, ReferenceMatrix velocity, ReferenceMatrix parameter) {
        double[][] gv = values(gradient);
        double[][] vv = velocity == null ? null : values(velocity);
        double[][] pv = values(parameter);
        float rate = (float) step.learningRate();
        float momentum = (float) step.momentum();
        float decay = (float) step.weightDecay();
        for (int i = 0; i < parameter.rows(); i++) {
            for (int j = 0; j < parameter.cols(); j++) {
                float w = (float) pv[i][j];
                float g = (float) gv[i][j] + decay * w;
                if (step.hasMomentum()) {
                    float v = momentum * (float) vv[i][j] + g;
                    vv[i][j] = v;
                    g = step.nesterov() ? g + momentum * v : v;
                }
                pv[i][j] = w - rate * g;
            }
        }
    }

    @Override
    protected void doAdamStep(AdamUpdate step, ReferenceMatrix gradient, ReferenceMatrix firstMoment,
            ReferenceMatrix secondMoment, ReferenceMatrix parameter) {
        double[][] gv = values(gradient);
        double[][] mv = values(firstMoment);
        double[][] vv = values(secondMoment);
        double[][] pv = values(parameter);
        float rate = (float) step.learningRate();
        float beta1 = (float) step.beta1();
        float beta2 = (float) step.beta2();
        float epsilon = (float) step.epsilon();
        float decay = (float) step.weightDecay();
        float correction1 = 1f - (float) Math.pow(beta1, step.step());
        float correction2 = 1f - (float) Math.pow(beta2, step.step());
        for (int i = 0; i < parameter.rows(); i++) {
            for (int j = 0; j < parameter.cols(); j++) {
                float w = (float) pv[i][j];
                float g = (float) gv[i][j];
                if (step.decoupledWeightDecay()) {
                    w = w * (1f - rate * decay);
                } else {
                    g = g + decay * w;
                }
                float m = beta1 * (float) mv[i][j] + (1f - beta1) * g;
                float v = beta2 * (float) vv[i][j] + (1f - beta2) * g * g;
                mv[i][j] = m;
                vv[i][j] = v;
                pv[i][j] = w - rate * (m / correction1) / ((float) Math.sqrt(v / correction2) + epsilon);
            }
        }
    }

    @Override
    protected void doRmsPropStep(RmsPropUpdate step, ReferenceMatrix gradient, ReferenceMatrix meanSquare,
            ReferenceMatrix parameter) {
        double[][] gv = values(gradient);
        double[][] sv = values(meanSquare);
        double[][] pv = values(parameter);
        float rate = (float) step.learningRate();
        float alpha = (float) step.alpha();
        float epsilon = (float) step.epsilon();
        float decay = (float) step.weightDecay();
        for (int i = 0; i < parameter.rows(); i++) {
            for (int j = 0; j < parameter.cols(); j++) {
                float w = (float) pv[i][j];
                float g = (float) gv[i][j] + decay * w;
                float v = alpha * (float) sv[i][j] + (1f - alpha) * g * g;
                sv[i][j] = v;
                pv[i][j] = w - rate * g / ((float) Math.sqrt(v) + epsilon);
            }
        }
    }
}
