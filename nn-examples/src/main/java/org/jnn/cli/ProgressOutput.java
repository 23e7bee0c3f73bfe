package org.jnn.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.text.DecimalFormat;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/** Makes the progress bars: on the terminal when run as a program, into a writer when embedded or tested. */
abstract class ProgressOutput {

    private static final int UPDATE_MILLIS = 250;

    /** Bars on the process's standard error, as wide as the terminal, in Unicode blocks on a terminal. */
    static ProgressOutput console(PrintStream stderr) {
        boolean terminal = System.console() != null;
        return new ProgressOutput() {
            @Override
            ProgressBarBuilder configure(ProgressBarBuilder builder) {
                return builder.setConsumer(new ConsoleProgressBarConsumer(stderr))
                        .setStyle(terminal ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII);
            }
        };
    }

    /** Plain ASCII bars written to {@code err}, each redrawn after a carriage return. */
    static ProgressOutput writer(PrintWriter err) {
        return new ProgressOutput() {
            @Override
            ProgressBarBuilder configure(ProgressBarBuilder builder) {
                return builder.setConsumer(new WriterConsumer(err, 110)).setStyle(ProgressBarStyle.ASCII);
            }
        };
    }

    abstract ProgressBarBuilder configure(ProgressBarBuilder builder);

    /** A started bar counting up to {@code max} (samples): {@code epoch 1/3  41% [====>   ] 2090/5000 (0:00:01 / 0:00:01) 2090/s loss 0.5526}. */
    ProgressBar start(String task, long max) {
        return configure(new ProgressBarBuilder())
                .setTaskName(task)
                .setInitialMax(max)
                .setUnit("", 1)
                .setUpdateIntervalMillis(UPDATE_MILLIS)
                .showSpeed(new DecimalFormat("0"))
                .build();
    }

    /** Draws each frame after a carriage return on one line of a writer; a newline when done. */
    private static final class WriterConsumer implements ProgressBarConsumer {
        private final PrintWriter out;
        private final int width;

        WriterConsumer(PrintWriter out, int width) {
            this.out = out;
            this.width = width;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public void accept(String rendered) {
            synchronized (out) {
                out.print('\r');
                out.print(rendered);
                out.flush();
            }
        }

        @Override
        public void close() {
            synchronized (out) {
                out.println();
                out.flush();
            }
        }
    }
}
