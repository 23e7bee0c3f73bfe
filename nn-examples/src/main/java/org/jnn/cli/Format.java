package org.jnn.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Numbers and tables as the command line prints them. */
final class Format {

    private Format() {
    }

    /**
     * {@code epoch 1/3  loss 0.2311  lr 0.01  41.2 s  1457 samples/s}, and with a validation set
     * {@code epoch 1/3  loss 0.2311  lr 0.01  validation loss 0.1342 accuracy 96.12%  41.2 s  1457 samples/s}.
     */
    static String epochLine(TrainingRun.EpochStats s, int epochs) {
        String validation = s.hasValidation() ? "  validation loss " + loss(s.validationLoss()) + " accuracy "
                + percent(s.validationAccuracy()) : "";
        return String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  lr %s%s  %s  %s samples/s", s.epoch(), epochs,
                s.trainLoss(), number(s.learningRate()), validation, seconds(s.seconds()), rate(s.samplesPerSecond()));
    }

    /**
     * A setting as a person writes it, to 4 significant digits: {@code 0.01}, {@code 0.9}, {@code 3},
     * {@code 1e-8}, {@code 0.0004523}.
     */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros();
        double magnitude = Math.abs(value);
        return magnitude >= 1e-4 && magnitude < 1e7 ? rounded.toPlainString()
                : rounded.toString().replace("E", "e").replace("e+", "e");
    }

    /** {@code 96.12%}; NaN as {@code -}. */
    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    /** {@code 41.2 s} */
    static String seconds(double seconds) {
        return String.format(Locale.ROOT, seconds < 10 ? "%.2f s" : "%.1f s", seconds);
    }

    /** {@code 1457}, or {@code 12.3} below 100. */
    static String rate(double perSecond) {
        if (Double.isInfinite(perSecond)) {
            return "-";
        }
        return String.format(Locale.ROOT, perSecond < 100 ? "%.1f" : "%.0f", perSecond);
    }

    /** {@code 0.0786} */
    static String loss(double loss) {
        return String.format(Locale.ROOT, "%.4f", loss);
    }

    /** A short scientific form for differences: {@code 0}, {@code 3.2e-15}. */
    static String difference(double d) {
        return d == 0 ? "0" : String.format(Locale.ROOT, "%.2g", d);
    }

    /** A plain-text table: a header row, a rule, then the rows; numeric-looking cells aligned right. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final String[] header;

        Table(String... header) {
            this.header = header;
        }

        Table row(Object... cells) {
            String[] row = new String[header.length];
            for (int i = 0; i < row.length; i++) {
                row[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
            }
            rows.add(row);
            return this;
        }

        String render() {
            int[] widths = new int[header.length];
            boolean[] right = new boolean[header.length];
            Arrays.fill(right, !rows.isEmpty());
            for (int c = 0; c < header.length; c++) {
                widths[c] = header[c].length();
                for (String[] row : rows) {
                    widths[c] = Math.max(widths[c], row[c].length());
                    right[c] &= row[c].isEmpty() || row[c].equals("-") || row[c].matches("[-+]?[0-9.,]+(e[-+]?[0-9]+)?( ?(%|s))?");
                }
            }
            StringBuilder out = new StringBuilder();
            line(out, header, widths, right);
            String[] rule = new String[header.length];
            for (int c = 0; c < rule.length; c++) {
                rule[c] = "-".repeat(widths[c]);
            }
            line(out, rule, widths, right);
            for (String[] row : rows) {
                line(out, row, widths, right);
            }
            return out.toString();
        }

        private static void line(StringBuilder out, String[] cells, int[] widths, boolean[] right) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cells.length; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(widths[c] - cells[c].length());
                line.append(right[c] ? pad + cells[c] : cells[c] + pad);
            }
            out.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
    }
}
