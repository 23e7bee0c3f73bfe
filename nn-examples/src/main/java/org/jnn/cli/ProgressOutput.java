package org.jnn.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.text.DecimalFormat;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DefaultProgressBarRenderer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ProgressState;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * Makes the progress bars (me.tongfei:progressbar). On a terminal: one line redrawn in place, in colour
 * unless {@code NO_COLOR} is set. Anywhere else (a file, a pipe, a test): no redraws and no colour, only
 * the bar's last state as one line when it closes, so a log gets at most a line per epoch. In both, the
 * speed is the {@linkplain SmoothedRate current rate} and the bar keeps its width.
 */
abstract class ProgressOutput {

    private static final int UPDATE_MILLIS = 250;
    private static final int LINE_WIDTH = 100;
    /** The rate shown looks back over about this many seconds. */
    private static final double RATE_WINDOW_SECONDS = 2;

    /**
     * Bars on the process's standard error, redrawn in place if it is a terminal. Whether it is one is
     * asked (JLine runs {@code test -t 2}) when the first bar starts, so commands without bars do not pay.
     */
    static ProgressOutput stderr(PrintStream stderr, PrintWriter err) {
        return new ProgressOutput() {
            private ProgressOutput chosen;

            @Override
            synchronized ProgressBarConsumer consumer() {
                return chosen().consumer();
            }

            @Override
            synchronized ProgressBarStyle style() {
                return chosen().style();
            }

            private ProgressOutput chosen() {
                if (chosen == null) {
                    chosen = isTerminal(SystemStream.Error) ? terminal(stderr, colour()) : lines(err);
                }
                return chosen;
            }
        };
    }

    /** Bars redrawn in place on a terminal, coloured if {@code colour}. */
    static ProgressOutput terminal(PrintStream stderr, boolean colour) {
        return new ProgressOutput() {
            @Override
            ProgressBarConsumer consumer() {
                return new ConsoleProgressBarConsumer(stderr);
            }

            @Override
            ProgressBarStyle style() {
                return colour ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.UNICODE_BLOCK;
            }
        };
    }

    /** Each bar as one plain ASCII line on {@code err} when it closes: for files, pipes, tests and embedding. */
    static ProgressOutput lines(PrintWriter err) {
        return new ProgressOutput() {
            @Override
            ProgressBarConsumer consumer() {
                return new LastFrameConsumer(err, LINE_WIDTH);
            }

            @Override
            ProgressBarStyle style() {
                return ProgressBarStyle.ASCII;
            }
        };
    }

    abstract ProgressBarConsumer consumer();

    abstract ProgressBarStyle style();

    /** A started bar counting up to {@code max} (samples): {@code epoch 1/3  41% [====>   ] 2090/5000 (0:00:01 /   0:00:01)    2090/s loss 0.5526}. */
    Bar start(String task, long max) {
        return build(new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setUpdateIntervalMillis(UPDATE_MILLIS)
                .setRenderer(SteadyRenderer.create(style(), System::nanoTime)));
    }

    /** Builds the bar {@code builder} describes, drawn here. */
    Bar build(ProgressBarBuilder builder) {
        ClosingOnce consumer = new ClosingOnce(consumer());
        return new Bar(builder.setConsumer(consumer).setStyle(style()).build(), consumer);
    }

    /**
     * A started bar. Closing it also closes what draws it: progressbar 0.10.1 skips that when a bar is
     * closed before its first scheduled refresh (its update action only draws on its first run), which
     * would lose a log line or leave the terminal's cursor at the end of the bar.
     */
    static final class Bar implements AutoCloseable {
        private final ProgressBar bar;
        private final ClosingOnce consumer;

        private Bar(ProgressBar bar, ClosingOnce consumer) {
            this.bar = bar;
            this.consumer = consumer;
        }

        Bar stepBy(long n) {
            bar.stepBy(n);
            return this;
        }

        Bar stepTo(long n) {
            bar.stepTo(n);
            return this;
        }

        Bar setExtraMessage(String message) {
            bar.setExtraMessage(message);
            return this;
        }

        /** Draws the current state now, as the bar's own schedule would. */
        void refresh() {
            bar.refresh();
        }

        @Override
        public void close() {
            bar.close(); // waits for the last frame to be drawn
            consumer.close();
        }
    }

    /** A consumer whose {@code close} runs once, whoever calls it first: the library or {@link Bar#close}. */
    private static final class ClosingOnce implements ProgressBarConsumer {
        private final ProgressBarConsumer delegate;
        private boolean closed;

        ClosingOnce(ProgressBarConsumer delegate) {
            this.delegate = delegate;
        }

        @Override
        public int getMaxRenderedLength() {
            return delegate.getMaxRenderedLength();
        }

        @Override
        public void accept(String rendered) {
            delegate.accept(rendered);
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                delegate.close();
            }
        }
    }

    private static boolean isTerminal(SystemStream stream) {
        try {
            return TerminalProvider.load("exec").isSystemStream(stream);
        } catch (Exception | LinkageError e) {
            return false; // cannot tell: no redraws is the safe side
        }
    }

    /** Colour unless the user asked for none (https://no-color.org) or the terminal is dumb. */
    private static boolean colour() {
        String noColor = System.getenv("NO_COLOR");
        return (noColor == null || noColor.isEmpty()) && !"dumb".equals(System.getenv("TERM"));
    }

    /**
     * The library's renderer with the current rate instead of the count divided by whole seconds, an
     * estimated time left from that rate, and both padded to a fixed width, so that the bar between them
     * keeps its width as the numbers change.
     */
    static final class SteadyRenderer extends DefaultProgressBarRenderer {
        private final SmoothedRate rate;
        private final LongSupplier clock;
        private long lastObserved = -1;

        private SteadyRenderer(ProgressBarStyle style, LongSupplier clock, SmoothedRate rate) {
            super(style, "", 1, true, new DecimalFormat("0"), ChronoUnit.SECONDS, true, state -> timeLeft(state, rate));
            this.rate = rate;
            this.clock = clock;
        }

        /** @param clock nanoseconds, as {@link System#nanoTime()} */
        static SteadyRenderer create(ProgressBarStyle style, LongSupplier clock) {
            return new SteadyRenderer(style, clock, new SmoothedRate(RATE_WINDOW_SECONDS));
        }

        @Override
        public String render(ProgressState progress, int maxLength) {
            // A finished bar keeps the rate it finished at: an epoch's bar closes after the validation
            // pass, and the seconds that pass takes would otherwise drag the shown rate towards zero.
            long current = progress.getCurrent();
            if (current < progress.getMax() || current != lastObserved) {
                rate.observe(current, clock.getAsLong());
                lastObserved = current;
            }
            return super.render(progress, maxLength);
        }

        @Override
        protected String speed(ProgressState progress) {
            double perSecond = rate.perSecond();
            return String.format(Locale.ROOT, "%7s/s", Double.isNaN(perSecond) ? "?" : String.format(Locale.ROOT, "%.0f", perSecond));
        }

        @Override
        protected String etaString(ProgressState progress) {
            return String.format(Locale.ROOT, "%8s", super.etaString(progress)); // up to 99:59:59 left
        }

        private static Optional<Duration> timeLeft(ProgressState state, SmoothedRate rate) {
            double perSecond = rate.perSecond();
            if (!(perSecond > 0) || state.isIndefinite()) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.round(1000 * (state.getMax() - state.getCurrent()) / perSecond)));
        }
    }

    /** Keeps only the newest frame and writes it as one line when the bar closes: no carriage returns. */
    private static final class LastFrameConsumer implements ProgressBarConsumer {
        private final PrintWriter out;
        private final int width;
        private String last;

        LastFrameConsumer(PrintWriter out, int width) {
            this.out = out;
            this.width = width;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public synchronized void accept(String rendered) {
            last = rendered;
        }

        @Override
        public synchronized void close() {
            if (last != null) {
                synchronized (out) {
                    out.println(last.stripTrailing());
                    out.flush();
                }
            }
        }
    }
}
