"""Tests of pytorch_recipe.py: that it trains the way its help says, with the test set out of every choice.

Run: /usr/bin/python3 -m unittest discover -s compare -v   (skipped without PyTorch)
"""

import contextlib
import io
import math
import os
import unittest
from unittest import mock

import numpy as np

try:
    import torch
except ImportError:
    torch = None

if torch is not None:
    import pytorch_recipe as recipe


def parse(*argv):
    with mock.patch.dict(os.environ):  # parse sets the BLAS and OpenMP variables
        return recipe.parse(list(argv))


def rejected(*argv):
    """The exit status and message of a parse that must fail."""
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            parse(*argv)
    except SystemExit as exit:
        return exit.code, stderr.getvalue()
    raise AssertionError(f"{argv} was accepted")


def tiny_net(seed=0, dropout=(0.0,)):
    torch.manual_seed(seed)
    return recipe.build(torch, (4, 3, 2), "relu", list(dropout), torch.float64)


@unittest.skipIf(torch is None, "PyTorch is not installed for this Python")
class OptionsTest(unittest.TestCase):

    def test_the_data_set_chooses_the_preset_and_options_override_it(self):
        fashion = parse("--dataset", "fashion")
        self.assertEqual(fashion.preset, "fashion")
        self.assertEqual(fashion.hidden, recipe.PRESETS["fashion"]["hidden"])
        self.assertEqual(fashion.threads, 2)
        changed = parse("--dataset", "fashion", "--preset", "mnist", "--lr", "0.05", "--hidden", "30,20")
        self.assertEqual((changed.preset, changed.lr, changed.hidden), ("mnist", 0.05, [30, 20]))
        self.assertEqual(changed.epochs, recipe.PRESETS["mnist"]["epochs"])

    def test_one_dropout_rate_serves_every_hidden_layer(self):
        self.assertEqual(parse("--hidden", "8,8,8", "--dropout", "0.25").dropout, [0.25, 0.25, 0.25])
        self.assertEqual(parse("--hidden", "8,8", "--dropout", "0.1,0.5").dropout, [0.1, 0.5])

    def test_nonsense_is_rejected_with_the_option_named(self):
        cases = {("--hidden", "8,8", "--dropout", "0.1,0.2,0.3"): "3 rates for 2 hidden layers",
                 ("--dropout", "1"): "below 1",
                 ("--hidden", "0"): "at least 1 unit",
                 ("--lr", "0"): "--lr must be a number greater than 0",
                 ("--validation", "0"): "--validation must be in",
                 ("--patience", "0"): "--patience must be at least 1",
                 ("--weight-decay", "-1"): "--weight-decay must be a number of at least 0",
                 ("--optimizer", "sgd", "--nesterov"): "--nesterov needs a --momentum above 0",
                 ("--optimizer", "adam", "--momentum", "0.9"): "--momentum applies to --optimizer sgd or rmsprop only",
                 ("--schedule", "step", "--warmup-steps", "10"): "--warmup-steps applies to --schedule cosine only",
                 ("--schedule", "constant", "--gamma", "0.5"): "--gamma applies to --schedule step or exponential",
                 ("--lr", "0.001", "--min-lr", "0.01"): "must not exceed --lr",
                 ("--schedule-unit", "epoch", "--warmup-steps", "5"): "it needs --schedule-unit step"}
        for argv, message in cases.items():
            with self.subTest(argv=argv):
                status, stderr = rejected(*argv)
                self.assertEqual(status, 2)
                self.assertIn(message, stderr)


@unittest.skipIf(torch is None, "PyTorch is not installed for this Python")
class ValidationSplitTest(unittest.TestCase):

    def test_split_is_seeded_disjoint_and_complete(self):
        kept, held_out = recipe.split_validation(np, 1000, 0.1, seed=5)
        again_kept, again_held_out = recipe.split_validation(np, 1000, 0.1, seed=5)
        other_kept, other_held_out = recipe.split_validation(np, 1000, 0.1, seed=6)
        self.assertEqual(len(held_out), 100)
        self.assertEqual(len(set(kept) & set(held_out)), 0)
        self.assertEqual(sorted(np.concatenate([kept, held_out])), list(range(1000)))
        np.testing.assert_array_equal(held_out, again_held_out)
        np.testing.assert_array_equal(kept, again_kept)
        self.assertFalse(np.array_equal(held_out, other_held_out))

    def test_validation_samples_come_from_all_over_the_training_set(self):
        _, held_out = recipe.split_validation(np, 60000, 0.1, seed=42)
        self.assertLess(held_out.min(), 600)  # not the last 10 %, which may differ from the rest
        self.assertGreater(held_out.max(), 59400)


@unittest.skipIf(torch is None, "PyTorch is not installed for this Python")
class NetworkTest(unittest.TestCase):

    def test_layers_activations_and_dropout_in_order(self):
        net = recipe.build(torch, (6, 5, 4, 3), "gelu", [0.2, 0.0], torch.float64)
        self.assertEqual([type(m).__name__ for m in net], ["Linear", "GELU", "Dropout", "Linear", "GELU", "Linear"])
        self.assertEqual(net[1].approximate, "tanh")
        self.assertEqual(recipe.build(torch, (6, 5, 3), "leaky_relu", [0.0], torch.float64)[1].negative_slope, 0.01)

    def test_he_normal_weights_and_zero_biases(self):
        torch.manual_seed(0)
        net = recipe.build(torch, (784, 500, 10), "tanh", [0.0], torch.float64)
        for linear, fan_in in ((net[0], 784), (net[2], 500)):
            self.assertAlmostEqual(linear.weight.std().item() / math.sqrt(2 / fan_in), 1, delta=0.05)
            self.assertEqual(linear.bias.abs().sum().item(), 0)

    def test_evaluation_turns_dropout_off_and_training_back_on(self):
        net = tiny_net(dropout=[0.5])
        x, y = torch.rand(50, 4, dtype=torch.float64), torch.randint(0, 2, (50,))
        loss = torch.nn.CrossEntropyLoss()
        self.assertEqual(recipe.evaluate(torch, net, x, y, loss), recipe.evaluate(torch, net, x, y, loss))
        self.assertTrue(net.training)


@unittest.skipIf(torch is None, "PyTorch is not installed for this Python")
class WeightDecayTest(unittest.TestCase):

    def test_no_optimizer_decays_the_biases(self):
        for optimizer in recipe.OPTIMIZERS:
            with self.subTest(optimizer=optimizer):
                net = tiny_net()
                with torch.no_grad():
                    for linear in (net[0], net[2]):
                        linear.bias.fill_(0.5)
                weights = [net[0].weight.clone(), net[2].weight.clone()]
                args = parse("--optimizer", optimizer, "--weight-decay", "0.1", "--lr", "0.01")
                step = recipe.optimizer_for(torch, net, args)
                for p in net.parameters():
                    p.grad = torch.zeros_like(p)  # only the decay can move a parameter
                step.step()
                for linear, before in zip((net[0], net[2]), weights):
                    self.assertTrue(torch.all(linear.bias == 0.5), f"{optimizer} moved a bias")
                    self.assertTrue(torch.all(linear.weight.abs() < before.abs()), f"{optimizer} did not decay")

    def test_adamw_decays_by_lr_times_decay(self):
        net = tiny_net()
        before = net[0].weight.detach().clone()
        step = recipe.optimizer_for(torch, net, parse("--optimizer", "adamw", "--weight-decay", "0.1", "--lr", "0.01"))
        for p in net.parameters():
            p.grad = torch.zeros_like(p)
        step.step()
        torch.testing.assert_close(net[0].weight.detach(), before * (1 - 0.01 * 0.1), rtol=1e-15, atol=0)


@unittest.skipIf(torch is None, "PyTorch is not installed for this Python")
class ScheduleTest(unittest.TestCase):

    def rates(self, steps_per_epoch, *argv):
        args = parse("--lr", "0.1", "--epochs", "4", *argv)
        schedule = recipe.Schedule(args, steps_per_epoch)
        return [schedule.rate(step, step // steps_per_epoch) for step in range(4 * steps_per_epoch)]

    def test_cosine_warms_up_linearly_then_falls_to_the_minimum(self):
        rates = self.rates(10, "--schedule", "cosine", "--schedule-unit", "step", "--warmup-steps", "4",
                           "--min-lr", "0.001")
        np.testing.assert_allclose(rates[:4], [0.025, 0.05, 0.075, 0.1], rtol=1e-15)
        self.assertAlmostEqual(rates[4], 0.1)
        self.assertAlmostEqual(rates[4 + 18], 0.001 + 0.099 / 2)  # half way through the 36 steps after warm-up
        self.assertTrue(all(a > b for a, b in zip(rates[4:], rates[5:])))
        self.assertAlmostEqual(rates[-1], 0.001 + 0.099 * (1 + math.cos(math.pi * 35 / 36)) / 2)

    def test_per_epoch_schedules_hold_the_rate_within_an_epoch(self):
        cosine = self.rates(3, "--schedule", "cosine", "--schedule-unit", "epoch", "--min-lr", "0")
        self.assertEqual(cosine[:3], [0.1] * 3)
        self.assertAlmostEqual(cosine[6], 0.05)
        step = self.rates(2, "--schedule", "step", "--schedule-unit", "epoch", "--step-size", "2", "--gamma", "0.5")
        self.assertEqual(step, [0.1] * 4 + [0.05] * 4)
        exponential = self.rates(1, "--schedule", "exponential", "--schedule-unit", "epoch", "--gamma", "0.5")
        self.assertEqual(exponential, [0.1, 0.05, 0.025, 0.0125])

    def test_constant_stays_constant(self):
        self.assertEqual(set(self.rates(5, "--schedule", "constant")), {0.1})


@unittest.skipIf(torch is None, "PyTorch is not installed for this Python")
class EarlyStoppingTest(unittest.TestCase):

    def test_stops_after_patience_and_restores_the_best_weights(self):
        net = tiny_net()
        stopper = recipe.EarlyStopping(patience=2, min_delta=0.01)
        decisions = []
        weights = {}
        for epoch, loss in enumerate([1.0, 0.5, 0.495, 0.7], start=1):  # 0.495 improves by less than min_delta
            with torch.no_grad():
                net[0].weight.fill_(epoch)
            weights[epoch] = net[0].weight.detach().clone()
            decisions.append(stopper.should_stop(epoch, loss, net))
        self.assertEqual(decisions, [False, False, False, True])
        self.assertEqual((stopper.best_epoch, stopper.best_loss), (2, 0.5))
        stopper.restore_best(net)
        torch.testing.assert_close(net[0].weight.detach(), weights[2], rtol=0, atol=0)

    def test_training_ends_with_the_weights_of_the_best_validation_epoch(self):
        rng = np.random.default_rng(1)
        x = torch.from_numpy(rng.random((120, 4)))
        y = torch.from_numpy((x[:, 0] > 0.5).numpy().astype(np.int64))
        # A large constant rate makes the validation loss move up and down, so the last epoch is rarely the best.
        args = parse("--optimizer", "sgd", "--lr", "2", "--schedule", "constant", "--batch", "8", "--epochs", "12",
                     "--patience", "12", "--seed", "3")
        net = tiny_net(seed=3)
        with mock.patch.object(recipe.experiment, "progress"):
            stopper, history, seconds = recipe.train(torch, net, args, x[:80], y[:80], x[80:], y[80:])
        losses = [h["validation_loss"] for h in history]
        self.assertEqual(len(history), 12)
        self.assertEqual(stopper.best_epoch, 1 + losses.index(min(losses)))
        self.assertNotEqual(stopper.best_epoch, 12, "pick a setting where the best epoch is not the last")
        loss, _ = recipe.evaluate(torch, net, x[80:], y[80:], torch.nn.CrossEntropyLoss())
        self.assertAlmostEqual(loss, min(losses), places=12)
        self.assertGreater(seconds, 0)


if __name__ == "__main__":
    unittest.main()
