package org.jnn.api;

/**
 * One step of RMSProp for {@link LinearAlgebra#rmsPropStep}, PyTorch's {@code torch.optim.RMSprop}
 * without momentum or centring: {@code g ← g + λw}; {@code v ← αv + (1-α) g²};
 * {@code w ← w - η g / (sqrt(v) + ε)}.
 *
 * @param learningRate η, finite and above 0
 * @param alpha α in [0, 1)
 * @param epsilon ε above 0
 * @param weightDecay λ ≥ 0
 */
public record RmsPropUpdate(double learningRate, double alpha, double epsilon, double weightDecay) {

    public RmsPropUpdate {
        UpdateChecks.positive("learning rate", learningRate);
        UpdateChecks.unitInterval("alpha", alpha);
        UpdateChecks.positive("epsilon", epsilon);
        UpdateChecks.nonNegative("weight decay", weightDecay);
    }
}
