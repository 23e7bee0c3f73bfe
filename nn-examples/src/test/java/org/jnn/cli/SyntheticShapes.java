package org.jnn.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.jnn.mnist.MnistImage;

/**
 * A tiny labelled data set in MNIST's format: ten simple shapes (ring, bars, plus, cross, square,
 * disc, triangle, diagonals), drawn with random size, proportions, position and pen width, and
 * converted to 28×28 exactly as {@code nn predict} converts pictures, so that a model trained on them
 * also recognises larger drawings of the same shapes.
 */
final class SyntheticShapes {

    static final int CLASSES = 10;
    static final String[] NAMES = {"ring", "vertical bar", "horizontal bar", "plus", "cross", "square",
        "disc", "triangle", "slash", "backslash"};

    private SyntheticShapes() {
    }

    /** Writes train-/t10k- images and labels into {@code dir}: {@code perClass} samples of each class per split. */
    static Path writeDataset(Path dir, int trainPerClass, int testPerClass, long seed) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        writeSplit(dir, "train", trainPerClass, random);
        writeSplit(dir, "t10k", testPerClass, random);
        return dir;
    }

    private static void writeSplit(Path dir, String prefix, int perClass, Random random) throws IOException {
        int n = perClass * CLASSES;
        byte[] labels = new byte[n];
        byte[] pixels = new byte[n * 784];
        for (int i = 0; i < n; i++) {
            int label = i % CLASSES; // interleaved, so that the first N samples (--limit) cover every class
            labels[i] = (byte) label;
            double[] image = MnistImage.convert(draw(label, 64, 64, random, false, 1.0));
            for (int p = 0; p < 784; p++) {
                pixels[i * 784 + p] = (byte) Math.round(255 * image[p]);
            }
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")))) {
            out.writeInt(0x803);
            out.writeInt(n);
            out.writeInt(28);
            out.writeInt(28);
            out.write(pixels);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            out.writeInt(0x801);
            out.writeInt(n);
            out.write(labels);
        }
    }

    /** Writes a picture of class {@code label}, dark ink on white paper, as a PNG file. */
    static Path writePng(Path file, int label, int width, int height, long seed) throws IOException {
        BufferedImage image = draw(label, width, height, new Random(seed), true, 1.0);
        try (OutputStream out = Files.newOutputStream(file)) {
            ImageIO.write(image, "png", out);
        }
        return file;
    }

    /**
     * One shape on a {@code width × height} canvas with random jitter; white on black, or black on white
     * when {@code darkOnLight}.
     */
    static BufferedImage draw(int label, int width, int height, Random random, boolean darkOnLight, double penScale) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(darkOnLight ? Color.WHITE : Color.BLACK);
        g.fillRect(0, 0, width, height);
        g.setColor(darkOnLight ? Color.BLACK : Color.WHITE);
        double side = Math.min(width, height);
        double size = side * (0.5 + 0.25 * random.nextDouble());
        double w = size * (0.85 + 0.3 * random.nextDouble());
        double h = size * (0.85 + 0.3 * random.nextDouble());
        double x = (width - w) / 2 + (random.nextDouble() - 0.5) * (width - w) * 0.6;
        double y = (height - h) / 2 + (random.nextDouble() - 0.5) * (height - h) * 0.6;
        float pen = (float) (side * (0.07 + 0.04 * random.nextDouble()) * penScale);
        g.setStroke(new BasicStroke(pen, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        double cx = x + w / 2;
        double cy = y + h / 2;
        switch (label) {
            case 0 -> g.draw(new Ellipse2D.Double(x, y, w, h));
            case 1 -> g.draw(new Line2D.Double(cx, y, cx, y + h));
            case 2 -> g.draw(new Line2D.Double(x, cy, x + w, cy));
            case 3 -> {
                g.draw(new Line2D.Double(cx, y, cx, y + h));
                g.draw(new Line2D.Double(x, cy, x + w, cy));
            }
            case 4 -> {
                g.draw(new Line2D.Double(x, y, x + w, y + h));
                g.draw(new Line2D.Double(x, y + h, x + w, y));
            }
            case 5 -> g.draw(new Rectangle2D.Double(x, y, w, h));
            case 6 -> g.fill(new Ellipse2D.Double(x, y, w, h));
            case 7 -> {
                Path2D.Double triangle = new Path2D.Double();
                triangle.moveTo(cx, y);
                triangle.lineTo(x + w, y + h);
                triangle.lineTo(x, y + h);
                triangle.closePath();
                g.draw(triangle);
            }
            case 8 -> g.draw(new Line2D.Double(x, y + h, x + w * 0.6, y));
            case 9 -> g.draw(new Line2D.Double(x, y, x + w * 0.6, y + h));
            default -> throw new IllegalArgumentException("no shape " + label);
        }
        g.dispose();
        return image;
    }
}
