#!/usr/bin/python3
"""The reference experiment in PyTorch: how fast PyTorch trains jnn's 784-200-200-10 network.

The network as PyTorch users write it: nn.Sequential of Linear and ReLU layers (784-200-200-10),
He-normal weights (kaiming_normal_, fan-in, ReLU gain), zero biases, nn.CrossEntropyLoss (softmax
and cross-entropy, the batch's mean) and torch.optim.SGD without momentum; MNIST pixels scaled to
[0, 1]. Batch size, learning rate, precision, threads and the amount of training are options, named
as `./nn bench` names them.

Measured: training samples per second, counting only the training loop (forward pass, loss,
backward pass and optimizer step of every batch), not loading, warm-up or evaluation; then the
test accuracy. By default one pass over the first 20,000 training images after a 5,000-sample
warm-up, on one thread (torch.set_num_threads).

Needs PyTorch and NumPy; on Debian 12: `apt-get install python3-torch python3-numpy
libopenblas0-pthread` (PyTorch 1.13), run with /usr/bin/python3. Reads the MNIST IDX files from
jnn's data folder (~/.cache/jnn/datasets/mnist).

Examples:
  compare/pytorch_mlp.py --batch 64 --epochs 1             one epoch at batch 64, lr 0.1: ~96-97 %
  compare/pytorch_mlp.py --batch 64 --dtype f32 --threads 2
"""

import reference_experiment as experiment


def he_normal_linear(torch, inputs, outputs, dtype):
    """A fully connected layer with He-normal weights (kaiming_normal_, fan-in, ReLU gain) and zero biases."""
    linear = torch.nn.Linear(inputs, outputs, dtype=dtype)
    torch.nn.init.kaiming_normal_(linear.weight, mode="fan_in", nonlinearity="relu")
    torch.nn.init.zeros_(linear.bias)
    return linear


def build(torch, layer_sizes, dtype):
    """Linear, ReLU, Linear, ReLU, Linear with He-normal weights and zero biases."""
    layers = []
    for inputs, outputs in zip(layer_sizes, layer_sizes[1:]):
        layers += [he_normal_linear(torch, inputs, outputs, dtype), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])  # no ReLU after the output layer: the loss takes logits


def load_torch(args):
    """Imports NumPy and PyTorch (or says how to install them) and gives PyTorch --threads threads."""
    np = experiment.require("numpy", "python3-numpy")
    torch = experiment.require("torch", "python3-torch")
    torch.set_num_threads(args.threads)
    experiment.warn_about_reference_blas()
    return np, torch


def run(args):
    np, torch = load_torch(args)
    dtype = getattr(torch, args.dtype)
    train_x, train_y, test_x, test_y = (torch.from_numpy(a) for a in experiment.load_dataset(args, np))
    loss_function = torch.nn.CrossEntropyLoss()

    def network():
        torch.manual_seed(args.seed)  # the warm-up network and the timed one start from the same weights
        return build(torch, experiment.LAYERS, dtype)

    def train(net, samples, epochs):
        optimizer = torch.optim.SGD(net.parameters(), lr=args.lr)
        shuffling = torch.Generator().manual_seed(args.seed + 1)

        def step(batch):
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(net(train_x[batch]), train_y[batch])
            loss.backward()
            optimizer.step()
            return loss.item() * len(batch)

        return experiment.train_timed(step, lambda: torch.randperm(samples, generator=shuffling),
                                      samples, args.batch, epochs)

    net, samples, seconds, train_loss = experiment.warm_up_then_time(args, network, train, len(train_y))
    with torch.no_grad():
        logits = net(test_x)
        accuracy = (logits.argmax(dim=1) == test_y).double().mean().item()
        test_loss = loss_function(logits, test_y).item()
    return experiment.report(args, "PyTorch", torch.__version__, samples, seconds, train_loss,
                             accuracy, test_loss)


if __name__ == "__main__":
    experiment.main(run, description=__doc__)
