package org.jnn.core.optim;

/**
 * How a gradient step changes the parameters. The formulas are PyTorch's ({@code torch.optim.SGD},
 * {@code Adam}, {@code AdamW}, {@code RMSprop} with their default options), so results compare with
 * a PyTorch run of the same settings; the one difference is that weight decay applies to weights
 * only, never to biases (as scikit-learn's {@code alpha} and Keras' kernel regularisers do).
 *
 * <p>In every formula {@code g} is the gradient of the batch's mean loss, {@code η} the learning rate
 * of the step (after any schedule) and {@code λ} the weight decay; the state ({@code v}, {@code m}) is
 * kept per parameter tensor, starts at zero and lives in the backend's matrices.
 *
 * <pre>{@code
 * Optimizer.sgd()                       // plain SGD, the reference experiment's
 * Optimizer.sgd().withMomentum(0.9)     // classical momentum; .withNesterov() for Nesterov's
 * Optimizer.adam()                      // β1 0.9, β2 0.999, ε 1e-8
 * Optimizer.adamW(0.01)                 // Adam with decoupled weight decay 0.01
 * Optimizer.rmsProp()                   // α 0.99, ε 1e-8
 * }</pre>
 */
public sealed interface Optimizer permits Optimizer.Sgd, Optimizer.Adam, Optimizer.RmsProp {

    /** Short name, as on the command line: {@code sgd}, {@code adam}, {@code adamw}, {@code rmsprop}. */
    String id();

    /** The decay λ applied to weights (not biases); 0 for none. */
    double weightDecay();

    /** This optimizer with another weight decay. */
    Optimizer withWeightDecay(double weightDecay);

    /** Plain stochastic gradient descent: {@code w -= η g}. */
    static Sgd sgd() {
        return new Sgd(0, false, 0);
    }

    /** Adam with PyTorch's defaults: β1 0.9, β2 0.999, ε 1e-8, no weight decay. */
    static Adam adam() {
        return new Adam(0.9, 0.999, 1e-8, 0, false);
    }

    /** AdamW with PyTorch's β and ε and the given decoupled weight decay (PyTorch's default is 0.01). */
    static Adam adamW(double weightDecay) {
        return new Adam(0.9, 0.999, 1e-8, weightDecay, true);
    }

    /** RMSProp with PyTorch's defaults: α 0.99, ε 1e-8. */
    static RmsProp rmsProp() {
        return new RmsProp(0.99, 1e-8, 0);
    }

    /**
     * Stochastic gradient descent with optional momentum and L2 weight decay:
     * {@code g ← g + λw} (weights only); with momentum μ, {@code v ← μv + g}, then {@code g ← v}
     * (classical) or {@code g ← g + μv} (Nesterov); finally {@code w ← w - ηg}.
     *
     * @param momentum μ in [0, 1); 0 for none
     * @param nesterov Nesterov's form of momentum; needs μ > 0
     * @param weightDecay λ ≥ 0, the L2 penalty's coefficient (the gradient of {@code λ/2 ‖w‖²})
     */
    record Sgd(double momentum, boolean nesterov, double weightDecay) implements Optimizer {
        public Sgd {
            Check.range("momentum", momentum, 0, 1, false);
            Check.nonNegative("weight decay", weightDecay);
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("Nesterov momentum needs a momentum above 0 (try 0.9)");
            }
        }

        @Override
        public String id() {
            return "sgd";
        }

        /** The same with classical momentum μ. */
        public Sgd withMomentum(double momentum) {
            return new Sgd(momentum, nesterov && momentum > 0, weightDecay);
        }

        /** The same with Nesterov's momentum (0.9 if no momentum was set). */
        public Sgd withNesterov() {
            return new Sgd(momentum > 0 ? momentum : 0.9, true, weightDecay);
        }

        @Override
        public Sgd withWeightDecay(double weightDecay) {
            return new Sgd(momentum, nesterov, weightDecay);
        }

        /** True for the reference experiment's plain SGD: no momentum, no weight decay, no state. */
        public boolean isPlain() {
            return momentum == 0 && weightDecay == 0;
        }
    }

    /**
     * Adam and AdamW. Adam: {@code g ← g + λw} (weights only; L2, coupled), {@code m ← β1 m + (1-β1) g},
     * {@code v ← β2 v + (1-β2) g²}, then with step count t (from 1)
     * {@code w ← w - η (m / (1-β1ᵗ)) / (sqrt(v / (1-β2ᵗ)) + ε)}. AdamW ({@code decoupledWeightDecay}):
     * no L2 term in the gradient; instead the weights decay by themselves first, {@code w ← w (1 - ηλ)}.
     */
    record Adam(double beta1, double beta2, double epsilon, double weightDecay, boolean decoupledWeightDecay)
            implements Optimizer {
        public Adam {
            Check.range("beta1", beta1, 0, 1, false);
            Check.range("beta2", beta2, 0, 1, false);
            Check.positive("epsilon", epsilon);
            Check.nonNegative("weight decay", weightDecay);
        }

        @Override
        public String id() {
            return decoupledWeightDecay ? "adamw" : "adam";
        }

        @Override
        public Adam withWeightDecay(double weightDecay) {
            return new Adam(beta1, beta2, epsilon, weightDecay, decoupledWeightDecay);
        }
    }

    /**
     * RMSProp: {@code g ← g + λw} (weights only), {@code v ← αv + (1-α) g²},
     * {@code w ← w - η g / (sqrt(v) + ε)}.
     *
     * @param alpha α in [0, 1), the smoothing constant of the squared-gradient average
     */
    record RmsProp(double alpha, double epsilon, double weightDecay) implements Optimizer {
        public RmsProp {
            Check.range("alpha", alpha, 0, 1, false);
            Check.positive("epsilon", epsilon);
            Check.nonNegative("weight decay", weightDecay);
        }

        @Override
        public String id() {
            return "rmsprop";
        }

        @Override
        public RmsProp withWeightDecay(double weightDecay) {
            return new RmsProp(alpha, epsilon, weightDecay);
        }
    }
}
