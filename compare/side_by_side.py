#!/usr/bin/env python3
"""jnn's training speed beside NumPy's, PyTorch's and Deeplearning4j's, in one table: README's
Performance table.

Runs, on the same MNIST files and with the same settings:
  ./nn bench          every jnn backend, each batch size and precision (a JVM each, warm-up first), and
                      each backend's own matrix-product peak (the "% of peak" column of its table)
  numpy_mlp.py        a NumPy implementation of the reference experiment, with --reference-threads BLAS threads
  pytorch_mlp.py      the same network in PyTorch, with --reference-threads threads (torch.set_num_threads)
  dl4j/               the same network in Deeplearning4j 1.0.0-M2.1 (a Java program with its own pom.xml,
                      built here with Maven the first time), with OMP_NUM_THREADS=--reference-threads
and prints one Markdown table of training samples per second: a row per system, a column per batch
size and precision, and in each jnn cell the ratio jnn / reference for Deeplearning4j and PyTorch
(--ratios chooses). The learning rate is 0.01 at batch 1 and 0.1 at larger batches for every system
(as ./nn bench does) unless --lr is given. Progress and each run's accuracy go to stderr.

The driver itself needs only Python 3.8+. The Python references need NumPy and PyTorch: on Debian 12,
`apt-get install python3-numpy python3-torch libopenblas0-pthread` (PyTorch 1.13), which install into
/usr/bin/python3; the driver runs them with the first of /usr/bin/python3 and this Python that can
import what they need (or --python). Deeplearning4j needs Java 17 and Maven (which downloads it into
~/.m2 the first time); --without dl4j leaves it out.

Examples:
  compare/side_by_side.py                                   20,000 samples per run, batch 1 and 64, f64 and f32
  compare/side_by_side.py --batches 64 --samples 60000      the batch-64 table
  compare/side_by_side.py --batches 64 --precisions f32 --reference-threads 2
  compare/side_by_side.py --without pytorch,dl4j --json > numbers.json
  compare/side_by_side.py --rounds 3                        each cell the median of 3 rounds, the range below
"""

import argparse
import json
import os
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


def reference_arguments(batch, precision, lr, settings):
    """The options every reference program takes, named as `./nn bench` names them."""
    arguments = ["--json", "--batch", str(batch), "--dtype", DTYPES[precision], "--lr", repr(lr),
                 "--threads", str(settings.reference_threads), "--warmup", str(settings.warmup),
                 "--seed", str(settings.seed)]
    arguments += ["--epochs", str(settings.epochs)] if settings.epochs else ["--samples", str(settings.samples)]
    if settings.data_dir:
        arguments += ["--data-dir", str(settings.data_dir)]
    return arguments


class PythonReference:
    """A comparison script in this folder, run with a Python that can import `modules`."""

    def __init__(self, key, name, script, modules):
        self.key = key
        self.name = name
        self.script = HERE / script
        self.modules = modules  # {module: Debian package}

    def prepare(self, settings):
        """Nothing to build: the script runs as it is."""

    def command(self, python, batch, precision, lr, settings):
        return [python, str(self.script)] + reference_arguments(batch, precision, lr, settings)

    def environment(self, settings):
        return {}  # the scripts cap their BLAS threads themselves, before NumPy or PyTorch loads


class Dl4jReference:
    """Deeplearning4j: the Java program in compare/dl4j/, a Maven project outside jnn's build, run with
    OMP_NUM_THREADS set to the reference threads (OpenMP reads it when libnd4j loads), and with the
    OPENBLAS_CORETYPE that jnn's nd4j ran with: both use ND4J 1.0.0-M2.1's OpenBLAS, whose kernels the
    ./nn launcher chooses on AVX-512 CPUs (without it, Deeplearning4j ran at half speed at batch 64 here)."""

    key = "dl4j"
    name = "Deeplearning4j"
    modules = {}
    project = HERE / "dl4j"
    jar = project / "target" / "dl4j-mlp.jar"

    def stale(self):
        """Whether the jar is missing or older than the program's sources or pom.xml."""
        if not self.jar.is_file():
            return True
        sources = [self.project / "pom.xml"] + list((self.project / "src").rglob("*.java"))
        return max(path.stat().st_mtime for path in sources) > self.jar.stat().st_mtime

    def prepare(self, settings):
        """Builds the program (Maven downloads Deeplearning4j into ~/.m2 the first time) unless it is current."""
        if not self.stale():
            return
        command = shlex.split(settings.mvn) + ["-q", "-B", "-f", str(self.project / "pom.xml"), "package"]
        say("building the Deeplearning4j program: " + " ".join(shlex.quote(part) for part in command))
        try:
            finished = subprocess.run(command, cwd=REPOSITORY)
        except OSError as e:
            fail(f"cannot run Maven ({e}); install Maven 3 (`sudo apt-get install maven`), name it with --mvn, "
                 f"or leave Deeplearning4j out with --without dl4j")
        if finished.returncode != 0:
            fail(f"building {self.project} failed (status {finished.returncode}; Maven's messages are above); "
                 f"leave Deeplearning4j out with --without dl4j")

    def command(self, python, batch, precision, lr, settings):
        return shlex.split(settings.java) + ["-jar", str(self.jar)] + reference_arguments(batch, precision, lr,
                                                                                          settings)

    def environment(self, settings):
        environment = {"OMP_NUM_THREADS": str(settings.reference_threads)}
        core_type = getattr(settings, "jnn_openblas_coretype", None)
        if core_type:
            environment["OPENBLAS_CORETYPE"] = core_type
        return environment


REFERENCES = [
    PythonReference("numpy", "NumPy", "numpy_mlp.py", {"numpy": "python3-numpy"}),
    PythonReference("pytorch", "PyTorch", "pytorch_mlp.py", {"numpy": "python3-numpy", "torch": "python3-torch"}),
    Dl4jReference(),
]
DEFAULT_RATIOS = ["dl4j", "pytorch"]


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
    parser.add_argument("--rounds", type=int, default=1, metavar="N",
                        help="measure everything N times, round after round, and give each cell its median run: on a "
                             "shared machine whose speed moves from minute to minute, one round can favour any "
                             "system (default: 1)")
    parser.add_argument("--reference-threads", type=int, default=1, metavar="N",
                        help="threads NumPy's BLAS, PyTorch and Deeplearning4j may use (default: 1)")
    keys = [r.key for r in REFERENCES]
    parser.add_argument("--without", type=comma_list(str, keys), default=[],
                        metavar=",".join(keys), help="leave these references out")
    parser.add_argument("--ratios", type=comma_list(str, keys), default=DEFAULT_RATIOS, metavar=",".join(keys),
                        help=f"each jnn cell gives its ratio to these references (default: {','.join(DEFAULT_RATIOS)})")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="where jnn keeps its data sets (default: jnn's, ~/.cache/jnn/datasets)")
    parser.add_argument("--python", metavar="PATH",
                        help="the Python that runs the references (default: the first of /usr/bin/python3 and "
                             "this one that can import NumPy and PyTorch)")
    parser.add_argument("--nn", default=str(REPOSITORY / "nn"), metavar="COMMAND",
                        help="the command that runs jnn's command line (default: the repository's ./nn)")
    parser.add_argument("--java", default="java", metavar="COMMAND",
                        help="the Java that runs the Deeplearning4j program (default: java)")
    parser.add_argument("--mvn", default="mvn", metavar="COMMAND",
                        help="the Maven that builds the Deeplearning4j program when it is missing or older than "
                             "its sources (default: mvn)")
    parser.add_argument("--json", action="store_true",
                        help="print every run's result as one JSON document on stdout; the table goes to stderr")
    args = parser.parse_args()
    for name in ("samples", "epochs", "reference_threads", "rounds"):
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


def run_json(command, environment=None):
    """Runs `command` (with `environment` added to this one's) with its stderr shown, and returns the JSON
    object at the end of its stdout."""
    added = "".join(f"{name}={shlex.quote(value)} " for name, value in (environment or {}).items())
    say("running " + added + " ".join(shlex.quote(part) for part in command))
    try:
        finished = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=REPOSITORY,
                                  env={**os.environ, **(environment or {})})
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


# OpenBLAS settings that change every BLAS-backed row (NumPy's, PyTorch's and jnn's nd4j OpenBLAS read them
# when they load): a table taken with them must say so.
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_VERBOSE")


def blas_environment(environment):
    """The OpenBLAS variables set in `environment`, as NAME=value words; empty when none is set."""
    return [f"{name}={environment[name]}" for name in OPENBLAS_VARIABLES if environment.get(name)]


def thousands(value):
    return f"{value:,.0f}"


def table(columns, references, reference_rows, jnn_rows, threads, ratios_to):
    """The Markdown table: references first, then jnn's backends with their ratios to each reference whose
    key is in `ratios_to` and that ran in that column, and their share of their backend's gemm peak."""
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
                      for r in references if r.key in ratios_to and column[:2] in reference_rows[r.key]]
            notes = ", ".join(ratios)
            if run.get("percent_of_peak") is not None:
                notes += f"{'; ' if notes else ''}{run['percent_of_peak']:.0f} % of peak"
            cells.append(thousands(run["samples_per_second"]) + (f" ({notes})" if notes else ""))
        lines.append(f"| jnn `{backend}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def median_run(runs):
    """Of the runs of one cell, the one with the median rate (the lower middle one of an even count), so that
    its other numbers (accuracy, share of peak) stay those of a real run."""
    ordered = sorted(runs, key=lambda run: run["samples_per_second"])
    return ordered[(len(ordered) - 1) // 2]


def rate_range(runs):
    """'lowest-highest' samples per second of a cell's runs, for the notes under a table of several rounds."""
    rates = sorted(run["samples_per_second"] for run in runs)
    return f"{thousands(rates[0])}-{thousands(rates[-1])}"


def spread_line(reference_runs, jnn_runs, references, columns):
    """Under a table of several rounds: each cell's lowest and highest rate."""
    parts = []
    for reference in references:
        for column in columns:
            runs = reference_runs[reference.key].get(column[:2])
            if runs:
                parts.append(f"{reference.name} batch {column[0]} {column[1]} {rate_range(runs)}")
    for backend, cells in jnn_runs.items():
        for column in columns:
            runs = cells.get(column[:2])
            if runs:
                parts.append(f"jnn {backend} batch {column[0]} {column[1]} {rate_range(runs)}")
    return "Range over the rounds (samples/s): " + "; ".join(parts)


def peaks_line(bench):
    """The gemm peaks `./nn bench` measured, which its "% of peak" shares are of; empty if it measured none."""
    peaks = [f"`{p['backend']}` {p['precision']} {p['gflops']:.1f}" for p in bench.get("peaks") or []]
    return f"jnn's own gemm peaks (GFLOP/s, measured by ./nn bench in this run): {', '.join(peaks)}" if peaks else ""


def main():
    args = options()
    references = [r for r in REFERENCES if r.key not in args.without]
    python = choose_python(args, references)  # before the long jnn run, so a missing package shows at once
    for reference in references:
        reference.prepare(args)

    columns = [(batch, precision, args.lr or default_learning_rate(batch))
               for batch in args.batches for precision in args.precisions]
    benches = []
    jnn_runs = {}
    reference_runs = {r.key: {} for r in references}
    for round_number in range(1, args.rounds + 1):
        if args.rounds > 1:
            say(f"round {round_number} of {args.rounds}")
        # jnn first: ./nn downloads MNIST if it is missing, which the reference scripts then read.
        bench = run_json(bench_command(args))
        benches.append(bench)
        args.jnn_openblas_coretype = bench.get("openblas_coretype")  # the same kernels for Deeplearning4j's OpenBLAS
        for row in bench.get("results", []):
            jnn_runs.setdefault(row["backend"], {}).setdefault((row["batch"], row["precision"]), []).append(row)
        for batch, precision, lr in columns:
            for reference in references:
                result = run_json(reference.command(python, batch, precision, lr, args), reference.environment(args))
                reference_runs[reference.key].setdefault((batch, precision), []).append(result)
                say(f"{reference.name} batch {batch} {precision}: {result['samples_per_second']:,.0f} samples/s, "
                    f"test accuracy {100 * result['test_accuracy']:.2f} %")
    jnn_rows = {backend: {cell: median_run(runs) for cell, runs in cells.items()} for backend, cells in jnn_runs.items()}
    reference_rows = {key: {cell: median_run(runs) for cell, runs in cells.items()}
                      for key, cells in reference_runs.items()}
    bench = benches[-1]
    for backend, runs in jnn_rows.items():
        for batch, precision, _ in columns:
            run = runs.get((batch, precision))
            if run:
                say(f"jnn {backend} batch {batch} {precision}: {run['samples_per_second']:,.0f} samples/s, "
                    f"test accuracy {100 * run['test_accuracy']:.2f} %")

    amount = f"{args.epochs} epochs" if args.epochs else f"{args.samples:,} samples"
    title = (f"MNIST, 784-200-200-10, {amount} per run after a {args.warmup:,}-sample warm-up, "
             f"{bench.get('processors', '?')} processors"
             + "".join(", " + word for word in blas_environment(os.environ))
             + ": training samples per second"
             + (f", the median of {args.rounds} rounds" if args.rounds > 1 else "")
             + " (in brackets: jnn ÷ reference, and jnn's GFLOP/s as a share of its backend's gemm peak)")
    text = title + "\n\n" + table(columns, references, reference_rows, jnn_rows, args.reference_threads, args.ratios)
    if args.rounds > 1:
        text += "\n\n" + spread_line(reference_runs, jnn_runs, references, columns)
    for round_number, measured in enumerate(benches, 1):
        if peaks_line(measured):
            text += "\n\n" + peaks_line(measured) + (f" (round {round_number})" if args.rounds > 1 else "")
    if args.json:
        print(text, file=sys.stderr)
        json.dump({"settings": {"samples": None if args.epochs else args.samples, "epochs": args.epochs,
                                "warmup": args.warmup, "seed": args.seed, "reference_threads": args.reference_threads,
                                "reference_python": python, "machine": platform.machine(),
                                "openblas_environment": blas_environment(os.environ)},
                   "rounds": args.rounds,
                   "jnn": bench if args.rounds == 1 else benches,
                   "references": {key: [run for runs in cells.values() for run in runs]
                                  for key, cells in reference_runs.items()}},
                  sys.stdout)
        print()
    else:
        print(text)


if __name__ == "__main__":
    main()
