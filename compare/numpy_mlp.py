#!/usr/bin/python3
"""The reference experiment in NumPy: how fast NumPy trains jnn's 784-200-200-10 network.

A NumPy implementation of the reference experiment: 784-200-200-10, He-normal initial weights,
zero biases, ReLU hidden layers, softmax output with cross-entropy loss (the batch's mean), plain
SGD; MNIST pixels scaled to [0, 1]. Batch size, learning rate, precision and the amount of training
are options, named as `./nn bench` names them.

Measured: training samples per second, counting only the training loop (forward pass, loss,
backward pass and update of every batch), not loading, warm-up or evaluation; then the test
accuracy. By default one pass over the first 20,000 training images after a 5,000-sample warm-up,
with BLAS limited to one thread.

Needs NumPy (any version); on Debian 12: `apt-get install python3-numpy libopenblas0-pthread`, run
with /usr/bin/python3. Reads the MNIST IDX files from jnn's data folder (~/.cache/jnn/datasets/mnist).

Examples:
  compare/numpy_mlp.py --epochs 3                  the reference experiment (batch 1, lr 0.01): ~97.5 %
  compare/numpy_mlp.py --batch 64 --dtype float32  20,000 samples at batch 64, lr 0.1, in float32
"""

import reference_experiment as experiment


class Perceptron:
    """A multilayer perceptron whose weight matrices are (inputs x outputs), so that a batch, one
    sample per row, is multiplied from the left: activations = inputs @ weights + biases."""

    def __init__(self, np, layer_sizes, rng, dtype):
        self.np = np
        self.weights = []
        self.biases = []
        for inputs, outputs in zip(layer_sizes, layer_sizes[1:]):
            # He-normal: standard deviation sqrt(2 / fan-in), which keeps ReLU activations at scale.
            std = np.sqrt(2.0 / inputs)
            self.weights.append((rng.standard_normal((inputs, outputs)) * std).astype(dtype))
            self.biases.append(np.zeros(outputs, dtype=dtype))

    def logits(self, x):
        """The output layer's values before softmax, one row per sample."""
        np = self.np
        for weights, biases in zip(self.weights[:-1], self.biases[:-1]):
            x = np.maximum(x @ weights + biases, 0)
        return x @ self.weights[-1] + self.biases[-1]

    def log_probabilities(self, logits):
        """log softmax by log-sum-exp, shifted by each row's maximum so that exp cannot overflow."""
        shifted = logits - logits.max(axis=1, keepdims=True)
        return shifted - self.np.log(self.np.exp(shifted).sum(axis=1, keepdims=True))

    def train_step(self, x, labels, learning_rate):
        """One SGD step on the batch's mean cross-entropy; returns the batch's summed loss."""
        np = self.np
        activations = [x]
        for weights, biases in zip(self.weights[:-1], self.biases[:-1]):
            activations.append(np.maximum(activations[-1] @ weights + biases, 0))
        log_p = self.log_probabilities(activations[-1] @ self.weights[-1] + self.biases[-1])
        rows = np.arange(len(labels))
        loss = -float(log_p[rows, labels].sum())

        # d(mean loss)/d(logits) = (softmax - one-hot) / batch size
        gradient = np.exp(log_p)
        gradient[rows, labels] -= 1
        gradient /= len(labels)
        for layer in range(len(self.weights) - 1, -1, -1):
            inputs = activations[layer]
            # The step scaled while the gradient is small (batch x outputs), not the weight-sized product.
            step = learning_rate * gradient
            if len(inputs) == 1:
                # A single sample's weight gradient is an outer product; OpenBLAS's matrix product with
                # an inner dimension of 1 takes about twice as long as np.outer.
                weight_step = np.outer(inputs[0], step[0])
            else:
                weight_step = inputs.T @ step
            if layer > 0:
                # through the old weights, before they are updated; ReLU passes where its output was > 0
                gradient = (gradient @ self.weights[layer].T) * (inputs > 0)
            self.weights[layer] -= weight_step
            self.biases[layer] -= step.sum(axis=0)
        return loss

    def evaluate(self, x, labels):
        """Accuracy and mean cross-entropy on (x, labels)."""
        log_p = self.log_probabilities(self.logits(x))
        accuracy = float((log_p.argmax(axis=1) == labels).mean())
        loss = -float(log_p[self.np.arange(len(labels)), labels].mean())
        return accuracy, loss


def run(args):
    np = experiment.require("numpy", "python3-numpy")
    experiment.warn_about_reference_blas()
    train_x, train_y, test_x, test_y = experiment.load_dataset(args, np)
    lr = args.lr

    def network():
        # A generator of its own, so that the warm-up network and the timed one start from the same weights.
        return Perceptron(np, experiment.LAYERS, np.random.default_rng(args.seed), args.dtype)

    def train(net, samples, epochs):
        shuffling = np.random.default_rng(args.seed + 1)
        return experiment.train_timed(lambda batch: net.train_step(train_x[batch], train_y[batch], lr),
                                      lambda: shuffling.permutation(samples), samples, args.batch, epochs)

    net, samples, seconds, train_loss = experiment.warm_up_then_time(args, network, train, len(train_y))
    accuracy, test_loss = net.evaluate(test_x, test_y)
    return experiment.report(args, "NumPy", np.__version__, samples, seconds, train_loss, accuracy, test_loss)


if __name__ == "__main__":
    experiment.main(run, description=__doc__)
