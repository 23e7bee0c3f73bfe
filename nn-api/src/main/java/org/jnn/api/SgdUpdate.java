package org.jnn.api;

/**
 * One step of stochastic gradient descent for {@link LinearAlgebra#sgdStep}, PyTorch's
 * {@code torch.optim.SGD} with dampening 0: {@code g ← g + λw}; with momentum μ > 0,
 * {@code v ← μv + g} and then {@code g ← v} (classical) or {@code g ← g + μv} (Nesterov);
 * finally {@code w ← w - ηg}.
 *
 * @param learningRate η, finite and above 0
 * @param momentum μ in [0, 1)
 * @param nesterov Nesterov's momentum (needs μ > 0)
 * @param weightDecay λ ≥ 0, the coefficient of the L2 penalty {@code λ/2 ‖w‖²}
 */
public record SgdUpdate(double learningRate, double momentum, boolean nesterov, double weightDecay) {

    public SgdUpdate {
        UpdateChecks.positive("learning rate", learningRate);
        UpdateChecks.unitInterval("momentum", momentum);
        UpdateChecks.nonNegative("weight decay", weightDecay);
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("Nesterov momentum needs a momentum above 0");
        }
    }

    /** True when the step keeps a velocity, i.e. μ > 0. */
    public boolean hasMomentum() {
        return momentum > 0;
    }
}
