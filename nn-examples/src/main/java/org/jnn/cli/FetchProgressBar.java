package org.jnn.cli;

import java.io.PrintWriter;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.jnn.mnist.FetchProgress;

/**
 * Shows what the data set fetcher reports: its notes as lines, and each download or check that lasts
 * more than a moment as a progress bar in MiB. Quick tasks, such as checking the cached files on every
 * run, draw nothing.
 */
final class FetchProgressBar implements FetchProgress {

    /** How long a task runs before it gets a bar. */
    static final Duration DELAY = Duration.ofSeconds(1);

    private final ProgressOutput output;
    private final PrintWriter log;
    private final long delayNanos;
    private String task;
    private long total;
    private long startedAt;
    private ProgressOutput.Bar bar;

    /**
     * @param output where bars are drawn
     * @param log where notes go, one a line
     * @param delay how long a task runs before it gets a bar
     */
    FetchProgressBar(ProgressOutput output, PrintWriter log, Duration delay) {
        this.output = output;
        this.log = log;
        this.delayNanos = delay.toNanos();
    }

    @Override
    public void note(String message) {
        log.println(message);
        log.flush();
    }

    @Override
    public void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.startedAt = System.nanoTime();
    }

    @Override
    public void update(long done) {
        if (bar == null && task != null && System.nanoTime() - startedAt >= delayNanos) {
            ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task)
                    .setInitialMax(total).setUnit(" MiB", 1 << 20).continuousUpdate();
            // an unknown total (-1) makes an indefinite bar: npm and apt-get do not say how much they fetch
            bar = output.build(total < 0 ? builder.hideEta() : builder);
        }
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public void end() {
        if (bar != null) {
            bar.close();
        }
        bar = null;
        task = null;
    }
}
