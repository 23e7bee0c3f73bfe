#!/usr/bin/env python3
"""jnn's training speed beside NumPy's and PyTorch's, in one table: README's Performance table.

Runs, on the same MNIST files and with the same settings:
  ./nn bench          every jnn backend, each batch size and precision (one JVM, warm-up first)
  numpy_mlp.py        a NumPy implementation of the reference experiment, with --reference-threads BLAS threads
  pytorch_mlp.py      the same network in PyTorch, with --reference-threads threads (torch.set_num_threads)
and prints one Markdown table of training samples per second: a row per system, a column per batch
size and precision, and in each jnn cell the ratio jnn / reference for every reference in that column.
The learning rate is 0.01 at batch 1 and 0.1 at larger batches for every system (as ./nn bench does)
unless --lr is given. Progress and each run's accuracy go to stderr.

The driver itself needs only Python 3.8+. The references need NumPy and PyTorch: on Debian 12,
`apt-get install python3-numpy python3-torch libopenblas0-pthread` (PyTorch 1.13), which install into
/usr/bin/python3; the driver runs the references with the first of /usr/bin/python3 and this Python
that can import what they need (or --python).

Examples:
  compare/side_by_side.py                                   20,000 samples per run, batch 1 and 64, f64 and f32
  compare/side_by_side.py --batches 64 --precisions f32 --reference-threads 2
  compare/side_by_side.py --without pytorch --json > numbers.json
"""

import argparse
import json
import platform
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from reference_experiment import DEFAULT_SAMPLES, DEFAULT_WARMUP, SEED, default_learning_rate

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
DTYPES = {"f64": "float64", "f32": "float32"}


class PythonReference:
    """A comparison script in this folder, run with a Python that can import `modules`."""

    def __init__(self, key, name, script, modules):
        self.key = key
        self.name = name
        self.script = HERE / script
        self.modules = modules  # {module: Debian package}

    def command(self, python, batch, precision, lr, settings):
        command = [python, str(self.script), "--json", "--batch", str(batch), "--dtype", DTYPES[precision],
                   "--lr", repr(lr), "--threads", str(settings.reference_threads),
                   "--warmup", str(settings.warmup), "--seed", str(settings.seed)]
        command += ["--epochs", str(settings.epochs)] if settings.epochs else ["--samples", str(settings.samples)]
        if settings.data_dir:
            command += ["--data-dir", str(settings.data_dir)]
        return command


REFERENCES = [
    PythonReference("numpy", "NumPy", "numpy_mlp.py", {"numpy": "python3-numpy"}),
    PythonReference("pytorch", "PyTorch", "pytorch_mlp.py", {"numpy": "python3-numpy", "torch": "python3-torch"}),
    # ---- Deeplearning4j: reserved place --------------------------------------------------------------
    # A third reference, Deeplearning4j 1.0.0-M2.1 on one OpenMP thread (the same network: Sgd, He-normal
    # weights, softmax with negative log-likelihood), goes here: an object with key, name, modules ({} if
    # it needs no Python) and command(python, batch, precision, lr, settings) returning the command that
    # trains and prints one JSON object with the keys reference_experiment.report writes (version,
    # samples_per_second, test_accuracy, ...). Its row and its ratios then appear with no other change.
    # It is not written yet.
]


def comma_list(convert=str, allowed=None):
    def parse(text):
        values = [convert(item.strip()) for item in text.split(",") if item.strip()]
        wrong = [v for v in values if allowed is not None and v not in allowed]
        if not values or wrong:
            raise argparse.ArgumentTypeError(f"expected a comma-separated list of {'/'.join(allowed or ['values'])}, "
                                             f"got {text!r}")
        return values
    return parse


def options():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, metavar="N",
                        help=f"each timed run is one pass over the first N training images (default: {DEFAULT_SAMPLES:,})")
    amount.add_argument("--epochs", type=int, metavar="N",
                        help="instead: N full passes over the 60,000 training images (for the accuracies)")
    parser.add_argument("--batches", type=comma_list(int), default=[1, 64], metavar="N,...",
                        help="batch sizes (default: 1,64)")
    parser.add_argument("--precisions", type=comma_list(str, DTYPES), default=["f64", "f32"], metavar="f64,f32",
                        help="precisions (default: f64,f32)")
    parser.add_argument("--backends", metavar="NAME,...", help="jnn backends (default: every usable one)")
    parser.add_argument("--lr", type=float, metavar="RATE",
                        help="learning rate for every run (default: 0.01 at batch 1, 0.1 at larger batches)")
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP, metavar="N",
                        help=f"untimed warm-up samples before each timed run (default: {DEFAULT_WARMUP:,})")
    parser.add_argument("--seed", type=int, default=SEED, metavar="N", help=f"seed (default: {SEED})")
    parser.add_argument("--reference-threads", type=int, default=1, metavar="N",
                        help="threads NumPy's BLAS and PyTorch may use (default: 1)")
    parser.add_argument("--without", type=comma_list(str, [r.key for r in REFERENCES]), default=[],
                        metavar="numpy,pytorch", help="leave these references out")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="where jnn keeps its data sets (default: jnn's, ~/.cache/jnn/datasets)")
    parser.add_argument("--python", metavar="PATH",
                        help="the Python that runs the references (default: the first of /usr/bin/python3 and "
                             "this one that can import NumPy and PyTorch)")
    parser.add_argument("--nn", default=str(REPOSITORY / "nn"), metavar="COMMAND",
                        help="the command that runs jnn's command line (default: the repository's ./nn)")
    parser.add_argument("--json", action="store_true",
                        help="print every run's result as one JSON document on stdout; the table goes to stderr")
    args = parser.parse_args()
    for name in ("samples", "epochs", "reference_threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    if args.warmup < 0:
        parser.error(f"--warmup must be 0 or more, got {args.warmup}")
    if any(batch < 1 for batch in args.batches):
        parser.error(f"--batches: every batch size must be at least 1, got {args.batches}")
    if args.lr is not None and not args.lr > 0:
        parser.error(f"--lr must be greater than 0, got {args.lr}")
    return args


def say(message):
    print(f"side_by_side: {message}", file=sys.stderr, flush=True)


def fail(message):
    say(message)
    sys.exit(1)


def choose_python(args, references):
    """The interpreter for the references: --python, or the first candidate that imports every module
    they need; or None after saying what is missing and how to install it."""
    modules = {}
    for reference in references:
        modules.update(reference.modules)
    if not modules:
        return sys.executable
    candidates = [args.python] if args.python else list(dict.fromkeys(
        p for p in ("/usr/bin/python3", sys.executable, shutil.which("python3")) if p and Path(p).exists()))
    problems = []
    missing_first = None
    for python in candidates:
        missing = [m for m in modules if subprocess.run([python, "-c", f"import {m}"], capture_output=True).returncode]
        if not missing:
            return python
        problems.append(f"{python} cannot import {', '.join(missing)}")
        missing_first = missing_first or missing
    packages = " ".join(sorted({modules[m] for m in missing_first}) + ["libopenblas0-pthread"])
    needing = [r.key for r in references if set(r.modules) & set(missing_first)]
    fail(f"no Python here can run the references: {'; '.join(problems)}.\n"
         f"  Install what they need (Debian 12, which has PyTorch 1.13): sudo apt-get install {packages}\n"
         f"  then run this again (those packages install into /usr/bin/python3), or leave out what cannot run "
         f"with --without {','.join(needing)}.")


def run_json(command):
    """Runs `command` with its stderr shown, and returns the JSON object at the end of its stdout."""
    say("running " + " ".join(shlex.quote(part) for part in command))
    try:
        finished = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=REPOSITORY)
    except OSError as e:
        fail(f"cannot run {command[0]}: {e}")
    if finished.returncode != 0:
        fail(f"{Path(command[0]).name} {' '.join(command[1:3])} ... exited with status {finished.returncode}; "
             f"its messages are above")
    result = last_json_object(finished.stdout)
    if result is None:
        fail(f"{' '.join(command[:3])} ... printed no JSON result; it printed:\n{finished.stdout}")
    return result


def last_json_object(text):
    """The JSON object that ends `text`: the whole text if it is one document, else its last line that is
    one (`./nn bench --json` ends its table with a JSON line)."""
    try:
        value = json.loads(text)
        return value if isinstance(value, dict) else None
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        if line.lstrip().startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


def bench_command(args):
    command = shlex.split(args.nn) + [
        "bench", "--json", "--batches", ",".join(map(str, args.batches)), "--precisions", ",".join(args.precisions),
        "--warmup", str(args.warmup), "--seed", str(args.seed)]
    command += ["--epochs", str(args.epochs)] if args.epochs else ["--samples", str(args.samples)]
    if args.backends:
        command += ["--backends", args.backends]
    if args.lr is not None:
        command += ["--lr", repr(args.lr)]
    if args.data_dir:
        command += ["--data-dir", str(args.data_dir)]
    return command


def thousands(value):
    return f"{value:,.0f}"


def table(columns, references, reference_rows, jnn_rows, threads):
    """The Markdown table: references first, then jnn's backends with their ratios to each reference."""
    thread_words = "1 thread" if threads == 1 else f"{threads} threads"
    header = ["system"] + [f"batch {batch}, {precision} (lr {lr:g})" for batch, precision, lr in columns]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * len(columns) + "|"]
    for reference in references:
        runs = reference_rows[reference.key]
        version = next(iter(runs.values()))["version"] if runs else ""
        cells = [thousands(runs[c[:2]]["samples_per_second"]) if c[:2] in runs else "—" for c in columns]
        lines.append(f"| {reference.name} {version}, {thread_words} | " + " | ".join(cells) + " |")
    for backend, runs in jnn_rows.items():
        cells = []
        for column in columns:
            run = runs.get(column[:2])
            if run is None:
                cells.append("—")
                continue
            ratios = [f"{run['samples_per_second'] / reference_rows[r.key][column[:2]]['samples_per_second']:.2f}× {r.name}"
                      for r in references if column[:2] in reference_rows[r.key]]
            cells.append(thousands(run["samples_per_second"]) + (f" ({', '.join(ratios)})" if ratios else ""))
        lines.append(f"| jnn `{backend}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    args = options()
    references = [r for r in REFERENCES if r.key not in args.without]
    python = choose_python(args, references)  # before the long jnn run, so a missing package shows at once

    # jnn first: ./nn downloads MNIST if it is missing, which the reference scripts then read.
    bench = run_json(bench_command(args))
    jnn_rows = {}
    for row in bench.get("results", []):
        jnn_rows.setdefault(row["backend"], {})[(row["batch"], row["precision"])] = row
    columns = [(batch, precision, args.lr or default_learning_rate(batch))
               for batch in args.batches for precision in args.precisions]

    reference_rows = {r.key: {} for r in references}
    for batch, precision, lr in columns:
        for reference in references:
            result = run_json(reference.command(python, batch, precision, lr, args))
            reference_rows[reference.key][(batch, precision)] = result
            say(f"{reference.name} batch {batch} {precision}: {result['samples_per_second']:,.0f} samples/s, "
                f"test accuracy {100 * result['test_accuracy']:.2f} %")
    for backend, runs in jnn_rows.items():
        for batch, precision, _ in columns:
            run = runs.get((batch, precision))
            if run:
                say(f"jnn {backend} batch {batch} {precision}: {run['samples_per_second']:,.0f} samples/s, "
                    f"test accuracy {100 * run['test_accuracy']:.2f} %")

    amount = f"{args.epochs} epochs" if args.epochs else f"{args.samples:,} samples"
    title = (f"MNIST, 784-200-200-10, {amount} per run after a {args.warmup:,}-sample warm-up, "
             f"{bench.get('processors', '?')} processors: training samples per second "
             f"(in brackets: jnn ÷ reference)")
    text = title + "\n\n" + table(columns, references, reference_rows, jnn_rows, args.reference_threads)
    if args.json:
        print(text, file=sys.stderr)
        json.dump({"settings": {"samples": None if args.epochs else args.samples, "epochs": args.epochs,
                                "warmup": args.warmup, "seed": args.seed, "reference_threads": args.reference_threads,
                                "reference_python": python, "machine": platform.machine()},
                   "jnn": bench,
                   "references": {key: list(runs.values()) for key, runs in reference_rows.items()}},
                  sys.stdout)
        print()
    else:
        print(text)


if __name__ == "__main__":
    main()
