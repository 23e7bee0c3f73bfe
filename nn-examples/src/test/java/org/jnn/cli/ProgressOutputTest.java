package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.junit.jupiter.api.Test;

/** Progress that tells the truth: the current rate, a bar of constant width, no redraws off a terminal. */
class ProgressOutputTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aSteadyRateShowsAsThatRateNotAsCountOverWholeSeconds() {
        // 7,260 samples a second arriving in chunks at irregular moments, as training reports them
        SmoothedRate rate = new SmoothedRate(2);
        double trueRate = 7260;
        long[] moments = {0, 240, 510, 730, 1010, 1260, 1490, 1770, 2010, 2230, 2500, 2760, 2990, 3240, 3510};
        for (long millis : moments) {
            long nanos = millis * 1_000_000;
            rate.observe(Math.round(trueRate * nanos / 1e9), nanos);
            if (millis >= 500) {
                assertEquals(trueRate, rate.perSecond(), 0.01 * trueRate, "at " + millis + " ms");
            }
        }
        // what the library's own speed would have said at 1.77 s: the count over 1 whole second
        double countOverWholeSeconds = Math.round(trueRate * 1.77) / 1.0;
        assertTrue(countOverWholeSeconds > 1.7 * trueRate, "the figure this replaces was far off: " + countOverWholeSeconds);
    }

    @Test
    void aChangeOfSpeedShowsWithinSecondsAndAnEarlierSlowStartIsForgotten() {
        SmoothedRate rate = new SmoothedRate(2);
        long count = 0;
        long nanos = 0;
        rate.observe(count, nanos);
        for (int step = 0; step < 40; step++) { // 10 s at 5,000 a second
            nanos += SECOND / 4;
            count += 1250;
            rate.observe(count, nanos);
        }
        assertEquals(5000, rate.perSecond(), 50);
        for (int step = 0; step < 32; step++) { // then 8 s at 10,000 a second
            nanos += SECOND / 4;
            count += 2500;
            rate.observe(count, nanos);
        }
        assertEquals(10_000, rate.perSecond(), 200, "the average since the start would say 7,222");
    }

    @Test
    void theBarKeepsItsWidthAsTheNumbersChange() throws Exception {
        AtomicLong clock = new AtomicLong();
        List<String> frames = new ArrayList<>();
        ProgressBar bar = new ProgressBarBuilder().setTaskName("epoch 1/3").setInitialMax(600_000)
                .setUpdateIntervalMillis(60_000) // frames only when the test asks
                .continuousUpdate() // and each time it asks, even with no progress since the last
                .setRenderer(ProgressOutput.SteadyRenderer.create(ProgressBarStyle.ASCII, clock::get))
                .setConsumer(new DelegatingProgressBarConsumer(frame -> {
                    synchronized (frames) {
                        frames.add(frame);
                    }
                }, 110))
                .build();
        // A frame at the start, drawn here: the library draws its own first one on its thread whenever that
        // thread gets to it, which may be after the first step below (and then no frame would lack a rate).
        bar.setExtraMessage(" loss 0.5526");
        bar.refresh();
        // rates from nothing (no rate yet) through 40/s to 400,000/s; time left from "?" to over ten hours
        long[][] steps = {{1, 10}, {2, 50}, {3, 2_000}, {4, 90_000}, {5, 490_000}, {6, 599_000}};
        for (long[] step : steps) {
            clock.set(step[0] * SECOND);
            bar.stepTo(step[1]);
            bar.setExtraMessage(" loss 0.5526");
            bar.refresh();
        }
        bar.close();
        List<String> seen;
        synchronized (frames) {
            seen = List.copyOf(frames);
        }
        assertTrue(seen.size() >= steps.length, seen::toString);
        int width = barWidth(seen.get(0));
        for (String frame : seen) {
            assertEquals(width, barWidth(frame), () -> "the bar changed width:\n" + String.join("\n", seen));
        }
        assertTrue(seen.stream().anyMatch(f -> f.contains("?/s")), "no rate before two observations: " + seen);
        assertTrue(seen.stream().anyMatch(f -> f.matches(".* \\d{6}/s .*")), "six-digit rates were drawn too: " + seen);
    }

    @Test
    void aFinishedBarKeepsTheRateItFinishedAtWhileTheValidationPassRuns() {
        AtomicLong clock = new AtomicLong();
        List<String> frames = new ArrayList<>();
        ProgressBar bar = new ProgressBarBuilder().setTaskName("epoch 1/3").setInitialMax(10_000)
                .setUpdateIntervalMillis(60_000).continuousUpdate()
                .setRenderer(ProgressOutput.SteadyRenderer.create(ProgressBarStyle.ASCII, clock::get))
                .setConsumer(new DelegatingProgressBarConsumer(frame -> {
                    synchronized (frames) {
                        frames.add(frame);
                    }
                }, 110))
                .build();
        bar.refresh();
        for (int second = 1; second <= 10; second++) { // 1,000 samples a second
            clock.set(second * SECOND);
            bar.stepTo(second * 1000L);
            bar.refresh();
        }
        for (int second = 11; second <= 20; second++) { // then ten seconds of validation: no training samples
            clock.set(second * SECOND);
            bar.refresh();
        }
        bar.close();
        String last;
        synchronized (frames) {
            last = frames.get(frames.size() - 1);
        }
        assertTrue(last.matches(".* 1000/s.*"), "the finished bar shows the rate it ran at: " + last);
    }

    private static int barWidth(String frame) {
        return frame.indexOf(']') - frame.indexOf('[');
    }

    @Test
    void offATerminalABarIsOnePlainLineWhenItCloses() {
        java.io.StringWriter text = new java.io.StringWriter();
        ProgressOutput lines = ProgressOutput.lines(new java.io.PrintWriter(text, true));
        ProgressOutput.Bar bar = lines.start("epoch 2/3", 1000);
        for (int i = 0; i < 10; i++) {
            bar.stepBy(100);
            bar.refresh();
        }
        bar.close();
        String written = text.toString();
        assertFalse(written.contains("\r"), written);
        assertFalse(written.contains("\u001b"), written);
        assertEquals(1, written.lines().count(), written);
        assertTrue(written.startsWith("epoch 2/3 100% [") && written.contains("1000/1000"), written);
    }
}
