package org.jnn.core.conformance.mutation;

import org.jnn.api.AdamUpdate;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;

/**
 * The optimizer steps written out element by element on row-major arrays, each with one of the mistakes the
 * planted bugs make in them; {@link Flaw#NONE} is PyTorch's formula. The arrays of the state and the parameter
 * are updated in place; the gradient's is not changed.
 */
final class FlawedSteps {

    private FlawedSteps() {
    }

    /** The mistakes, each in the step it belongs to. */
    enum Flaw {
        NONE,
        // SGD
        NESTEROV_AS_CLASSICAL, VELOCITY_NOT_STORED, DECAY_TWICE, DECAY_IGNORED, DECAY_OUTSIDE_THE_MOMENTUM,
        DAMPENED_MOMENTUM, NESTEROV_WITH_THE_OLD_VELOCITY, RATE_IN_THE_VELOCITY,
        // Adam
        NO_BIAS_CORRECTION, CORRECTION_AT_T_MINUS_ONE, CORRECTION_AT_T_PLUS_ONE, DECOUPLED_DECAY_AFTER_THE_UPDATE,
        DECOUPLED_DECAY_WITHOUT_THE_RATE, DECOUPLED_AS_COUPLED, EPSILON_INSIDE_THE_SQRT, EPSILON_BEFORE_THE_CORRECTION,
        BETAS_SWAPPED, SECOND_MOMENT_OF_THE_RAW_GRADIENT, COUPLED_AND_DECOUPLED_DECAY,
        // RMSProp (with EPSILON_INSIDE_THE_SQRT, DECAY_TWICE and SECOND_MOMENT_OF_THE_RAW_GRADIENT)
        ALPHA_SWAPPED, OLD_MEAN_SQUARE, MEAN_SQUARE_NOT_STORED
    }

    static void sgd(SgdUpdate step, Flaw flaw, double[] g, double[] velocity, double[] w) {
        double rate = step.learningRate();
        double mu = step.momentum();
        double decay = flaw == Flaw.DECAY_IGNORED ? 0 : flaw == Flaw.DECAY_TWICE ? 2 * step.weightDecay() : step.weightDecay();
        for (int i = 0; i < w.length; i++) {
            double d = flaw == Flaw.DECAY_OUTSIDE_THE_MOMENTUM ? 0 : decay * w[i];
            double gi = g[i] + d;
            if (step.hasMomentum()) {
                double old = velocity[i];
                double v = flaw == Flaw.DAMPENED_MOMENTUM ? mu * old + (1 - mu) * gi
                        : flaw == Flaw.RATE_IN_THE_VELOCITY ? mu * old + rate * gi : mu * old + gi;
                if (flaw != Flaw.VELOCITY_NOT_STORED) {
                    velocity[i] = v;
                }
                if (flaw == Flaw.RATE_IN_THE_VELOCITY) {
                    w[i] -= step.nesterov() ? rate * gi + mu * v : v;
                    continue;
                }
                boolean nesterov = step.nesterov() && flaw != Flaw.NESTEROV_AS_CLASSICAL;
                gi = nesterov ? gi + mu * (flaw == Flaw.NESTEROV_WITH_THE_OLD_VELOCITY ? old : v) : v;
            }
            if (flaw == Flaw.DECAY_OUTSIDE_THE_MOMENTUM) {
                gi += decay * w[i];
            }
            w[i] -= rate * gi;
        }
    }

    static void adam(AdamUpdate step, Flaw flaw, double[] g, double[] m, double[] v, double[] w) {
        double rate = step.learningRate();
        double decay = step.weightDecay();
        double beta1 = flaw == Flaw.BETAS_SWAPPED ? step.beta2() : step.beta1();
        double beta2 = flaw == Flaw.BETAS_SWAPPED ? step.beta1() : step.beta2();
        long t = flaw == Flaw.CORRECTION_AT_T_MINUS_ONE ? step.step() - 1 : flaw == Flaw.CORRECTION_AT_T_PLUS_ONE
                ? step.step() + 1 : step.step();
        double correction1 = flaw == Flaw.NO_BIAS_CORRECTION ? 1 : 1 - Math.pow(beta1, t);
        double correction2 = flaw == Flaw.NO_BIAS_CORRECTION ? 1 : 1 - Math.pow(beta2, t);
        boolean decoupled = step.decoupledWeightDecay() && flaw != Flaw.DECOUPLED_AS_COUPLED;
        double kept = 1 - (flaw == Flaw.DECOUPLED_DECAY_WITHOUT_THE_RATE ? decay : rate * decay);
        for (int i = 0; i < w.length; i++) {
            double gi = g[i];
            double raw = gi;
            if (!decoupled || flaw == Flaw.COUPLED_AND_DECOUPLED_DECAY) {
                gi += decay * w[i];
            }
            if (decoupled && flaw != Flaw.DECOUPLED_DECAY_AFTER_THE_UPDATE) {
                w[i] *= kept;
            }
            double squared = flaw == Flaw.SECOND_MOMENT_OF_THE_RAW_GRADIENT ? raw : gi;
            m[i] = beta1 * m[i] + (1 - beta1) * gi;
            v[i] = beta2 * v[i] + (1 - beta2) * squared * squared;
            double mHat = m[i] / correction1;
            double denominator = switch (flaw) {
                case EPSILON_INSIDE_THE_SQRT -> Math.sqrt(v[i] / correction2 + step.epsilon());
                case EPSILON_BEFORE_THE_CORRECTION -> (Math.sqrt(v[i]) + step.epsilon()) / Math.sqrt(correction2);
                default -> Math.sqrt(v[i] / correction2) + step.epsilon();
            };
            w[i] -= rate * mHat / denominator;
            if (decoupled && flaw == Flaw.DECOUPLED_DECAY_AFTER_THE_UPDATE) {
                w[i] *= kept;
            }
        }
    }

    static void rmsProp(RmsPropUpdate step, Flaw flaw, double[] g, double[] meanSquare, double[] w) {
        double alpha = flaw == Flaw.ALPHA_SWAPPED ? 1 - step.alpha() : step.alpha();
        double decay = flaw == Flaw.DECAY_TWICE ? 2 * step.weightDecay() : step.weightDecay();
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + decay * w[i];
            double squared = flaw == Flaw.SECOND_MOMENT_OF_THE_RAW_GRADIENT ? g[i] : gi;
            double old = meanSquare[i];
            double v = alpha * old + (1 - alpha) * squared * squared;
            if (flaw != Flaw.MEAN_SQUARE_NOT_STORED) {
                meanSquare[i] = v;
            }
            double denominator = switch (flaw) {
                case EPSILON_INSIDE_THE_SQRT -> Math.sqrt(v + step.epsilon());
                case OLD_MEAN_SQUARE -> Math.sqrt(old) + step.epsilon();
                default -> Math.sqrt(v) + step.epsilon();
            };
            w[i] -= step.learningRate() * gi / denominator;
        }
    }
}
