"""Tests of the comparison scripts: that they read the data right, train the network they claim to
(gradients against central differences, PyTorch step for step against NumPy), and that the driver
reads `./nn bench` and prints the ratios right.

Run: /usr/bin/python3 -m unittest discover -s compare -v   (the PyTorch tests are skipped without torch)
"""

import contextlib
import io
import os
import sys
import tempfile
import unittest
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import numpy as np

import numpy_mlp
import reference_experiment as experiment
import side_by_side

try:
    import torch
except ImportError:
    torch = None

SMALL = (6, 5, 4, 3)


def parse(*argv):
    with mock.patch.dict(os.environ):  # parse sets the BLAS thread variables
        return experiment.parse(experiment.options(""), list(argv))


def idx_bytes(type_code, shape, payload):
    header = bytes([0, 0, type_code, len(shape)]) + b"".join(d.to_bytes(4, "big") for d in shape)
    return header + bytes(payload)


class ArgumentsTest(unittest.TestCase):

    def test_learning_rate_defaults_to_bench_rule(self):
        self.assertEqual(parse().lr, 0.01)
        self.assertEqual(parse("--batch", "64").lr, 0.1)
        self.assertEqual(parse("--batch", "64", "--lr", "0.05").lr, 0.05)

    def test_short_precision_names_are_accepted(self):
        self.assertEqual(parse("--dtype", "f32").dtype, "float32")
        self.assertEqual(parse().dtype, "float64")

    def test_samples_default_only_without_epochs(self):
        self.assertEqual(parse().samples, experiment.DEFAULT_SAMPLES)
        args = parse("--epochs", "3")
        self.assertIsNone(args.samples)
        self.assertEqual(args.epochs, 3)

    def test_nonsense_is_rejected_with_usage_status(self):
        for argv in (["--batch", "0"], ["--lr", "-1"], ["--samples", "0"], ["--warmup", "-5"],
                     ["--samples", "10", "--epochs", "1"]):
            with self.subTest(argv=argv), contextlib.redirect_stderr(io.StringIO()):
                with self.assertRaises(SystemExit) as exit:
                    parse(*argv)
                self.assertEqual(exit.exception.code, 2)

    def test_threads_reach_the_blas_environment(self):
        with mock.patch.dict(os.environ):
            experiment.parse(experiment.options(""), ["--threads", "3"])
            self.assertEqual(os.environ["OPENBLAS_NUM_THREADS"], "3")
            self.assertEqual(os.environ["OMP_NUM_THREADS"], "3")


class DataTest(unittest.TestCase):

    def test_data_folder_is_found_as_jnn_finds_it(self):
        home = Path.home()
        cases = [({}, [], home / ".cache/jnn/datasets/mnist"),
                 ({"XDG_CACHE_HOME": "/x"}, [], Path("/x/jnn/datasets/mnist")),
                 ({"XDG_CACHE_HOME": "/x", "NN_DATA_DIR": "/d"}, [], Path("/d/mnist")),
                 ({"NN_DATA_DIR": "/d"}, ["--data-dir", "/e", "--dataset", "fashion"], Path("/e/fashion"))]
        for environment, argv, expected in cases:
            with self.subTest(environment=environment, argv=argv):
                args = parse(*argv)
                with mock.patch.dict(os.environ, environment, clear=True):
                    self.assertEqual(experiment.data_folder(args), expected)

    def test_idx_file_is_read_with_its_shape(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder, "images")
            path.write_bytes(idx_bytes(0x08, (2, 2, 3), range(12)))
            array = experiment.read_idx(path, np)
        self.assertEqual(array.shape, (2, 2, 3))
        self.assertEqual(array[1, 1, 2], 11)

    def test_wrong_idx_files_are_named_with_the_reason(self):
        cases = {"not bytes": (idx_bytes(0x0D, (2,), range(2)), "not an IDX file"),
                 "truncated": (idx_bytes(0x08, (2, 3), range(5)), "holds 5 data bytes"),
                 "empty": (b"", "not an IDX file")}
        with tempfile.TemporaryDirectory() as folder:
            for name, (content, message) in cases.items():
                with self.subTest(name):
                    path = Path(folder, name)
                    path.write_bytes(content)
                    with self.assertRaisesRegex(experiment.UsageError, message):
                        experiment.read_idx(path, np)

    def test_missing_files_say_how_to_get_them(self):
        with tempfile.TemporaryDirectory() as folder:
            args = parse("--data-dir", folder)
            with self.assertRaisesRegex(experiment.UsageError, r"lacks train-images-idx3-ubyte.*\./nn bench"):
                experiment.load_dataset(args, np)


class TimingLoopTest(unittest.TestCase):

    def test_every_sample_is_trained_once_per_epoch_in_batches(self):
        seen = []
        orders = iter([np.arange(10)[::-1], np.arange(10)])
        with mock.patch.object(experiment, "progress"):
            seconds, loss = experiment.train_timed(lambda batch: seen.append(list(batch)) or float(len(batch)),
                                                   lambda: next(orders), 10, 4, 2)
        self.assertEqual([len(b) for b in seen], [4, 4, 2, 4, 4, 2])
        self.assertEqual(seen[0], [9, 8, 7, 6])
        self.assertEqual(sorted(sum(seen[3:], [])), list(range(10)))
        self.assertEqual(loss, 1.0)  # each step returned its batch's size: mean loss 1 per sample
        self.assertGreaterEqual(seconds, 0)


def small_perceptron(seed=3):
    return numpy_mlp.Perceptron(np, SMALL, np.random.default_rng(seed), "float64")


class NumpyNetworkTest(unittest.TestCase):

    def test_he_normal_initial_weights(self):
        net = numpy_mlp.Perceptron(np, experiment.LAYERS, np.random.default_rng(0), "float64")
        for weights, fan_in in zip(net.weights, experiment.LAYERS):
            self.assertAlmostEqual(weights.std() / np.sqrt(2 / fan_in), 1, delta=0.05)
        self.assertTrue(all(not b.any() for b in net.biases))

    def test_step_follows_the_central_difference_gradient(self):
        rng = np.random.default_rng(7)
        for batch in (1, 4):  # 1 takes the outer-product path
            with self.subTest(batch=batch):
                x = rng.random((batch, SMALL[0]))
                labels = rng.integers(0, SMALL[-1], batch)
                net = small_perceptron()
                before = [w.copy() for w in net.weights] + [b.copy() for b in net.biases]
                loss = net.train_step(x, labels, 1.0)  # at rate 1 the step is minus the gradient
                after = net.weights + net.biases
                self.assertAlmostEqual(loss / batch, small_perceptron().evaluate(x, labels)[1], places=12)
                for index, (old, new) in enumerate(zip(before, after)):
                    numeric = self.central_differences(x, labels, index)
                    step = old - new
                    error = np.abs(step - numeric) / np.maximum(np.abs(step) + np.abs(numeric), 1e-8)
                    self.assertLess(error.max(), 1e-6, f"parameter array {index}, batch {batch}")

    @staticmethod
    def central_differences(x, labels, index, h=1e-6):
        net = small_perceptron()
        parameter = (net.weights + net.biases)[index]
        gradient = np.zeros_like(parameter)
        for position in np.ndindex(parameter.shape):
            saved = parameter[position]
            parameter[position] = saved + h
            plus = net.evaluate(x, labels)[1]
            parameter[position] = saved - h
            minus = net.evaluate(x, labels)[1]
            parameter[position] = saved
            gradient[position] = (plus - minus) / (2 * h)
        return gradient

    def test_softmax_stays_finite_for_huge_logits(self):
        log_p = small_perceptron().log_probabilities(np.array([[1000.0, -1000.0, 0.0]]))
        self.assertTrue(np.isfinite(log_p).all())
        self.assertAlmostEqual(log_p[0, 0], 0.0)

    def test_float32_stays_float32(self):
        net = numpy_mlp.Perceptron(np, SMALL, np.random.default_rng(1), "float32")
        net.train_step(np.ones((2, SMALL[0]), np.float32), np.array([0, 1]), 0.1)
        self.assertEqual({w.dtype for w in net.weights + net.biases}, {np.dtype(np.float32)})


@unittest.skipIf(torch is None, "PyTorch is not installed for this Python")
class PytorchMatchesNumpyTest(unittest.TestCase):

    def test_one_sgd_step_gives_the_same_weights(self):
        import pytorch_mlp
        rng = np.random.default_rng(11)
        x = rng.random((5, SMALL[0]))
        labels = rng.integers(0, SMALL[-1], 5)
        reference = small_perceptron()
        net = pytorch_mlp.build(torch, SMALL, torch.float64)
        linears = [m for m in net if isinstance(m, torch.nn.Linear)]
        self.assertEqual([type(m).__name__ for m in net], ["Linear", "ReLU", "Linear", "ReLU", "Linear"])
        with torch.no_grad():
            for linear, weights, biases in zip(linears, reference.weights, reference.biases):
                linear.weight.copy_(torch.from_numpy(weights.T))  # torch keeps (outputs x inputs)
                linear.bias.copy_(torch.from_numpy(biases))
        optimizer = torch.optim.SGD(net.parameters(), lr=0.5)
        loss = torch.nn.CrossEntropyLoss()(net(torch.from_numpy(x)), torch.from_numpy(labels))
        loss.backward()
        optimizer.step()
        numpy_loss = reference.train_step(x, labels, 0.5)
        self.assertAlmostEqual(loss.item(), numpy_loss / 5, places=12)
        for linear, weights, biases in zip(linears, reference.weights, reference.biases):
            np.testing.assert_allclose(linear.weight.detach().numpy().T, weights, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(linear.bias.detach().numpy(), biases, rtol=1e-12, atol=1e-14)

    def test_he_normal_initial_weights(self):
        torch.manual_seed(0)
        import pytorch_mlp
        net = pytorch_mlp.build(torch, experiment.LAYERS, torch.float64)
        linears = [m for m in net if isinstance(m, torch.nn.Linear)]
        for linear, fan_in in zip(linears, experiment.LAYERS):
            self.assertAlmostEqual(linear.weight.std().item() / np.sqrt(2 / fan_in), 1, delta=0.05)
            self.assertEqual(linear.bias.abs().sum().item(), 0)


class DriverTest(unittest.TestCase):

    def test_json_at_the_end_of_a_table_or_as_the_whole_output(self):
        line = '{"results": [{"backend": "ejml"}]}'
        self.assertEqual(side_by_side.last_json_object("bench: ...\n\nbackend  batch\n" + line + "\n"),
                         {"results": [{"backend": "ejml"}]})
        self.assertEqual(side_by_side.last_json_object('{\n  "results": []\n}\n'), {"results": []})
        self.assertIsNone(side_by_side.last_json_object("no json here\n{broken\n"))

    COLUMNS = [(1, "f64", 0.01), (64, "f32", 0.1)]
    REFERENCE_ROWS = {"numpy": {(1, "f64"): {"version": "1.24.2", "samples_per_second": 5000.0}},
                      "pytorch": {(1, "f64"): {"version": "1.13.0", "samples_per_second": 4000.0},
                                  (64, "f32"): {"version": "1.13.0", "samples_per_second": 80000.0}},
                      "dl4j": {(64, "f32"): {"version": "1.0.0-M2.1", "samples_per_second": 20000.0}}}
    JNN_ROWS = {"nd4j": {(1, "f64"): {"samples_per_second": 10000.0},
                         (64, "f32"): {"samples_per_second": 120000.0, "percent_of_peak": 61.74}},
                "commons-math": {(1, "f64"): {"samples_per_second": 5000.0}}}

    def test_table_gives_each_jnn_cell_its_ratio_to_each_chosen_reference(self):
        lines = side_by_side.table(self.COLUMNS, side_by_side.REFERENCES, self.REFERENCE_ROWS, self.JNN_ROWS, 1,
                                   ["numpy", "pytorch", "dl4j"]).splitlines()
        self.assertEqual(lines[0], "| system | batch 1, f64 (lr 0.01) | batch 64, f32 (lr 0.1) |")
        self.assertEqual(lines[2], "| NumPy 1.24.2, 1 thread | 5,000 | — |")
        self.assertEqual(lines[3], "| PyTorch 1.13.0, 1 thread | 4,000 | 80,000 |")
        self.assertEqual(lines[4], "| Deeplearning4j 1.0.0-M2.1, 1 thread | — | 20,000 |")
        self.assertEqual(lines[5], "| jnn `nd4j` | 10,000 (2.00× NumPy, 2.50× PyTorch) "
                                   "| 120,000 (1.50× PyTorch, 6.00× Deeplearning4j; 62 % of peak) |")
        self.assertEqual(lines[6], "| jnn `commons-math` | 5,000 (1.00× NumPy, 1.25× PyTorch) | — |")

    def test_by_default_the_ratios_are_to_deeplearning4j_and_pytorch_only(self):
        lines = side_by_side.table(self.COLUMNS, side_by_side.REFERENCES, self.REFERENCE_ROWS, self.JNN_ROWS, 2,
                                   side_by_side.DEFAULT_RATIOS).splitlines()
        self.assertEqual(lines[2], "| NumPy 1.24.2, 2 threads | 5,000 | — |")  # its row stays, without ratios
        self.assertEqual(lines[5], "| jnn `nd4j` | 10,000 (2.50× PyTorch) "
                                   "| 120,000 (1.50× PyTorch, 6.00× Deeplearning4j; 62 % of peak) |")
        self.assertEqual(lines[6], "| jnn `commons-math` | 5,000 (1.25× PyTorch) | — |")

    def test_a_reference_left_out_has_no_row_and_no_ratio(self):
        references = [r for r in side_by_side.REFERENCES if r.key != "pytorch"]
        rows = {key: runs for key, runs in self.REFERENCE_ROWS.items() if key != "pytorch"}
        text = side_by_side.table(self.COLUMNS, references, rows, self.JNN_ROWS, 1, side_by_side.DEFAULT_RATIOS)
        self.assertNotIn("PyTorch", text)
        self.assertIn("| jnn `nd4j` | 10,000 | 120,000 (6.00× Deeplearning4j; 62 % of peak) |", text)
        text = side_by_side.table(self.COLUMNS, references, rows, self.JNN_ROWS, 1, [])
        self.assertIn("| jnn `nd4j` | 10,000 | 120,000 (62 % of peak) |", text)
        self.assertIn("| jnn `commons-math` | 5,000 | — |", text)

    def test_a_cell_of_several_rounds_is_its_median_run_with_its_range_below(self):
        runs = [{"samples_per_second": rate, "test_accuracy": accuracy}
                for rate, accuracy in [(300.0, 0.93), (100.0, 0.91), (200.0, 0.92), (400.0, 0.94)]]
        self.assertEqual(side_by_side.median_run(runs[:3]), runs[2])
        self.assertEqual(side_by_side.median_run(runs), runs[2], "the lower middle run of an even count")
        self.assertEqual(side_by_side.median_run(runs[:1]), runs[0])
        numpy = side_by_side.REFERENCES[0]
        line = side_by_side.spread_line({"numpy": {(64, "f64"): runs}}, {"ejml": {(64, "f64"): runs[1:3]}},
                                        [numpy], [(64, "f64", 0.1)])
        self.assertEqual(line, "Range over the rounds (samples/s): NumPy batch 64 f64 100-400; "
                               "jnn ejml batch 64 f64 100-200")

    def test_openblas_variables_that_change_every_blas_row_are_named(self):
        self.assertEqual([], side_by_side.blas_environment({"PATH": "/usr/bin", "OPENBLAS_CORETYPE": ""}))
        self.assertEqual(["OPENBLAS_CORETYPE=Haswell", "OPENBLAS_L2_SIZE=512"],
                         side_by_side.blas_environment({"OPENBLAS_L2_SIZE": "512", "OPENBLAS_CORETYPE": "Haswell"}))

    def test_the_peaks_that_the_shares_are_of_are_named_under_the_table(self):
        bench = {"peaks": [{"backend": "nd4j", "precision": "f64", "gflops": 71.234},
                           {"backend": "ejml", "precision": "f32", "gflops": 9.96}]}
        self.assertEqual(side_by_side.peaks_line(bench), "jnn's own gemm peaks (GFLOP/s, measured by ./nn bench in "
                                                         "this run): `nd4j` f64 71.2, `ejml` f32 10.0")
        self.assertEqual(side_by_side.peaks_line({"peaks": []}), "")
        self.assertEqual(side_by_side.peaks_line({}), "", "an ./nn bench from before the peaks")

    def test_a_missing_module_stops_the_driver_with_the_package_to_install(self):
        reference = side_by_side.PythonReference("fake", "Fake", "numpy_mlp.py", {"no_such_module_here": "python3-fake"})
        args = SimpleNamespace(python=None)
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), self.assertRaises(SystemExit) as exit:
            side_by_side.choose_python(args, [reference])
        self.assertEqual(exit.exception.code, 1)
        self.assertIn("cannot import no_such_module_here", stderr.getvalue())
        self.assertIn("apt-get install python3-fake", stderr.getvalue())
        self.assertIn("--without fake", stderr.getvalue())

    SETTINGS = dict(nn="./nn", batches=[1, 64], precisions=["f64"], warmup=100, seed=7, epochs=None,
                    samples=3000, backends="ejml", lr=None, data_dir=None, reference_threads=1, java="java",
                    mvn="mvn")
    REFERENCE_OPTIONS = ["--json", "--batch", "64", "--dtype", "float64", "--lr", "0.1", "--threads", "1",
                         "--warmup", "100", "--seed", "7", "--samples", "3000"]

    def test_bench_gets_the_same_settings_as_the_references(self):
        args = SimpleNamespace(**self.SETTINGS)
        self.assertEqual(side_by_side.bench_command(args),
                         ["./nn", "bench", "--json", "--batches", "1,64", "--precisions", "f64", "--warmup", "100",
                          "--seed", "7", "--samples", "3000", "--backends", "ejml"])
        numpy_command = side_by_side.REFERENCES[0].command("/usr/bin/python3", 64, "f64", 0.1, args)
        self.assertEqual(numpy_command[2:], self.REFERENCE_OPTIONS)

    def test_deeplearning4j_runs_its_jar_with_the_same_options_and_openmp_threads(self):
        dl4j = next(r for r in side_by_side.REFERENCES if r.key == "dl4j")
        args = SimpleNamespace(**{**self.SETTINGS, "java": "/opt/jdk/bin/java -Xmx2g", "reference_threads": 2})
        command = dl4j.command("/usr/bin/python3", 64, "f64", 0.1, args)
        self.assertEqual(command[:4], ["/opt/jdk/bin/java", "-Xmx2g", "-jar", str(dl4j.jar)])
        self.assertEqual(command[4:], [o if o != "1" else "2" for o in self.REFERENCE_OPTIONS])
        self.assertEqual(dl4j.environment(args), {"OMP_NUM_THREADS": "2"})
        args.jnn_openblas_coretype = "SkylakeX"  # what ./nn bench reported it ran nd4j with
        self.assertEqual(dl4j.environment(args), {"OMP_NUM_THREADS": "2", "OPENBLAS_CORETYPE": "SkylakeX"})
        self.assertEqual(dl4j.modules, {}, "needs no Python module")

    def test_deeplearning4j_is_rebuilt_when_a_source_is_newer_than_its_jar(self):
        with tempfile.TemporaryDirectory() as folder:
            project = Path(folder)
            source = project / "src" / "Main.java"
            source.parent.mkdir()
            for path in (project / "pom.xml", source):
                path.write_text("x")
            dl4j = side_by_side.Dl4jReference()
            dl4j.project, dl4j.jar = project, project / "target" / "dl4j-mlp.jar"
            self.assertTrue(dl4j.stale(), "no jar yet")
            dl4j.jar.parent.mkdir()
            dl4j.jar.write_text("jar")
            os.utime(dl4j.jar, (2_000_000_000, 2_000_000_000))
            self.assertFalse(dl4j.stale())
            os.utime(source, (2_000_000_100, 2_000_000_100))
            self.assertTrue(dl4j.stale(), "the source changed after the build")

    def test_a_reference_gets_its_environment_and_its_json_is_read(self):
        script = "import json, os; print('progress'); print(json.dumps({'threads': os.environ['OMP_NUM_THREADS']}))"
        with contextlib.redirect_stderr(io.StringIO()) as stderr:
            result = side_by_side.run_json([sys.executable, "-c", script], {"OMP_NUM_THREADS": "3"})
        self.assertEqual(result, {"threads": "3"})
        self.assertIn("running OMP_NUM_THREADS=3 ", stderr.getvalue())


if __name__ == "__main__":
    unittest.main()
