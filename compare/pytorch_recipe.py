#!/usr/bin/python3
"""A tuned plain MLP in PyTorch: the recipe jnn's trainer runs, for its accuracy and training time.

A multilayer perceptron of fully connected layers only (no convolutions, no augmentation, no
ensembles), trained with the settings jnn's trainer offers, and nothing else:
  - hidden layers of any sizes, each followed by one activation (relu, leaky_relu with slope 0.01,
    tanh, sigmoid, or gelu in its tanh approximation) and by inverted dropout (nn.Dropout);
    a linear output layer with softmax cross-entropy (nn.CrossEntropyLoss, the batch's mean);
  - He-normal initial weights (kaiming_normal_, fan-in, ReLU gain) for every layer, zero biases;
  - an optimizer with PyTorch's formulas: sgd (optional momentum, --nesterov), adam, adamw or rmsprop;
    weight decay (L2 for sgd/adam/rmsprop, decoupled for adamw) on the weights only, never the biases;
  - a learning-rate schedule: constant, step, exponential, cosine (to --min-lr over the planned
    epochs, optional linear warm-up) or plateau (ReduceLROnPlateau on the validation loss);
  - pixels scaled to [0, 1] (x / 255), no normalisation, as jnn's data loader gives them.
Epochs are chosen by validation alone: a seeded --validation share of the training set is held out,
training stops when the validation loss has not improved by more than --min-delta for --patience
epochs (or after --epochs), and the weights of the best epoch are restored. The test set is used
once, at the end, for the reported accuracy; it takes no part in any decision.

Output: one sentence, or with --json one JSON object: settings, test_accuracy, test_loss, best_epoch,
best_validation_loss, best_validation_accuracy, epochs_run, train_seconds, threads, and history, a list
with per epoch: epoch, lr (of its last batch), train_loss and train_accuracy (over the epoch's batches,
dropout on), validation_loss, validation_accuracy, seconds. Progress goes to stderr.

Timed: the training loop with its per-epoch validation pass (wall time), not loading the data or
the final test evaluation. Threads: --threads (torch.set_num_threads and the BLAS variables),
2 by default because the reference machine has 2 cores.

The recipe (the defaults; every option overrides its setting): 784-512-512-10, relu, dropout 0.3
after each hidden layer, adamw (lr 1e-3, betas 0.9 and 0.999, eps 1e-8, weight decay 0.3 on the weights),
batch 128, cosine to 0 per step over the planned epochs without warm-up, validation 0.1, patience 10,
min-delta 0. Presets (--preset, chosen by --dataset when not given) differ only in the planned epochs:
  mnist    20 epochs: 98.57-98.67 % test accuracy (seeds 42, 1, 2), 158 s at load average 4 on 2 cores
  fashion  30 epochs: 90.01-90.25 %, 229 s (compare/RECIPE.md has every run)

Needs PyTorch 1.12 or later and NumPy; on Debian 12: `apt-get install python3-torch python3-numpy
libopenblas0-pthread`, run with /usr/bin/python3. Reads the IDX files from jnn's data folder
(~/.cache/jnn/datasets/mnist or .../fashion).

Examples:
  compare/pytorch_recipe.py                              the MNIST recipe
  compare/pytorch_recipe.py --dataset fashion --json     the Fashion-MNIST recipe, the result as JSON
  compare/pytorch_recipe.py --optimizer sgd --lr 0.05 --momentum 0.9 --nesterov --schedule step
"""

import argparse
import copy
import math
import os
import platform
import time

import pytorch_mlp
import reference_experiment as experiment

ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid", "gelu")
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
SCHEDULES = ("constant", "step", "exponential", "cosine", "plateau")

# The recipe: chosen, among the variants tried, by the lowest validation loss (see compare/RECIPE.md).
RECIPE = dict(hidden=[512, 512], activation="relu", dropout=[0.3], optimizer="adamw", lr=1e-3, weight_decay=0.3,
              batch=128, schedule="cosine", schedule_unit="step", min_lr=0.0, warmup_steps=0, patience=10,
              min_delta=0.0)
# Each data set's preset: the recipe with the number of epochs its validation loss asked for.
# An option given on the command line wins over its preset.
PRESETS = {"mnist": {**RECIPE, "epochs": 20}, "fashion": {**RECIPE, "epochs": 30}}
# Settings no preset changes.
COMMON = dict(momentum=0.0, nesterov=False, beta1=0.9, beta2=0.999, eps=1e-8, alpha=0.99, step_size=10,
              gamma=0.1, plateau_factor=0.1, plateau_patience=3, validation=0.1)

# Options that only mean something for some optimizers or schedules: giving one with another is a mistake.
ONLY_FOR = {"momentum": ("optimizer", ("sgd", "rmsprop")), "nesterov": ("optimizer", ("sgd",)),
            "beta1": ("optimizer", ("adam", "adamw")), "beta2": ("optimizer", ("adam", "adamw")),
            "eps": ("optimizer", ("adam", "adamw", "rmsprop")), "alpha": ("optimizer", ("rmsprop",)),
            "schedule_unit": ("schedule", ("step", "exponential", "cosine")), "step_size": ("schedule", ("step",)),
            "gamma": ("schedule", ("step", "exponential")), "warmup_steps": ("schedule", ("cosine",)),
            "min_lr": ("schedule", ("cosine", "plateau")), "plateau_factor": ("schedule", ("plateau",)),
            "plateau_patience": ("schedule", ("plateau",))}


def sizes(text):
    """A comma-separated list of positive integers, e.g. `1024,512`."""
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, got {text!r}")
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"every layer needs at least 1 unit, got {text!r}")
    return values


def rates(text):
    """A comma-separated list of dropout rates in [0, 1)."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}")
    if not all(0 <= v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"a dropout rate must be at least 0 and below 1, got {text!r}")
    return values


def options():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=sorted(PRESETS),
                        help="the recipe whose settings are the defaults (default: the one named by --dataset)")
    network = parser.add_argument_group("network")
    network.add_argument("--hidden", type=sizes, metavar="N,N,...", help="hidden layer sizes")
    network.add_argument("--activation", choices=ACTIVATIONS, help="activation of every hidden layer")
    network.add_argument("--dropout", type=rates, metavar="P[,P...]",
                         help="dropout rate after the hidden layers: one for all, or one per hidden layer")
    training = parser.add_argument_group("optimizer and schedule")
    training.add_argument("--optimizer", choices=OPTIMIZERS)
    training.add_argument("--lr", type=float, metavar="RATE", help="(peak) learning rate")
    training.add_argument("--batch", type=int, metavar="N", help="batch size")
    training.add_argument("--weight-decay", type=float, metavar="W",
                          help="weight decay of the weights (never the biases): L2 added to the gradient for "
                               "sgd, adam and rmsprop, decoupled (lr * W * weight) for adamw")
    training.add_argument("--momentum", type=float, metavar="M", help="momentum of sgd and rmsprop (default: 0)")
    training.add_argument("--nesterov", action="store_true", default=None, help="Nesterov momentum for sgd")
    training.add_argument("--beta1", type=float, metavar="B", help="adam(w)'s first-moment decay (default: 0.9)")
    training.add_argument("--beta2", type=float, metavar="B", help="adam(w)'s second-moment decay (default: 0.999)")
    training.add_argument("--eps", type=float, metavar="E", help="adam(w)'s and rmsprop's epsilon (default: 1e-8)")
    training.add_argument("--alpha", type=float, metavar="A", help="rmsprop's smoothing constant (default: 0.99)")
    training.add_argument("--schedule", choices=SCHEDULES, help="learning-rate schedule")
    training.add_argument("--schedule-unit", choices=("step", "epoch"),
                          help="whether step, exponential and cosine schedules advance per batch or per epoch")
    training.add_argument("--step-size", type=int, metavar="N",
                          help="step schedule: multiply the rate by --gamma every N units (default: 10)")
    training.add_argument("--gamma", type=float, metavar="G",
                          help="step schedule's factor, or exponential's factor per unit (default: 0.1)")
    training.add_argument("--min-lr", type=float, metavar="RATE",
                          help="cosine: the rate at the end of --epochs; plateau: the lowest rate")
    training.add_argument("--warmup-steps", type=int, metavar="N",
                          help="cosine: batches over which the rate rises linearly to --lr first")
    training.add_argument("--plateau-factor", type=float, metavar="F",
                          help="plateau: factor of the rate when the validation loss stalls (default: 0.1)")
    training.add_argument("--plateau-patience", type=int, metavar="N",
                          help="plateau: epochs without improvement before the rate drops (default: 3)")
    stopping = parser.add_argument_group("validation and early stopping")
    stopping.add_argument("--epochs", type=int, metavar="N", help="the most epochs to train (and cosine's length)")
    stopping.add_argument("--validation", type=float, metavar="SHARE",
                          help="share of the training set held out, drawn with --seed (default: 0.1)")
    stopping.add_argument("--patience", type=int, metavar="N",
                          help="stop after N epochs without a validation-loss improvement")
    stopping.add_argument("--min-delta", type=float, metavar="D",
                          help="an improvement must lower the validation loss by more than D")
    experiment.add_run_options(parser, threads=2)
    return parser


def parse(argv=None):
    """Parses the arguments, fills unset settings from the preset and checks them; caps the BLAS threads."""
    parser = options()
    args = parser.parse_args(argv)
    preset = args.preset or args.dataset
    given = [name for name in ONLY_FOR if getattr(args, name) is not None]
    for name, value in {**COMMON, **PRESETS[preset]}.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.preset = preset
    for name in given:
        setting, allowed = ONLY_FOR[name]
        if getattr(args, setting) not in allowed:
            parser.error(f"--{name.replace('_', '-')} applies to --{setting} {' or '.join(allowed)} only, "
                         f"not {getattr(args, setting)}")
    if len(args.dropout) == 1:
        args.dropout = args.dropout * len(args.hidden)
    elif len(args.dropout) != len(args.hidden):
        parser.error(f"--dropout gives {len(args.dropout)} rates for {len(args.hidden)} hidden layers: "
                     f"give one rate, or one per hidden layer")
    checks = [("batch", 1, None), ("epochs", 1, None), ("patience", 1, None), ("threads", 1, None),
              ("step_size", 1, None), ("plateau_patience", 0, None), ("warmup_steps", 0, None)]
    for name, least, _ in checks:
        if getattr(args, name) < least:
            parser.error(f"--{name.replace('_', '-')} must be at least {least}, got {getattr(args, name)}")
    positive = ("lr", "eps", "gamma", "plateau_factor")
    within = {"momentum": (0, 1), "beta1": (0, 1), "beta2": (0, 1), "alpha": (0, 1), "validation": (0, 1)}
    for name in positive:
        if not 0 < getattr(args, name) < math.inf:
            parser.error(f"--{name.replace('_', '-')} must be a number greater than 0, got {getattr(args, name)}")
    for name, (low, high) in within.items():
        if not low <= getattr(args, name) < high or (name == "validation" and args.validation == 0):
            parser.error(f"--{name} must be in [{low}, {high}){' and above 0' if name == 'validation' else ''}, "
                         f"got {getattr(args, name)}")
    for name in ("weight_decay", "min_lr", "min_delta"):
        if not 0 <= getattr(args, name) < math.inf:
            parser.error(f"--{name.replace('_', '-')} must be a number of at least 0, got {getattr(args, name)}")
    if args.nesterov and args.momentum == 0:
        parser.error("--nesterov needs a --momentum above 0")
    if args.warmup_steps and args.schedule_unit != "step":
        parser.error("--warmup-steps counts batches: it needs --schedule-unit step")
    if args.min_lr > args.lr:
        parser.error(f"--min-lr ({args.min_lr}) must not exceed --lr ({args.lr})")
    args.dtype = experiment.PRECISIONS[args.dtype]
    args.samples = None  # the whole training set (experiment.load_dataset reads it)
    experiment.limit_blas_threads(args.threads)
    # OpenMP threads that spin while waiting make PyTorch 10-30 times slower when other processes
    # share the cores (measured with 2 threads on the busy 2-core machine); waiting passively costs little.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return args


def split_validation(np, count, share, seed):
    """The indices of the training and of the validation samples: a permutation drawn from `seed`,
    the first round(share * count) of it held out for validation."""
    order = np.random.default_rng(seed).permutation(count)
    held_out = int(round(share * count))
    return np.sort(order[held_out:]), np.sort(order[:held_out])


def build(torch, layer_sizes, activation, dropout, dtype):
    """Linear layers, each hidden one followed by its activation and dropout; He-normal weights, zero biases."""
    make = {"relu": torch.nn.ReLU, "leaky_relu": lambda: torch.nn.LeakyReLU(0.01), "tanh": torch.nn.Tanh,
            "sigmoid": torch.nn.Sigmoid, "gelu": lambda: torch.nn.GELU(approximate="tanh")}[activation]
    layers = []
    for index, (inputs, outputs) in enumerate(zip(layer_sizes, layer_sizes[1:])):
        layers.append(pytorch_mlp.he_normal_linear(torch, inputs, outputs, dtype))
        if index < len(dropout):  # a hidden layer (the output layer's logits go to the loss as they are)
            layers.append(make())
            if dropout[index] > 0:
                layers.append(torch.nn.Dropout(dropout[index]))
    return torch.nn.Sequential(*layers)


def parameter_groups(net, weight_decay):
    """Two groups: the weight matrices with `weight_decay`, the biases with none."""
    weights = [p for name, p in net.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in net.named_parameters() if name.endswith("bias")]
    return [{"params": weights, "weight_decay": weight_decay}, {"params": biases, "weight_decay": 0.0}]


def optimizer_for(torch, net, args):
    groups = parameter_groups(net, args.weight_decay)
    if args.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=args.lr, momentum=args.momentum, nesterov=args.nesterov)
    if args.optimizer == "adam":
        return torch.optim.Adam(groups, lr=args.lr, betas=(args.beta1, args.beta2), eps=args.eps)
    if args.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=args.lr, betas=(args.beta1, args.beta2), eps=args.eps)
    return torch.optim.RMSprop(groups, lr=args.lr, alpha=args.alpha, eps=args.eps, momentum=args.momentum)


class Schedule:
    """The learning rate of every batch, in closed form, for the schedules that depend only on time.

    Time t counts batches (--schedule-unit step) or finished epochs (epoch); T is --epochs in that unit.
      constant     lr
      step         lr * gamma ** floor(t / step_size)
      exponential  lr * gamma ** t
      cosine       min_lr + (lr - min_lr) * (1 + cos(pi * (t - W) / (T - W))) / 2, after a linear warm-up
                   over the first W batches (per step only; W = 0 per epoch): lr * (t + 1) / W at batch t
    plateau starts at lr and is lowered by torch.optim.lr_scheduler.ReduceLROnPlateau after each epoch.
    """

    def __init__(self, args, steps_per_epoch):
        self.args = args
        self.steps_per_epoch = steps_per_epoch

    def rate(self, step, epoch):
        """The rate of batch `step` (counted from 0 over the whole run), which lies in `epoch` (from 0)."""
        a = self.args
        t = step if a.schedule_unit == "step" else epoch
        if a.schedule == "step":
            return a.lr * a.gamma ** (t // a.step_size)
        if a.schedule == "exponential":
            return a.lr * a.gamma ** t
        if a.schedule == "cosine":
            if step < a.warmup_steps:
                return a.lr * (step + 1) / a.warmup_steps
            total = a.epochs * (self.steps_per_epoch if a.schedule_unit == "step" else 1)
            progress = min(1.0, (t - a.warmup_steps) / max(1, total - a.warmup_steps))
            return a.min_lr + (a.lr - a.min_lr) * (1 + math.cos(math.pi * progress)) / 2
        return a.lr  # constant, and plateau before its first drop


class EarlyStopping:
    """Keeps the weights of the epoch with the lowest validation loss; says when to stop.

    An epoch improves when its validation loss is below the best so far minus min_delta; training stops
    after `patience` epochs in a row without an improvement."""

    def __init__(self, patience, min_delta):
        self.patience = patience
        self.min_delta = min_delta
        self.best_loss = math.inf
        self.best_epoch = 0
        self.best_state = None
        self.waited = 0

    def should_stop(self, epoch, validation_loss, net):
        if validation_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.waited = validation_loss, epoch, 0
            self.best_state = copy.deepcopy(net.state_dict())
        else:
            self.waited += 1
        return self.waited >= self.patience

    def restore_best(self, net):
        net.load_state_dict(self.best_state)


def evaluate(torch, net, x, y, loss_function):
    """Mean loss and accuracy over (x, y) in evaluation mode (dropout off)."""
    net.eval()
    with torch.no_grad():
        logits = net(x)
        loss = loss_function(logits, y).item()
        accuracy = (logits.argmax(dim=1) == y).double().mean().item()
    net.train()
    return loss, accuracy


def train(torch, net, args, train_x, train_y, val_x, val_y):
    """Trains with validation after each epoch and early stopping; restores the best epoch's weights.

    Returns (stopper, history, seconds): seconds is the wall time of training and validation."""
    loss_function = torch.nn.CrossEntropyLoss()
    optimizer = optimizer_for(torch, net, args)
    steps_per_epoch = math.ceil(len(train_y) / args.batch)
    schedule = Schedule(args, steps_per_epoch)
    plateau = None
    if args.schedule == "plateau":
        plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode="min", factor=args.plateau_factor, patience=args.plateau_patience,
            threshold=args.min_delta, threshold_mode="abs", min_lr=args.min_lr)
    stopper = EarlyStopping(args.patience, args.min_delta)
    shuffling = torch.Generator().manual_seed(args.seed + 1)
    history = []
    seconds = 0.0
    step = 0
    net.train()
    for epoch in range(args.epochs):
        order = torch.randperm(len(train_y), generator=shuffling)
        start = time.perf_counter()
        summed_loss = 0.0
        correct = 0
        for first in range(0, len(train_y), args.batch):
            if plateau is None:
                for group in optimizer.param_groups:
                    group["lr"] = schedule.rate(step, epoch)
            batch = order[first:first + args.batch]
            optimizer.zero_grad(set_to_none=True)
            logits = net(train_x[batch])
            loss = loss_function(logits, train_y[batch])
            loss.backward()
            optimizer.step()
            summed_loss += loss.item() * len(batch)
            correct += (logits.argmax(dim=1) == train_y[batch]).sum().item()
            step += 1
        rate = optimizer.param_groups[0]["lr"]
        validation_loss, validation_accuracy = evaluate(torch, net, val_x, val_y, loss_function)
        if plateau is not None:
            plateau.step(validation_loss)
        stop = stopper.should_stop(epoch + 1, validation_loss, net)
        elapsed = time.perf_counter() - start
        seconds += elapsed
        history.append({"epoch": epoch + 1, "lr": rate, "train_loss": summed_loss / len(train_y),
                        "train_accuracy": correct / len(train_y), "validation_loss": validation_loss,
                        "validation_accuracy": validation_accuracy, "seconds": elapsed})
        experiment.progress(f"  epoch {epoch + 1}/{args.epochs}: {elapsed:.1f} s, lr {rate:.3g}, "
                            f"train loss {summed_loss / len(train_y):.4f}, validation loss {validation_loss:.4f}, "
                            f"accuracy {100 * validation_accuracy:.2f} %"
                            f"{' (best)' if stopper.best_epoch == epoch + 1 else ''}")
        if stop:
            break
    stopper.restore_best(net)
    return stopper, history, seconds


def settings(args):
    """The recipe as a dictionary: every setting that shapes the training."""
    names = ("preset", "dataset", "hidden", "activation", "dropout", "optimizer", "lr", "batch", "weight_decay",
             "momentum", "nesterov", "beta1", "beta2", "eps", "alpha", "schedule", "schedule_unit", "step_size",
             "gamma", "min_lr", "warmup_steps", "plateau_factor", "plateau_patience", "epochs", "validation",
             "patience", "min_delta", "seed", "dtype", "threads")
    return {name: getattr(args, name) for name in names}


def run(args):
    np, torch = pytorch_mlp.load_torch(args)
    dtype = getattr(torch, args.dtype)
    images, labels, test_x, test_y = experiment.load_dataset(args, np)
    kept, held_out = split_validation(np, len(labels), args.validation, args.seed)
    train_x, train_y, val_x, val_y, test_x, test_y = (
        torch.from_numpy(a) for a in (images[kept], labels[kept], images[held_out], labels[held_out], test_x, test_y))
    torch.manual_seed(args.seed)  # initial weights and dropout masks
    net = build(torch, (train_x.shape[1], *args.hidden, 10), args.activation, args.dropout, dtype)
    experiment.progress(f"{args.dataset}: {len(train_y):,} training and {len(val_y):,} validation samples; "
                        f"{' '.join(f'{k}={v}' for k, v in settings(args).items())}")
    stopper, history, seconds = train(torch, net, args, train_x, train_y, val_x, val_y)
    test_loss, test_accuracy = evaluate(torch, net, test_x, test_y, torch.nn.CrossEntropyLoss())
    result = {"system": "PyTorch", "version": torch.__version__, "settings": settings(args),
              "test_accuracy": test_accuracy, "test_loss": test_loss, "best_epoch": stopper.best_epoch,
              "best_validation_loss": stopper.best_loss,
              "best_validation_accuracy": history[stopper.best_epoch - 1]["validation_accuracy"],
              "epochs_run": len(history), "train_seconds": seconds, "threads": args.threads,
              "python": platform.python_version(), "blas": experiment.blas_library(),
              "history": history}
    return experiment.print_result(
        args, result, f"PyTorch {torch.__version__}, {args.dataset}, preset {args.preset}, {args.threads} thread(s): "
                      f"test accuracy {100 * test_accuracy:.2f} % (test loss {test_loss:.4f}) with the weights of "
                      f"epoch {stopper.best_epoch} of {len(history)} run; {seconds:.1f} s of training and validation")


if __name__ == "__main__":
    experiment.main(run, parse_arguments=parse)
