"""Tests of recipe_results.py's table (no training): run with /usr/bin/python3 -m unittest discover -s compare."""

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import recipe_results  # noqa: E402

SCRIPT = Path(__file__).resolve().parent / "recipe_results.py"


def jnn_result(dataset, backend, accuracy, seconds):
    return {"dataset": dataset, "backend": backend, "test_accuracy": accuracy, "epochs_trained": 3,
            "best_epoch": 2, "train_seconds": sum(seconds),
            "history": [{"epoch": i + 1, "seconds": s} for i, s in enumerate(seconds)]}


def pytorch_result(dataset, accuracy, seconds):
    return {"system": "PyTorch", "version": "1.13.0a0+git", "settings": {"dataset": dataset}, "threads": 2,
            "test_accuracy": accuracy, "best_epoch": 3, "epochs_run": 3, "train_seconds": sum(seconds),
            "history": [{"epoch": i + 1, "seconds": s} for i, s in enumerate(seconds)]}


class SavedResultsTable(unittest.TestCase):

    def write(self, folder, name, result):
        (Path(folder) / name).write_text(json.dumps(result))

    def test_rows_of_both_kinds_in_data_set_order_with_pytorch_last(self):
        with tempfile.TemporaryDirectory() as folder:
            self.write(folder, "a.json", pytorch_result("mnist", 0.9867, [9.0, 7.5, 8.0]))
            self.write(folder, "b.json", jnn_result("fashion", "nd4j", 0.9004, [12.0, 11.3, 30.0]))
            self.write(folder, "c.json", jnn_result("mnist", "ejml", 0.9865, [20.0, 18.25, 19.0]))
            self.write(folder, "d.json", jnn_result("mnist", "commons-math", 0.9865, [40.0, 41.0, 42.0]))
            self.write(folder, "e.json", jnn_result("mnist", "nd4j", 0.9865, [6.0, 6.5, 7.0]))
            rows = recipe_results.rows_from(folder)
        self.assertEqual([(r[0], r[1]) for r in rows],
                         [("MNIST", "jnn `nd4j`"), ("MNIST", "jnn `ejml`"), ("MNIST", "jnn `commons-math`"),
                          ("MNIST", "PyTorch 1.13, 2 threads"), ("Fashion-MNIST", "jnn `nd4j`")])
        lines = recipe_results.table(rows).splitlines()
        self.assertEqual(len(lines), 7)
        self.assertEqual(lines[3], "| MNIST | jnn `ejml` | 98.65 % | 2 / 3 | 57 s | 18.2 s |")
        self.assertIn("| 7.5 s |", lines[5], "the fastest epoch, not the first or the mean")

    def test_a_file_of_another_kind_is_named(self):
        with tempfile.TemporaryDirectory() as folder:
            self.write(folder, "other.json", {"accuracy": 1})
            done = subprocess.run([sys.executable, str(SCRIPT), "--table-from", folder],
                                  capture_output=True, text=True)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("other.json", done.stderr)
        self.assertNotIn("Traceback", done.stderr)

    def test_an_empty_folder_says_so(self):
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run([sys.executable, str(SCRIPT), "--table-from", folder],
                                  capture_output=True, text=True)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("no .json results", done.stderr)


if __name__ == "__main__":
    unittest.main()
