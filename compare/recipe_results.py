#!/usr/bin/env python3
"""The training recipe on every jnn backend beside the same recipe in PyTorch: README's results table.

The recipe (compare/RECIPE.md says how it was chosen, by validation loss alone): a 784-512-512-10 MLP,
ReLU, dropout 0.3 after each hidden layer, AdamW (learning rate 1e-3, decoupled weight decay 0.3 on
the weights only), batch 128, a cosine schedule to 0 over the planned epochs (20 for MNIST, 30 for
Fashion-MNIST), 10% of the training set held out for validation, early stopping on the validation loss
with patience 10 keeping the best epoch's weights; the test set is evaluated once, at the end.

For each data set it runs `./nn train` with the recipe on each backend and compare/pytorch_recipe.py,
and prints one Markdown table: test accuracy, best epoch / epochs run, and training time (training and
per-epoch validation, not loading or the final test). Progress goes to stderr.

Examples:
  compare/recipe_results.py                                  both data sets, every backend, PyTorch
  compare/recipe_results.py --datasets mnist --backends nd4j --without-pytorch
  compare/recipe_results.py --print-commands                 the commands only, to run by hand
"""

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
EPOCHS = {"mnist": 20, "fashion": 30}
NAMES = {"mnist": "MNIST", "fashion": "Fashion-MNIST"}


def nn_train_command(nn, dataset, backend, seed):
    """The recipe as one ./nn train command."""
    return shlex.split(nn) + [
        "train", "--dataset", dataset, "--backend", backend,
        "--layers", "784,512,512,10", "--activation", "relu", "--dropout", "0.3",
        "--optimizer", "adamw", "--lr", "0.001", "--weight-decay", "0.3",
        "--batch", "128", "--schedule", "cosine", "--epochs", str(EPOCHS[dataset]),
        "--validation", "0.1", "--patience", "10", "--seed", str(seed), "--json"]


def pytorch_command(python, dataset, seed, threads):
    return [python, str(HERE / "pytorch_recipe.py"), "--preset", dataset, "--dataset", dataset,
            "--seed", str(seed), "--threads", str(threads), "--json"]


def run_json(command):
    print("$ " + " ".join(shlex.quote(c) for c in command), file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=REPOSITORY, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"recipe_results.py: {command[0]} exited with {done.returncode}")
    return json.loads(done.stdout)


def jnn_row(summary):
    """(accuracy, best epoch, epochs run, seconds) from ./nn train --json."""
    run = summary.get("epochs_trained") or len(summary.get("history", []))
    return summary["test_accuracy"], summary.get("best_epoch") or run, run, summary["train_seconds"]


def pytorch_row(summary):
    return (summary["test_accuracy"], summary["best_epoch"], summary["epochs_run"], summary["train_seconds"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--datasets", default="mnist,fashion", help="comma list of mnist, fashion")
    parser.add_argument("--backends", default="nd4j,ejml,commons-math", help="comma list of jnn backends")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--nn", default=str(REPOSITORY / "nn"), help="how to run jnn's command line")
    parser.add_argument("--python", default="/usr/bin/python3", help="a Python with PyTorch (Debian's python3-torch)")
    parser.add_argument("--pytorch-threads", type=int, default=2)
    parser.add_argument("--without-pytorch", action="store_true")
    parser.add_argument("--print-commands", action="store_true", help="print the commands and stop")
    args = parser.parse_args()
    datasets = [d for d in args.datasets.split(",") if d]
    backends = [b for b in args.backends.split(",") if b]
    for d in datasets:
        if d not in EPOCHS:
            parser.error(f"--datasets: unknown data set '{d}'; use mnist and/or fashion")

    rows = []
    for dataset in datasets:
        jobs = [(f"jnn `{b}`", nn_train_command(args.nn, dataset, b, args.seed), jnn_row) for b in backends]
        if not args.without_pytorch:
            jobs.append((f"PyTorch 1.13, {args.pytorch_threads} threads",
                         pytorch_command(args.python, dataset, args.seed, args.pytorch_threads), pytorch_row))
        for system, command, row in jobs:
            if args.print_commands:
                print(" ".join(shlex.quote(c) for c in command))
                continue
            accuracy, best, run, seconds = row(run_json(command))
            rows.append((NAMES[dataset], system, accuracy, best, run, seconds))
    if args.print_commands:
        return
    print("| data set | system | test accuracy | best epoch / epochs run | training time |")
    print("|---|---|---:|---:|---:|")
    for dataset, system, accuracy, best, run, seconds in rows:
        print(f"| {dataset} | {system} | {100 * accuracy:.2f} % | {best} / {run} | {seconds:,.0f} s |")


if __name__ == "__main__":
    main()
