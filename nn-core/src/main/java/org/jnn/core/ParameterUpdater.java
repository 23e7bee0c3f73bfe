package org.jnn.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jnn.api.AdamUpdate;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;
import org.jnn.core.optim.Optimizer;

/**
 * Applies an {@link Optimizer} to a network's layers, step by step, keeping the optimizer's state
 * (velocities, moments) per parameter tensor in backend matrices, and the gradient buffers it needs.
 *
 * <p>Plain SGD needs neither: its step is fused into the gradient product ({@code W += -η/n · xᵀδ}),
 * as the reference experiment has always done it, so its results stay bit for bit what they were.
 */
final class ParameterUpdater {

    private final LinearAlgebra la;
    private final DenseLayer[] layers;
    private final Optimizer optimizer;
    private final boolean fused;
    /** Per layer: the weight and bias gradient, and the state tensors of each (1 or 2 per parameter). */
    private final Matrix[] weightGradients;
    private final Matrix[] biasGradients;
    private final Matrix[][] weightState;
    private final Matrix[][] biasState;
    /** Steps taken so far, Adam's t after the step. */
    private long steps;

    ParameterUpdater(LinearAlgebra la, DenseLayer[] layers, Optimizer optimizer) {
        this.la = la;
        this.layers = layers;
        this.optimizer = optimizer;
        this.fused = optimizer instanceof Optimizer.Sgd sgd && sgd.isPlain();
        int n = layers.length;
        this.weightGradients = new Matrix[n];
        this.biasGradients = new Matrix[n];
        this.weightState = new Matrix[n][];
        this.biasState = new Matrix[n][];
        if (!fused) {
            int tensors = stateNames().size();
            for (int l = 0; l < n; l++) {
                DenseLayer layer = layers[l];
                weightGradients[l] = la.zeros(layer.inputs, layer.outputs);
                biasGradients[l] = la.zeros(1, layer.outputs);
                weightState[l] = new Matrix[tensors];
                biasState[l] = new Matrix[tensors];
                for (int k = 0; k < tensors; k++) {
                    weightState[l][k] = la.zeros(layer.inputs, layer.outputs);
                    biasState[l][k] = la.zeros(1, layer.outputs);
                }
            }
        }
    }

    /** Names of the state tensors per parameter, as PyTorch's optimizers name them. */
    List<String> stateNames() {
        if (optimizer instanceof Optimizer.Sgd sgd) {
            return sgd.momentum() > 0 ? List.of("momentum_buffer") : List.of();
        }
        if (optimizer instanceof Optimizer.RmsProp) {
            return List.of("square_avg");
        }
        return List.of("exp_avg", "exp_avg_sq");
    }

    /** Counts a step; called once per batch, before the layers' {@link #update}s. */
    void beginStep() {
        steps++;
    }

    /** Steps taken so far. */
    long steps() {
        return steps;
    }

    /**
     * Updates layer {@code l} from the batch's {@code dL/dz} ({@code delta}, summed over the batch's
     * {@code rows}) and the layer's input, at learning rate {@code rate}.
     */
    void update(int l, double rate, Matrix input, Matrix delta) {
        DenseLayer layer = layers[l];
        int rows = delta.rows();
        if (fused) {
            layer.accumulate(la, -rate / rows, delta, input, 1.0, layer.weightsTransposed, layer.biases);
            return;
        }
        layer.accumulate(la, 1.0 / rows, delta, input, 0.0, weightGradients[l], biasGradients[l]);
        apply(l, rate, weightGradients[l], biasGradients[l]);
    }

    /**
     * Updates layer {@code l} from the gradient of the batch's mean loss, {@code weightGradient} (the
     * layout of {@code Wᵀ}) and {@code biasGradient}, at learning rate {@code rate}; the gradients may be
     * overwritten. Data-parallel training calls it with the shards' summed gradients; plain SGD then
     * takes the backend's SGD step instead of its fused product.
     */
    void apply(int l, double rate, Matrix weightGradient, Matrix biasGradient) {
        DenseLayer layer = layers[l];
        double decay = optimizer.weightDecay();
        if (optimizer instanceof Optimizer.Sgd s) {
            Matrix wv = s.momentum() > 0 ? weightState[l][0] : null;
            Matrix bv = s.momentum() > 0 ? biasState[l][0] : null;
            la.sgdStep(new SgdUpdate(rate, s.momentum(), s.nesterov(), decay), weightGradient, wv, layer.weightsTransposed);
            la.sgdStep(new SgdUpdate(rate, s.momentum(), s.nesterov(), 0), biasGradient, bv, layer.biases);
        } else if (optimizer instanceof Optimizer.RmsProp r) {
            la.rmsPropStep(new RmsPropUpdate(rate, r.alpha(), r.epsilon(), decay), weightGradient, weightState[l][0],
                    layer.weightsTransposed);
            la.rmsPropStep(new RmsPropUpdate(rate, r.alpha(), r.epsilon(), 0), biasGradient, biasState[l][0], layer.biases);
        } else {
            Optimizer.Adam a = (Optimizer.Adam) optimizer;
            la.adamStep(new AdamUpdate(rate, a.beta1(), a.beta2(), a.epsilon(), decay, a.decoupledWeightDecay(), steps),
                    weightGradient, weightState[l][0], weightState[l][1], layer.weightsTransposed);
            la.adamStep(new AdamUpdate(rate, a.beta1(), a.beta2(), a.epsilon(), 0, a.decoupledWeightDecay(), steps),
                    biasGradient, biasState[l][0], biasState[l][1], layer.biases);
        }
    }

    /**
     * The state as named tensors for a checkpoint, weights in the layout of {@link Parameters}
     * ({@code outputs × inputs}): {@code "<l>.weight.<name>"} and {@code "<l>.bias.<name>"}.
     */
    Map<String, double[]> state() {
        Map<String, double[]> tensors = new LinkedHashMap<>();
        List<String> names = stateNames();
        for (int l = 0; l < layers.length && !fused; l++) {
            for (int k = 0; k < names.size(); k++) {
                tensors.put(l + ".weight." + names.get(k),
                        DenseLayer.transpose(la.toRowMajor(weightState[l][k]), layers[l].inputs, layers[l].outputs));
                tensors.put(l + ".bias." + names.get(k), la.toRowMajor(biasState[l][k]));
            }
        }
        return tensors;
    }

    /** Restores {@link #state()} and the step count from a checkpoint. */
    void restore(Map<String, double[]> tensors, long stepsTaken) {
        List<String> names = stateNames();
        List<String> missing = new ArrayList<>();
        for (int l = 0; l < layers.length && !fused; l++) {
            for (int k = 0; k < names.size(); k++) {
                double[] w = tensors.get(l + ".weight." + names.get(k));
                double[] b = tensors.get(l + ".bias." + names.get(k));
                if (w == null || b == null) {
                    missing.add(l + ".*." + names.get(k));
                    continue;
                }
                la.setRowMajor(weightState[l][k], DenseLayer.transpose(w, layers[l].outputs, layers[l].inputs));
                la.setRowMajor(biasState[l][k], b);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the checkpoint lacks the optimizer state " + missing + " of " + optimizer.id());
        }
        this.steps = stepsTaken;
    }
}
