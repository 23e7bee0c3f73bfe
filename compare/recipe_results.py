#!/usr/bin/env python3
"""The training recipe on every jnn backend beside the same recipe in PyTorch: README's results table.

The recipe (compare/RECIPE.md says how it was chosen, by validation loss alone): a 784-512-512-10 MLP,
ReLU, dropout 0.3 after each hidden layer, AdamW (learning rate 1e-3, decoupled weight decay 0.3 on
the weights only), batch 128, a cosine schedule to 0 over the planned epochs (20 for MNIST, 30 for
Fashion-MNIST), 10% of the training set held out for validation, early stopping on the validation loss
with patience 10 keeping the best epoch's weights; the test set is evaluated once, at the end.

For each data set it runs `./nn train` with the recipe on each backend and compare/pytorch_recipe.py,
and prints one Markdown table: test accuracy, best epoch / epochs run, training time (training and
per-epoch validation, not loading or the final test) and the fastest epoch (on a shared machine the
best guess of an idle one's speed). Progress goes to stderr. --save DIR keeps each run's JSON result,
and --table-from DIR prints the table again from such files without training anything.

Examples:
  compare/recipe_results.py                                  both data sets, every backend, PyTorch
  compare/recipe_results.py --datasets mnist --backends nd4j --without-pytorch
  compare/recipe_results.py --print-commands                 the commands only, to run by hand
  compare/recipe_results.py --save runs/recipe               keep every run's JSON result
  compare/recipe_results.py --table-from runs/recipe         the table from saved results (./nn train --json or
                                                             pytorch_recipe.py --json output, one per file)
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
BACKENDS = ("nd4j", "ejml", "commons-math")


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


def fastest_epoch(summary):
    return min((epoch["seconds"] for epoch in summary.get("history", [])), default=float("nan"))


def jnn_row(summary):
    """(accuracy, best epoch, epochs run, seconds, fastest epoch's seconds) from ./nn train --json."""
    run = summary.get("epochs_trained") or len(summary.get("history", []))
    return (summary["test_accuracy"], summary.get("best_epoch") or run, run, summary["train_seconds"],
            fastest_epoch(summary))


def pytorch_row(summary):
    return (summary["test_accuracy"], summary["best_epoch"], summary["epochs_run"], summary["train_seconds"],
            fastest_epoch(summary))


def saved_row(summary):
    """(data set, system, row) of a result of either kind, just run or saved."""
    if "backend" in summary:
        return NAMES[summary["dataset"]], f"jnn `{summary['backend']}`", jnn_row(summary)
    if summary.get("system") == "PyTorch":
        version = ".".join(summary.get("version", "").split(".")[:2])
        return (NAMES[summary["settings"]["dataset"]], f"PyTorch {version}, {summary['threads']} threads",
                pytorch_row(summary))
    raise ValueError("neither ./nn train --json nor pytorch_recipe.py --json output")


def table(rows):
    """The Markdown table of (data set, system, (accuracy, best, run, seconds, fastest)) rows."""
    lines = ["| data set | system | test accuracy | best epoch / epochs run | training time | fastest epoch |",
             "|---|---|---:|---:|---:|---:|"]
    for dataset, system, (accuracy, best, run, seconds, fastest) in rows:
        lines.append(f"| {dataset} | {system} | {100 * accuracy:.2f} % | {best} / {run} | {seconds:,.0f} s "
                     f"| {fastest:.1f} s |")
    return "\n".join(lines)


def rows_from(folder):
    rows = []
    for file in sorted(Path(folder).glob("*.json")):
        try:
            rows.append(saved_row(json.loads(file.read_text())))
        except (ValueError, KeyError) as e:
            sys.exit(f"recipe_results.py: {file}: {e}")
    datasets = list(NAMES.values())
    systems = [f"jnn `{b}`" for b in BACKENDS]  # the default backend first, as --backends runs them
    return sorted(rows, key=lambda r: (datasets.index(r[0]), r[1].startswith("PyTorch"),
                                       systems.index(r[1]) if r[1] in systems else len(systems), r[1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--datasets", default="mnist,fashion", help="comma list of mnist, fashion")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma list of jnn backends")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--nn", default=str(REPOSITORY / "nn"), help="how to run jnn's command line")
    parser.add_argument("--python", default="/usr/bin/python3", help="a Python with PyTorch (Debian's python3-torch)")
    parser.add_argument("--pytorch-threads", type=int, default=2)
    parser.add_argument("--without-pytorch", action="store_true")
    parser.add_argument("--print-commands", action="store_true", help="print the commands and stop")
    parser.add_argument("--save", metavar="DIR", help="write each run's JSON result into DIR")
    parser.add_argument("--table-from", metavar="DIR", help="print the table from the JSON results in DIR; train nothing")
    args = parser.parse_args()
    if args.table_from:
        rows = rows_from(args.table_from)
        if not rows:
            sys.exit(f"recipe_results.py: no .json results in {args.table_from}")
        print(table(rows))
        return
    datasets = [d for d in args.datasets.split(",") if d]
    backends = [b for b in args.backends.split(",") if b]
    for d in datasets:
        if d not in EPOCHS:
            parser.error(f"--datasets: unknown data set '{d}'; use mnist and/or fashion")

    rows = []
    for dataset in datasets:
        # (file name of a saved result, command); each result names its data set and system itself
        jobs = [(b, nn_train_command(args.nn, dataset, b, args.seed)) for b in backends]
        if not args.without_pytorch:
            jobs.append(("pytorch", pytorch_command(args.python, dataset, args.seed, args.pytorch_threads)))
        for slug, command in jobs:
            if args.print_commands:
                print(" ".join(shlex.quote(c) for c in command))
                continue
            summary = run_json(command)
            if args.save:
                folder = Path(args.save)
                folder.mkdir(parents=True, exist_ok=True)
                name = f"{dataset}-{slug}.json"
                partial = folder / f".{name}.part"  # then renamed: never a half-written result
                partial.write_text(json.dumps(summary, indent=1))
                partial.replace(folder / name)
            rows.append(saved_row(summary))
    if args.print_commands:
        return
    print(table(rows))


if __name__ == "__main__":
    main()
