package org.jnn.api;

/**
 * One step of Adam for {@link LinearAlgebra#adamStep}, PyTorch's {@code torch.optim.Adam} and
 * {@code AdamW}: with step count t (from 1), {@code g ← g + λw} unless the decay is decoupled;
 * {@code m ← β1 m + (1-β1) g}; {@code v ← β2 v + (1-β2) g²}; with decoupled decay (AdamW) first
 * {@code w ← w (1 - ηλ)}; then {@code w ← w - η · (m / (1-β1ᵗ)) / (sqrt(v / (1-β2ᵗ)) + ε)}.
 *
 * @param learningRate η, finite and above 0
 * @param beta1 β1 in [0, 1)
 * @param beta2 β2 in [0, 1)
 * @param epsilon ε above 0
 * @param weightDecay λ ≥ 0
 * @param decoupledWeightDecay AdamW's decay of the weights themselves instead of Adam's L2 term in the gradient
 * @param step t, the number of this step for these moments, from 1
 */
public record AdamUpdate(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
        boolean decoupledWeightDecay, long step) {

    public AdamUpdate {
        UpdateChecks.positive("learning rate", learningRate);
        UpdateChecks.unitInterval("beta1", beta1);
        UpdateChecks.unitInterval("beta2", beta2);
        UpdateChecks.positive("epsilon", epsilon);
        UpdateChecks.nonNegative("weight decay", weightDecay);
        if (step < 1) {
            throw new IllegalArgumentException("Adam's step count starts at 1, got " + step);
        }
    }

    /** {@code 1 - β1ᵗ}, the first moment's bias correction. */
    public double firstMomentCorrection() {
        return 1 - Math.pow(beta1, step);
    }

    /** {@code 1 - β2ᵗ}, the second moment's bias correction. */
    public double secondMomentCorrection() {
        return 1 - Math.pow(beta2, step);
    }
}
