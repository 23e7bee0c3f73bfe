package org.jnn.core;

import java.util.Locale;
import org.jnn.api.Activation;

/**
 * Compares the gradient computed by backpropagation with central finite differences of the loss,
 * {@code (L(θ + ε) - L(θ - ε)) / 2ε}, for every weight and bias of a network.
 *
 * <p>Run it in double precision on a small network. The relative error of a parameter is
 * {@code |analytic - numeric| / (|analytic| + |numeric|)}; a parameter whose absolute error is below
 * {@code absoluteTolerance} passes whatever its relative error, since both gradients are then
 * essentially zero and their ratio is noise. ReLU and leaky ReLU have a kink at 0 where the finite difference
 * is meaningless, so the result also reports how close any of their pre-activations came to 0
 * ({@link Result#closestToKink()}): a check is only meaningful when that is well above ε.
 */
public final class GradientCheck {

    private GradientCheck() {
    }

    /**
     * The worst disagreement found.
     *
     * @param parametersChecked how many weights and biases were compared
     * @param maxRelativeError the largest relative error among parameters above the absolute tolerance
     * @param worstParameter where it occurred, e.g. "layer 1 weight 17"
     * @param analytic the backpropagated gradient there
     * @param numeric the finite-difference gradient there
     * @param closestToKink the smallest |z| over all hidden pre-activations of the batch
     */
    public record Result(int parametersChecked, double maxRelativeError, String worstParameter,
            double analytic, double numeric, double closestToKink) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%d parameters checked; max relative error %.3e at %s (analytic %.10e, numeric %.10e); "
                            + "closest pre-activation to the ReLU kink %.3e",
                    parametersChecked, maxRelativeError, worstParameter, analytic, numeric, closestToKink);
        }
    }

    /**
     * Checks every parameter of {@code network} on {@code batch}; the network's parameters are the
     * same afterwards.
     *
     * @param epsilon the finite-difference step, e.g. 1e-6
     * @param absoluteTolerance absolute errors below this pass, e.g. 1e-9
     */
    public static Result check(Network network, Dataset batch, double epsilon, double absoluteTolerance) {
        Parameters original = network.parameters();
        Parameters analytic = network.gradient(batch);
        double closest = closestToKink(network, batch);
        double worst = 0;
        String where = "none";
        double worstAnalytic = 0;
        double worstNumeric = 0;
        int checked = 0;
        try {
            for (int l = 0; l < original.layerCount(); l++) {
                for (int kind = 0; kind < 2; kind++) {
                    boolean bias = kind == 1;
                    int count = bias ? analytic.biases(l).length : analytic.weights(l).length;
                    for (int i = 0; i < count; i++) {
                        double value = original.get(l, bias, i);
                        network.setParameters(original.with(l, bias, i, value + epsilon));
                        double plus = network.loss(batch);
                        network.setParameters(original.with(l, bias, i, value - epsilon));
                        double minus = network.loss(batch);
                        double numeric = (plus - minus) / (2 * epsilon);
                        double exact = analytic.get(l, bias, i);
                        double absolute = Math.abs(exact - numeric);
                        double relative = absolute / (Math.abs(exact) + Math.abs(numeric));
                        checked++;
                        if (absolute >= absoluteTolerance && relative > worst) {
                            worst = relative;
                            where = "layer " + l + (bias ? " bias " : " weight ") + i;
                            worstAnalytic = exact;
                            worstNumeric = numeric;
                        }
                    }
                }
            }
        } finally {
            network.setParameters(original);
        }
        return new Result(checked, worst, where, worstAnalytic, worstNumeric, closest);
    }

    /** The smallest |z| over the hidden layers whose activation has a kink at 0 (ReLU, leaky ReLU); +∞ if none has. */
    private static double closestToKink(Network network, Dataset batch) {
        double closest = Double.POSITIVE_INFINITY;
        Architecture architecture = network.architecture();
        int hiddenLayers = architecture.layerCount() - 1;
        for (int l = 0; l < hiddenLayers; l++) {
            Activation f = architecture.activation(l);
            if (f != Activation.RELU && f != Activation.LEAKY_RELU) {
                continue;
            }
            for (double z : network.hiddenPreActivations(batch, l)) {
                closest = Math.min(closest, Math.abs(z));
            }
        }
        return closest;
    }
}
