package org.jnn.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardXYItemLabelGenerator;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The pictures: training curves and confusion matrices as PNG files, drawn with JFreeChart (no display needed). */
final class Charts {

    static final String TRAINING_CURVES = "training-curves.png";
    static final String CONFUSION_MATRIX = "confusion-matrix.png";

    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color VALIDATION = new Color(0xd62728);
    private static final Color RATE = new Color(0x9467bd);
    private static final Color ACCURACY = new Color(0x2ca02c);
    private static final Color GRID = new Color(0xdddddd);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final ItemLabelPosition ABOVE = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER);
    private static final ItemLabelPosition BELOW = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6, TextAnchor.TOP_CENTER);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private Charts() {
    }

    /** Creates {@code dir} if needed; a file in the way is the user's mistake. */
    static Path prepareDirectory(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("--plot " + dir + ": exists and is not a folder");
        }
        OutputPaths.checkFolder("--plot " + dir, dir);
        return Files.createDirectories(dir);
    }

    /**
     * Per epoch: the loss (training, and validation if there is a validation set), the validation
     * accuracy, and the learning rate if it changes; one panel each over a shared epoch axis, with the
     * best epoch marked when there is one. The test set is not drawn: it is measured once, after training.
     *
     * @param bestEpoch the epoch with the lowest validation loss, or 0 for none
     * @return the file written, {@code dir/training-curves.png}
     */
    static Path trainingCurves(List<TrainingRun.EpochStats> history, int bestEpoch, String title, String subtitle,
            Path dir) throws IOException {
        XYSeries trainLoss = new XYSeries("training loss (mean over the epoch)");
        XYSeries validationLoss = new XYSeries("validation loss (after the epoch)");
        XYSeries accuracy = new XYSeries("validation accuracy");
        XYSeries rate = new XYSeries("learning rate (the epoch's last step)");
        for (TrainingRun.EpochStats s : history) {
            trainLoss.add(s.epoch(), s.trainLoss());
            rate.add(s.epoch(), s.learningRate());
            if (s.hasValidation()) {
                validationLoss.add(s.epoch(), s.validationLoss());
                accuracy.add(s.epoch(), 100 * s.validationAccuracy());
            }
        }
        boolean labels = history.size() <= 12;
        List<XYPlot> panels = new ArrayList<>();

        NumberAxis lossAxis = new NumberAxis("loss (cross-entropy)");
        lossAxis.setAutoRangeIncludesZero(false); // so the margin below leaves room for the lower labels
        XYSeriesCollection losses = new XYSeriesCollection(trainLoss);
        if (!validationLoss.isEmpty()) {
            losses.addSeries(validationLoss);
        }
        panels.add(new XYPlot(losses, null, lossAxis, lineRenderer(labels, "0.0000", TRAIN, VALIDATION)));

        if (!accuracy.isEmpty()) {
            NumberAxis accuracyAxis = new NumberAxis("validation accuracy (%)");
            accuracyAxis.setAutoRangeIncludesZero(false);
            accuracyAxis.setAutoRangeMinimumSize(1.0);
            accuracyAxis.setNumberFormatOverride(new DecimalFormat("0.0"));
            panels.add(new XYPlot(new XYSeriesCollection(accuracy), null, accuracyAxis,
                    lineRenderer(labels, "0.00'%'", ACCURACY)));
        }
        if (rate.getMinY() != rate.getMaxY()) {
            NumberAxis rateAxis = new NumberAxis("learning rate");
            rateAxis.setAutoRangeIncludesZero(true);
            panels.add(new XYPlot(new XYSeriesCollection(rate), null, rateAxis, lineRenderer(false, "0.####", RATE)));
        }

        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        int epochs = history.size();
        epochAxis.setRange(epochs > 1 ? 0.7 : 0.5, epochs > 1 ? epochs + 0.3 : 1.5);

        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.setGap(16);
        for (XYPlot p : panels) {
            style(p);
            if (bestEpoch > 0) {
                ValueMarker best = new ValueMarker(bestEpoch, Color.GRAY, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
                if (p == panels.get(0)) {
                    best.setLabel("best epoch " + bestEpoch);
                    best.setLabelFont(SUBTITLE);
                    best.setLabelAnchor(RectangleAnchor.TOP_LEFT);
                    best.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
                    best.setLabelBackgroundColor(new Color(255, 255, 255, 0));
                }
                p.addDomainMarker(best);
            }
            plot.add(p, 1);
        }
        JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
        chart.addSubtitle(new TextTitle(subtitle, SUBTITLE));
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setFrame(BlockBorder.NONE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        Path file = dir.resolve(TRAINING_CURVES);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, Math.max(600, 350 + 175 * panels.size()));
        return file;
    }

    private static XYLineAndShapeRenderer lineRenderer(boolean labels, String format, Color... colors) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true) {
            private static final long serialVersionUID = 1L;

            /** Of two series, the upper point's label goes above it and the lower one's below, so they never overprint. */
            @Override
            public ItemLabelPosition getPositiveItemLabelPosition(int series, int item) {
                XYDataset data = getPlot() == null ? null : getPlot().getDataset();
                if (data != null && data.getSeriesCount() == 2 && item < data.getItemCount(1 - series)) {
                    boolean lower = data.getYValue(series, item) < data.getYValue(1 - series, item)
                            || (data.getYValue(series, item) == data.getYValue(1 - series, item) && series == 1);
                    if (lower) {
                        return BELOW;
                    }
                }
                return ABOVE;
            }
        };
        for (int i = 0; i < colors.length; i++) {
            renderer.setSeriesPaint(i, colors[i]);
            renderer.setSeriesStroke(i, new BasicStroke(2.2f));
        }
        if (labels) {
            renderer.setDefaultItemLabelGenerator(new StandardXYItemLabelGenerator("{2}", new DecimalFormat("0"),
                    new DecimalFormat(format)));
            renderer.setDefaultItemLabelsVisible(true);
            renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        }
        return renderer;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(Color.GRAY);
        plot.getRangeAxis().setUpperMargin(0.15);
        plot.getRangeAxis().setLowerMargin(0.1);
    }

    /**
     * A heat map of {@code confusion[actual][predicted]}: each cell coloured by its share of the actual
     * class (so rows of different sizes compare) and labelled with its count.
     *
     * @return the file written, {@code dir/confusion-matrix.png}
     */
    static Path confusionMatrix(int[][] confusion, List<String> classNames, String title, String subtitle, Path dir)
            throws IOException {
        int n = confusion.length;
        double[] xs = new double[n * n];
        double[] ys = new double[n * n];
        double[] shares = new double[n * n];
        Font countFont = new Font(Font.SANS_SERIF, Font.PLAIN, n <= 10 ? 14 : n <= 20 ? 10 : 7);
        XYPlot plot = new XYPlot();
        for (int actual = 0; actual < n; actual++) {
            long total = 0;
            for (int count : confusion[actual]) {
                total += count;
            }
            for (int predicted = 0; predicted < n; predicted++) {
                int i = actual * n + predicted;
                int count = confusion[actual][predicted];
                xs[i] = predicted;
                ys[i] = actual;
                shares[i] = total == 0 ? 0 : (double) count / total;
                if (count > 0 || n <= 12) {
                    XYTextAnnotation label = new XYTextAnnotation(Integer.toString(count), predicted, actual);
                    label.setFont(actual == predicted ? countFont.deriveFont(Font.BOLD) : countFont);
                    label.setPaint(shares[i] > 0.45 ? Color.WHITE : count == 0 ? new Color(0xbbbbbb) : Color.BLACK);
                    label.setTextAnchor(TextAnchor.CENTER);
                    plot.addAnnotation(label);
                }
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("share of the actual class", new double[][] {xs, ys, shares});

        String[] names = classNames.subList(0, Math.min(n, classNames.size())).toArray(String[]::new);
        if (names.length < n) {
            names = java.util.stream.IntStream.range(0, n).mapToObj(Integer::toString).toArray(String[]::new);
        }
        SymbolAxis predictedAxis = new SymbolAxis("predicted class", names);
        predictedAxis.setGridBandsVisible(false);
        predictedAxis.setVerticalTickLabels(longest(names) > 3);
        predictedAxis.setTickLabelFont(TICKS);
        SymbolAxis actualAxis = new SymbolAxis("actual class", names);
        actualAxis.setGridBandsVisible(false);
        actualAxis.setTickLabelFont(TICKS);
        actualAxis.setInverted(true); // row 0 at the top, as a matrix is read

        XYBlockRenderer renderer = new XYBlockRenderer();
        Shades shades = new Shades();
        renderer.setPaintScale(shades);
        plot.setDataset(data);
        plot.setDomainAxis(predictedAxis);
        plot.setRangeAxis(actualAxis);
        plot.setRenderer(renderer);
        plot.setDomainAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOutlinePaint(Color.GRAY);

        JFreeChart chart = new JFreeChart(title, TITLE, plot, false);
        chart.addSubtitle(new TextTitle(subtitle, SUBTITLE));
        NumberAxis scaleAxis = new NumberAxis("share of the actual class (colour); numbers are counts");
        scaleAxis.setRange(0, 1);
        scaleAxis.setNumberFormatOverride(new DecimalFormat("0%"));
        scaleAxis.setLabelFont(SUBTITLE);
        PaintScaleLegend legend = new PaintScaleLegend(shades, scaleAxis);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setMargin(new RectangleInsets(10, 60, 4, 60));
        legend.setStripWidth(12);
        legend.setAxisOffset(4);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        Path file = dir.resolve(CONFUSION_MATRIX);
        int side = Math.max(700, 60 * n + 200);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, side, side + 60);
        return file;
    }

    private static int longest(String[] names) {
        int max = 0;
        for (String name : names) {
            max = Math.max(max, name.length());
        }
        return max;
    }

    /**
     * White to dark blue, with a square-root ramp so that the few percent of mistakes off the diagonal
     * stand out from the zeros.
     */
    private static final class Shades implements PaintScale {
        private static final Color LOW = new Color(0xf7fbff);
        private static final Color HIGH = new Color(0x08306b);

        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double t = Math.sqrt(Math.max(0, Math.min(1, value)));
            return new Color(mix(LOW.getRed(), HIGH.getRed(), t), mix(LOW.getGreen(), HIGH.getGreen(), t),
                    mix(LOW.getBlue(), HIGH.getBlue(), t));
        }

        private static int mix(int a, int b, double t) {
            return (int) Math.round(a + (b - a) * t);
        }
    }
}
