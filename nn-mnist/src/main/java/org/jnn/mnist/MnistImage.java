package org.jnn.mnist;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.jnn.core.io.FileErrors;

/**
 * Turns a picture of any size up to {@link #MAX_PIXELS} into what an MNIST network expects: 28×28 grey values in [0, 1], bright
 * ink on a dark background, the ink scaled to fit a 20×20 box and centred by its centre of mass (the
 * way the MNIST images themselves were made).
 *
 * <pre>{@code
 * double[] pixels = MnistImage.read(Path.of("seven.png"));
 * Prediction p = network.predict(pixels);
 * }</pre>
 */
public final class MnistImage {

    /** Side of an MNIST image. */
    public static final int SIZE = 28;
    /** Side of the box the ink is scaled into. */
    public static final int BOX = 20;
    /**
     * The most pixels a picture read from a file may have: 25 million (5000×5000; a 24-megapixel photo
     * fits). Converting takes about {@value #BYTES_PER_PIXEL} bytes of memory a pixel (the decoded
     * picture, its colours, its grey values and a sorted copy of them for the background level), so this
     * bounds a conversion at about 600 MB; a file that declares more is refused before it is decoded, for
     * a small file can declare a picture of billions of pixels.
     */
    public static final long MAX_PIXELS = 25_000_000;
    /** Roughly the memory one pixel takes while a picture is converted, in bytes. */
    public static final int BYTES_PER_PIXEL = 24;

    private MnistImage() {
    }

    /**
     * Reads an image file (PNG, JPEG, GIF, BMP) and converts it with {@link #convert}. The message of
     * either exception starts with the file, once: {@code "seven.png: the picture is blank: ..."}.
     *
     * @throws IOException if the file cannot be read, is not an image Java can decode, or is larger than
     *     {@link #MAX_PIXELS} (checked from its header, before it is decoded)
     * @throws IllegalArgumentException if the picture is blank (no ink)
     */
    public static double[] read(Path file) throws IOException {
        return read(file, MAX_PIXELS);
    }

    /** As {@link #read(Path)} with another pixel limit (the fuzz tests use a small one, to decode fast). */
    static double[] read(Path file, long maxPixels) throws IOException {
        BufferedImage image = decode(file, maxPixels);
        try {
            return convert(image);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The first picture in {@code file}, once its header has shown that it has at most {@code maxPixels}. */
    private static BufferedImage decode(Path file, long maxPixels) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException(file + ": cannot read the file");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(file + ": not an image this program can read (PNG, JPEG, GIF or BMP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new PictureTooLargeException(String.format(Locale.ROOT, "%s: the picture is %d×%d pixels"
                            + " (%,d), more than the %,d this program converts (converting takes about %d bytes of"
                            + " memory a pixel); scale it down first", file, reader.getWidth(0), reader.getHeight(0),
                            pixels, maxPixels, BYTES_PER_PIXEL));
                }
                return reader.read(0);
            } catch (PictureTooLargeException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // The JDK's decoders throw unchecked exceptions too for some damaged files.
                String reason = e instanceof IOException io ? FileErrors.reason(io) : e.toString();
                throw new IOException(file + ": cannot decode the picture (" + reason + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** A picture whose header declares more than the pixel limit. */
    private static final class PictureTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        PictureTooLargeException(String message) {
            super(message);
        }
    }

    /**
     * The 784 pixels, row by row, of the MNIST-style version of {@code image}.
     *
     * @throws IllegalArgumentException if the picture is blank (no ink)
     */
    public static double[] convert(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        double[] grey = grey(image);

        // MNIST has bright ink on black; most photos and drawings have dark ink on white.
        int bright = 0;
        for (double v : grey) {
            if (v > 0.5) {
                bright++;
            }
        }
        if (bright > grey.length / 2) {
            for (int i = 0; i < grey.length; i++) {
                grey[i] = 1 - grey[i];
            }
        }
        // Stretch so the background (the median) becomes 0 and the strongest ink 1.
        double background = median(grey);
        double max = 0;
        for (double v : grey) {
            max = Math.max(max, v);
        }
        if (max - background < 0.1) {
            throw new IllegalArgumentException("the picture is blank: no ink stands out from the background");
        }
        for (int i = 0; i < grey.length; i++) {
            grey[i] = clamp((grey[i] - background) / (max - background));
        }

        // The ink's bounding box.
        int top = h, bottom = -1, left = w, right = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (grey[y * w + x] > 0.2) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        int boxW = right - left + 1;
        int boxH = bottom - top + 1;

        // Scale the longer side to 20 pixels, keeping the aspect ratio.
        double scale = (double) BOX / Math.max(boxW, boxH);
        int outW = Math.max(1, (int) Math.round(boxW * scale));
        int outH = Math.max(1, (int) Math.round(boxH * scale));
        double[] box = resample(grey, w, left, top, boxW, boxH, outW, outH);

        // Centre of mass to the middle of the 28×28 field (pixel centres at i + 0.5).
        double mass = 0, cx = 0, cy = 0;
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                double v = box[y * outW + x];
                mass += v;
                cx += v * (x + 0.5);
                cy += v * (y + 0.5);
            }
        }
        cx /= mass;
        cy /= mass;
        int offsetX = clampInt((int) Math.round(SIZE / 2.0 - cx), 0, SIZE - outW);
        int offsetY = clampInt((int) Math.round(SIZE / 2.0 - cy), 0, SIZE - outH);
        double[] pixels = new double[SIZE * SIZE];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                pixels[(y + offsetY) * SIZE + x + offsetX] = clamp(box[y * outW + x]);
            }
        }
        return pixels;
    }

    /** A grey picture of 28×28 values in [0, 1] (for looking at what the network sees). */
    public static BufferedImage toImage(double[] pixels) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int v = (int) Math.round(255 * clamp(pixels[y * SIZE + x]));
                image.getRaster().setSample(x, y, 0, v);
            }
        }
        return image;
    }

    /** Writes {@link #toImage} as a PNG file. */
    public static void write(double[] pixels, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        ImageIO.write(toImage(pixels), "png", file.toFile());
    }

    /** Luminance in [0, 1]; transparent parts count as white paper. */
    private static double[] grey(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        double[] grey = new double[w * h];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            double alpha = ((p >>> 24) & 0xff) / 255.0;
            double lum = (0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff)) / 255.0;
            grey[i] = alpha * lum + (1 - alpha);
        }
        return grey;
    }

    /**
     * The region {@code (left, top, boxW, boxH)} of a {@code width}-wide picture resampled to
     * {@code outW × outH}: the average over each output pixel's footprint when shrinking (no aliasing of
     * thin strokes), bilinear interpolation when enlarging.
     */
    private static double[] resample(double[] src, int width, int left, int top, int boxW, int boxH, int outW, int outH) {
        double sx = (double) boxW / outW;
        double sy = (double) boxH / outH;
        double[] out = new double[outW * outH];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                double value;
                if (sx >= 1 && sy >= 1) {
                    value = area(src, width, left, top, boxW, boxH, ox * sx, oy * sy, (ox + 1) * sx, (oy + 1) * sy);
                } else {
                    value = bilinear(src, width, left, top, boxW, boxH, (ox + 0.5) * sx - 0.5, (oy + 0.5) * sy - 0.5);
                }
                out[oy * outW + ox] = value;
            }
        }
        return out;
    }

    /** Mean of the source over the rectangle [x0, x1) × [y0, y1), pixels weighted by how much they overlap it. */
    private static double area(double[] src, int width, int left, int top, int boxW, int boxH,
            double x0, double y0, double x1, double y1) {
        double sum = 0;
        double weight = 0;
        for (int y = (int) Math.floor(y0); y < Math.min(boxH, (int) Math.ceil(y1)); y++) {
            double wy = Math.min(y + 1, y1) - Math.max(y, y0);
            for (int x = (int) Math.floor(x0); x < Math.min(boxW, (int) Math.ceil(x1)); x++) {
                double wx = Math.min(x + 1, x1) - Math.max(x, x0);
                double wgt = wx * wy;
                sum += wgt * src[(top + y) * width + left + x];
                weight += wgt;
            }
        }
        return weight > 0 ? sum / weight : 0;
    }

    private static double bilinear(double[] src, int width, int left, int top, int boxW, int boxH, double x, double y) {
        x = Math.max(0, Math.min(boxW - 1, x));
        y = Math.max(0, Math.min(boxH - 1, y));
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        int x1 = Math.min(boxW - 1, x0 + 1);
        int y1 = Math.min(boxH - 1, y0 + 1);
        double fx = x - x0;
        double fy = y - y0;
        double a = src[(top + y0) * width + left + x0];
        double b = src[(top + y0) * width + left + x1];
        double c = src[(top + y1) * width + left + x0];
        double d = src[(top + y1) * width + left + x1];
        return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    private static int clampInt(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }
}
