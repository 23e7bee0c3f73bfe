package org.jnn.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.jnn.core.Rejections.assertRejected;

import org.junit.jupiter.api.Test;

class ScheduledRateTest {

    @Test
    void constantKeepsTheBaseRateEveryStep() {
        ScheduledRate rate = LearningRateSchedule.constant().start(0.01, 3, 5);
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int step = 0; step < 5; step++) {
                assertEquals(0.01, rate.rate(epoch, step));
            }
        }
    }

    @Test
    void stepDecayMultipliesByTheFactorEveryPeriod() {
        ScheduledRate rate = LearningRateSchedule.stepDecay(2, 0.5).start(0.8, 6, 3);
        assertEquals(0.8, rate.rate(0, 0));
        assertEquals(0.8, rate.rate(1, 2));
        assertEquals(0.4, rate.rate(2, 0));
        assertEquals(0.4, rate.rate(3, 1));
        assertEquals(0.2, rate.rate(4, 0));
    }

    @Test
    void exponentialDecaysOncePerEpochNotPerStep() {
        ScheduledRate rate = LearningRateSchedule.exponential(0.9).start(1.0, 4, 10);
        assertEquals(1.0, rate.rate(0, 9));
        assertEquals(0.9, rate.rate(1, 0), 1e-15);
        assertEquals(0.81, rate.rate(2, 5), 1e-15);
    }

    @Test
    void cosineFallsFromTheBaseRateToTheMinimumStepByStep() {
        int epochs = 4;
        int steps = 25;
        ScheduledRate rate = LearningRateSchedule.cosine(0.001, 0).start(0.1, epochs, steps);
        assertEquals(0.1, rate.rate(0, 0), 1e-15);
        double previous = Double.POSITIVE_INFINITY;
        for (int e = 0; e < epochs; e++) {
            for (int s = 0; s < steps; s++) {
                double r = rate.rate(e, s);
                assertTrue(r < previous || (e == 0 && s == 0), "not falling at epoch " + e + " step " + s);
                assertTrue(r > 0.001);
                previous = r;
            }
        }
        // Halfway through, the cosine is at the middle of its range.
        assertEquals(0.001 + (0.1 - 0.001) / 2, rate.rate(2, 0), 1e-12);
        // The last step is one step short of the minimum.
        assertEquals(0.001 + 0.099 * (1 + Math.cos(Math.PI * 99 / 100)) / 2, rate.rate(3, 24), 1e-15);
    }

    @Test
    void warmUpRisesLinearlyThenTheCosineStartsAtTheBaseRate() {
        ScheduledRate rate = LearningRateSchedule.cosine(0, 1).start(0.4, 3, 4);
        assertEquals(0.1, rate.rate(0, 0), 1e-15);
        assertEquals(0.2, rate.rate(0, 1), 1e-15);
        assertEquals(0.4, rate.rate(0, 3), 1e-15);
        assertEquals(0.4, rate.rate(1, 0), 1e-15);
        assertTrue(rate.rate(1, 1) < 0.4);
    }

    @Test
    void plateauReducesAfterPatienceEpochsWithoutGainAndThenWaitsAgain() {
        ScheduledRate rate = LearningRateSchedule.reduceOnPlateau(0.5, 2, 0.01).start(1.0, 20, 1);
        assertFalse(rate.epochFinished(1.0));
        assertFalse(rate.epochFinished(0.5));
        assertFalse(rate.epochFinished(0.495), "a gain below minDelta is no gain, but patience is 2");
        assertEquals(1.0, rate.rate(3, 0));
        assertTrue(rate.epochFinished(0.6), "second epoch without a gain of more than 0.01");
        assertEquals(0.5, rate.rate(4, 0));
        assertFalse(rate.epochFinished(0.6));
        assertTrue(rate.epochFinished(0.7));
        assertEquals(0.25, rate.rate(6, 0));
        assertFalse(rate.epochFinished(0.1), "a real gain resets the count");
        assertFalse(rate.epochFinished(0.2));
        assertEquals(0.25, rate.rate(8, 0));
    }

    @Test
    void plateauStopsReducingAtTheMinimumRate() {
        ScheduledRate rate = new LearningRateSchedule.ReduceOnPlateau(0.1, 1, 0, 0.05).start(1.0, 10, 1);
        rate.epochFinished(1.0);
        assertTrue(rate.epochFinished(1.0));
        assertTrue(rate.epochFinished(1.0));
        assertEquals(0.05, rate.rate(3, 0));
        assertFalse(rate.epochFinished(1.0), "already at the minimum");
    }

    @Test
    void aRestoredStateContinuesExactlyAsTheOriginal() {
        LearningRateSchedule plateau = LearningRateSchedule.reduceOnPlateau(0.5, 1, 0);
        ScheduledRate original = plateau.start(1.0, 10, 1);
        double[] losses = {1.0, 0.9, 0.95, 0.97, 0.8, 0.85};
        for (int i = 0; i < 3; i++) {
            original.epochFinished(losses[i]);
        }
        ScheduledRate resumed = plateau.start(1.0, 10, 1);
        resumed.restore(original.state());
        for (int i = 3; i < losses.length; i++) {
            assertEquals(original.epochFinished(losses[i]), resumed.epochFinished(losses[i]));
            assertEquals(original.rate(i, 0), resumed.rate(i, 0));
        }
        assertEquals(original.state(), resumed.state());
    }

    @Test
    void impossibleSettingsAreRejectedNamingTheSettingAndTheRange() {
        assertRejected(() -> LearningRateSchedule.stepDecay(0, 0.5), "step-decay period", "at least 1", "0");
        assertRejected(() -> LearningRateSchedule.stepDecay(3, 1.5), "step-decay factor", "1.5");
        assertRejected(() -> LearningRateSchedule.exponential(0), "exponential decay factor", "0.0");
        assertRejected(() -> LearningRateSchedule.cosine(-1, 0), "cosine minimum learning rate", "-1.0");
        assertRejected(() -> LearningRateSchedule.cosine(0.2, 0).start(0.1, 3, 10), "below the learning rate", "0.2");
        assertRejected(() -> LearningRateSchedule.cosine(0, 3).start(0.1, 3, 10), "warm-up", "3 epochs");
        assertRejected(() -> LearningRateSchedule.reduceOnPlateau(1, 2, 0), "plateau factor", "1.0");
        assertRejected(() -> LearningRateSchedule.reduceOnPlateau(0.5, 0, 0), "plateau patience", "0");
    }
}
