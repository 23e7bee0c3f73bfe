"""What the NumPy and PyTorch comparison scripts share.

The reference experiment is a 784-200-200-10 multilayer perceptron (ReLU hidden layers, softmax
output, cross-entropy loss, He-normal initial weights, zero biases) trained by plain SGD on MNIST
with learning rate 0.01, batch size 1, for 3 epochs; it reaches about 97.5 % test accuracy.
`./nn bench` trains the same network; this module gives the other systems the same command-line
options, the same data (the IDX files in jnn's data folder), the same timing rule and one result
format, so that the driver `side_by_side.py` can put them in one table.

What is timed: the training loop only (forward pass, loss, backward pass, SGD update of every
batch), summed over the epochs. Loading the data, building the network, the untimed warm-up run
and the evaluation on the test set are outside the clock.

Neither NumPy nor PyTorch is imported at module level: the number of BLAS threads must be in the
environment before either library loads its BLAS (see `parse`).
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

LAYERS = (784, 200, 200, 10)
SEED = 42
DEFAULT_SAMPLES = 20000
DEFAULT_WARMUP = 5000
DATASET_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
PRECISIONS = {"f64": "float64", "float64": "float64", "f32": "float32", "float32": "float32"}
# Environment variables through which the BLAS libraries NumPy and PyTorch load take their thread count.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


class UsageError(Exception):
    """A mistake in the arguments or the environment that the user can fix; printed without a trace."""


def default_learning_rate(batch):
    """0.01 at batch size 1 (the reference experiment's), 0.1 at larger batches, as `./nn bench` does."""
    return 0.01 if batch == 1 else 0.1


def options(description):
    """The command-line options every comparison script takes, named as `./nn bench` names them."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=1, metavar="N", help="batch size (default: 1)")
    parser.add_argument("--lr", type=float, metavar="RATE",
                        help="learning rate (default: 0.01 at batch 1, 0.1 at larger batches, as ./nn bench)")
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument("--samples", type=int, metavar="N",
                        help=f"train one pass over the first N training images (default: {DEFAULT_SAMPLES})")
    amount.add_argument("--epochs", type=int, metavar="N",
                        help="instead of --samples: N full passes over the 60,000 training images")
    add_run_options(parser, threads=1)
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP, metavar="N",
                        help="untimed training samples on a separate network before the timed run, "
                             f"as ./nn bench does (default: {DEFAULT_WARMUP}; 0 for none)")
    return parser


def add_run_options(parser, threads):
    """The options of every script in this folder: precision, threads, seed, data set and folder, --json."""
    parser.add_argument("--dtype", default="float64", choices=sorted(PRECISIONS), metavar="float64|float32",
                        help="precision of weights, data and arithmetic (default: float64; f64 and f32 also work)")
    parser.add_argument("--threads", type=int, default=threads, metavar="N",
                        help=f"threads the library may use for its arithmetic (default: {threads})")
    parser.add_argument("--seed", type=int, default=SEED, metavar="N",
                        help=f"seed of the initial weights and the shuffling (default: {SEED})")
    parser.add_argument("--dataset", default="mnist", choices=("mnist", "fashion"),
                        help="which of jnn's data sets (default: mnist)")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="where jnn keeps its data sets (default, as for ./nn: $NN_DATA_DIR, "
                             "else $XDG_CACHE_HOME/jnn/datasets, else ~/.cache/jnn/datasets)")
    parser.add_argument("--json", action="store_true",
                        help="print the result as one JSON object on stdout (progress still goes to stderr)")


def parse(parser, argv=None):
    """Parses and checks the arguments, fills in the defaults and caps the BLAS threads.

    Must run before NumPy or PyTorch is imported: OpenBLAS reads its thread count once, when it loads.
    """
    args = parser.parse_args(argv)
    for name, least in (("batch", 1), ("samples", 1), ("epochs", 1), ("threads", 1), ("warmup", 0)):
        value = getattr(args, name)
        if value is not None and value < least:
            parser.error(f"--{name} must be at least {least}, got {value}")
    if args.lr is None:
        args.lr = default_learning_rate(args.batch)
    elif not args.lr > 0 or args.lr == float("inf"):
        parser.error(f"--lr must be a number greater than 0, got {args.lr}")
    if args.epochs is None and args.samples is None:
        args.samples = DEFAULT_SAMPLES
    args.dtype = PRECISIONS[args.dtype]
    limit_blas_threads(args.threads)
    return args


def limit_blas_threads(threads):
    """Puts the thread count where OpenBLAS and friends read it: must run before NumPy or PyTorch loads."""
    for variable in THREAD_VARIABLES:
        os.environ[variable] = str(threads)


def require(module, debian_package):
    """Imports `module`, or stops with a message that says how to install it and which Python to use."""
    try:
        return __import__(module)
    except ImportError as e:
        sys.exit(f"{Path(sys.argv[0]).name}: cannot import {module} ({e}) in {sys.executable}.\n"
                 f"Install it with `sudo apt-get install {debian_package}` (Debian 12 / Ubuntu) and run this "
                 f"script with /usr/bin/python3, the Python those packages install into.")


def data_folder(args):
    """The folder of the data set, found the way jnn's command line finds it."""
    root = args.data_dir
    if root is None:
        configured = os.environ.get("NN_DATA_DIR", "").strip()
        cache = os.environ.get("XDG_CACHE_HOME", "").strip()
        root = Path(configured) if configured else Path(cache or Path.home() / ".cache") / "jnn" / "datasets"
    return root / args.dataset


def read_idx(path, np):
    """The array in one IDX file (the MNIST format): 0, 0, type 0x08 (unsigned byte), rank, then the
    dimensions as big-endian 32-bit integers, then the bytes."""
    data = path.read_bytes()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise UsageError(f"{path} is not an IDX file of unsigned bytes (it starts with {data[:4].hex()})")
    rank = data[3]
    header = 4 + 4 * rank
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank))
    count = 1
    for dimension in shape:
        count *= dimension
    if len(data) != header + count:
        raise UsageError(f"{path} holds {len(data) - header} data bytes, but its header {shape} says {count}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load_dataset(args, np):
    """Training and test images (one row of pixels scaled to [0, 1] per image, in the chosen dtype)
    and labels; the training set is cut to --samples when given."""
    folder = data_folder(args)
    missing = [name for name in DATASET_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise UsageError(f"{folder} lacks {', '.join(missing)}. jnn downloads the data set the first time "
                         f"it needs it: run `./nn bench --samples 1000` (or `./nn train`) once, or name the "
                         f"folder that holds {args.dataset}/ with --data-dir")
    arrays = {key: read_idx(folder / name, np) for key, name in DATASET_FILES.items()}
    limit = args.samples if args.samples is not None else len(arrays["train_labels"])

    def images(raw):
        return (raw.reshape(len(raw), -1) / np.float64(255)).astype(args.dtype)

    return (images(arrays["train_images"][:limit]), arrays["train_labels"][:limit].astype(np.int64),
            images(arrays["test_images"]), arrays["test_labels"].astype(np.int64))


def progress(message):
    print(message, file=sys.stderr, flush=True)


def train_timed(step, shuffled_order, count, batch, epochs):
    """Runs `epochs` passes of SGD over `count` samples and times them.

    Each pass takes a new order from `shuffled_order()` (before the clock starts, as jnn does), then
    calls `step(indices)` for each batch of that order, which must train on those samples and return
    their summed loss. Returns the seconds spent in the steps and the mean training loss.
    """
    seconds = 0.0
    loss = 0.0
    for epoch in range(1, epochs + 1):
        order = shuffled_order()
        start = time.perf_counter()
        epoch_loss = 0.0
        for first in range(0, count, batch):
            epoch_loss += step(order[first:first + batch])
        elapsed = time.perf_counter() - start
        seconds += elapsed
        loss += epoch_loss
        if epochs > 1:
            progress(f"  epoch {epoch}/{epochs}: {elapsed:.1f} s, {count / elapsed:,.0f} samples/s, "
                     f"mean loss {epoch_loss / count:.4f}")
    return seconds, loss / (count * epochs)


def warm_up_then_time(args, new_network, train, count):
    """What `./nn bench` does: an untimed warm-up run of --warmup samples on one network, then the timed
    run on a new one from the same seed. `train(network, samples, epochs)` trains on the first
    `samples` images and returns what train_timed returns. Returns the timed network, the samples it
    trained on, the seconds and the mean training loss."""
    if args.warmup:
        train(new_network(), min(args.warmup, count), 1)
    network = new_network()
    epochs = args.epochs or 1
    seconds, loss = train(network, count, epochs)
    return network, count * epochs, seconds, loss


def blas_library():
    """The BLAS shared library this process has loaded (Linux only; None elsewhere or if none)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1].lower()}
    except OSError:
        return None
    return ", ".join(sorted(paths)) or None


def warn_about_reference_blas():
    """Debian's reference BLAS (libblas3) is correct but many times slower than OpenBLAS; a comparison
    run on it measures the wrong thing."""
    library = blas_library()
    if library and "openblas" not in library.lower() and "mkl" not in library.lower():
        progress(f"warning: the BLAS loaded is {library}, not OpenBLAS; products will be slow. "
                 f"Install `libopenblas0-pthread` (Debian) for an optimised BLAS.")


def report(args, system, version, samples, seconds, train_loss, test_accuracy, test_loss):
    """Prints the result: one JSON object with --json, else one sentence."""
    result = {
        "system": system,
        "version": version,
        "batch": args.batch,
        "dtype": args.dtype,
        "lr": args.lr,
        "threads": args.threads,
        "samples": samples,
        "epochs": args.epochs,
        "train_seconds": seconds,
        "samples_per_second": samples / seconds,
        "train_loss": train_loss,
        "test_accuracy": test_accuracy,
        "test_loss": test_loss,
        "python": platform.python_version(),
        "blas": blas_library(),
    }
    return print_result(args, result,
                        f"{system} {version}, batch {args.batch}, {args.dtype}, lr {args.lr:g}, {args.threads} "
                        f"thread(s): {samples / seconds:,.0f} samples/s ({samples:,} samples in {seconds:.2f} s of "
                        f"training); test accuracy {100 * test_accuracy:.2f} %, test loss {test_loss:.4f}")


def print_result(args, result, sentence):
    """Prints `result` as one JSON object with --json, else `sentence`; returns `result`."""
    print(json.dumps(result) if args.json else sentence, flush=True)
    return result


def main(run, argv=None, description="", parse_arguments=None):
    """Parses the arguments (with `parse_arguments(argv)` if given, else this module's options) and calls
    `run(args)`; a UsageError becomes one line and exit status 2."""
    args = parse_arguments(argv) if parse_arguments else parse(options(description), argv)
    try:
        return run(args)
    except UsageError as e:
        print(f"{Path(sys.argv[0]).name}: {e}", file=sys.stderr)
        sys.exit(2)
