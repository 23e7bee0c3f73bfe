package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pictures of any size become MNIST's 28×28 form: ink scaled into 20×20, centred by mass, bright on black. */
class MnistImageTest {

    /**
     * A ring of random size, proportions and place (from {@code random}) on a {@code width × height}
     * canvas, dark on light paper or the other way round; {@code shape} picks ring (0), square (1) or plus (2+).
     */
    static BufferedImage picture(int shape, int width, int height, Random random, boolean darkOnLight, double penScale) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(darkOnLight ? Color.WHITE : Color.BLACK);
        g.fillRect(0, 0, width, height);
        g.setColor(darkOnLight ? Color.BLACK : Color.WHITE);
        double side = Math.min(width, height);
        double w = side * (0.4 + 0.3 * random.nextDouble());
        double h = side * (0.4 + 0.3 * random.nextDouble());
        double x = (width - w) * (0.2 + 0.6 * random.nextDouble());
        double y = (height - h) * (0.2 + 0.6 * random.nextDouble());
        g.setStroke(new BasicStroke((float) (side * 0.08 * penScale), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        switch (shape) {
            case 0 -> g.draw(new Ellipse2D.Double(x, y, w, h));
            case 1 -> g.draw(new Rectangle2D.Double(x, y, w, h));
            default -> {
                g.draw(new Line2D.Double(x + w / 2, y, x + w / 2, y + h));
                g.draw(new Line2D.Double(x, y + h / 2, x + w, y + h / 2));
            }
        }
        g.dispose();
        return image;
    }

    @Test
    void inkFitsA20PixelBoxCentredByMass() {
        BufferedImage picture = picture(5, 300, 200, new Random(1), true, 1.0);
        double[] pixels = MnistImage.convert(picture);
        assertEquals(784, pixels.length);
        int top = 28, bottom = -1, left = 28, right = -1;
        double mass = 0, cx = 0, cy = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double v = pixels[y * 28 + x];
                assertTrue(v >= 0 && v <= 1);
                if (v > 0.2) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
                mass += v;
                cx += v * (x + 0.5);
                cy += v * (y + 0.5);
            }
        }
        int longer = Math.max(bottom - top + 1, right - left + 1);
        assertTrue(longer >= 19 && longer <= 21, "longer side " + longer);
        assertEquals(14, cx / mass, 0.75);
        assertEquals(14, cy / mass, 0.75);
    }

    @Test
    void darkOnLightAndLightOnDarkGiveTheSameResult() {
        double[] dark = MnistImage.convert(picture(3, 120, 120, new Random(2), true, 1.0));
        double[] light = MnistImage.convert(picture(3, 120, 120, new Random(2), false, 1.0));
        for (int i = 0; i < 784; i++) {
            assertEquals(dark[i], light[i], 0.02, "pixel " + i);
        }
        // bright ink on black, as in MNIST: the corners are background
        assertEquals(0.0, dark[0], 1e-9);
    }

    @Test
    void anMnistStyleImageStaysMuchTheSame() {
        double[] original = MnistImage.convert(picture(0, 64, 64, new Random(3), false, 1.0));
        double[] again = MnistImage.convert(MnistImage.toImage(original));
        double dot = 0, a = 0, b = 0;
        for (int i = 0; i < 784; i++) {
            dot += original[i] * again[i];
            a += original[i] * original[i];
            b += again[i] * again[i];
        }
        double cosine = dot / Math.sqrt(a * b);
        assertTrue(cosine > 0.95, "cosine similarity " + cosine);
    }

    @Test
    void aBlankPictureIsRejected() {
        BufferedImage blank = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = blank.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 40, 40);
        g.dispose();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MnistImage.convert(blank));
        assertTrue(e.getMessage().contains("blank"));
    }

    // ---- reading files

    @TempDir
    Path dir;

    /**
     * A PNG file of some 70 bytes whose header declares a grey picture of {@code width × height} pixels,
     * as a hostile file would: a 3×2 picture with its header's sizes changed (the reader checks no CRC).
     */
    static byte[] pngDeclaring(int width, int height) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY), "png", png);
        byte[] bytes = png.toByteArray();
        ByteBuffer.wrap(bytes, 16, 8).putInt(width).putInt(height); // IHDR's width and height
        return bytes;
    }

    @Test
    void aPictureDeclaringMoreThanThePixelLimitIsRefusedBeforeItIsDecoded() throws Exception {
        // 875 KB of such a file once made predict take 4.7 GB and die of OutOfMemoryError.
        Path huge = Files.write(dir.resolve("huge.png"), pngDeclaring(30_000, 30_000));
        IOException e = assertThrows(IOException.class, () -> MnistImage.read(huge));
        assertEquals(huge + ": the picture is 30000×30000 pixels (900,000,000), more than the 25,000,000 this program"
                + " converts (converting takes about 24 bytes of memory a pixel); scale it down first", e.getMessage());
    }

    @Test
    void thePixelLimitCountsWidthTimesHeight() throws Exception {
        Path picture = dir.resolve("ring.png");
        ImageIO.write(picture(0, 200, 100, new Random(5), true, 1.0), "png", picture.toFile());
        assertEquals(784, MnistImage.read(picture, 20_000).length, "200×100 is exactly 20,000 pixels");
        IOException e = assertThrows(IOException.class, () -> MnistImage.read(picture, 19_999));
        assertTrue(e.getMessage().contains("200×100 pixels (20,000), more than the 19,999"), e.getMessage());
    }

    @Test
    void aDamagedPictureIsAnIOExceptionNamingTheFile() throws Exception {
        Path picture = dir.resolve("cut.png");
        ImageIO.write(picture(1, 60, 60, new Random(6), true, 1.0), "png", picture.toFile());
        byte[] whole = Files.readAllBytes(picture);
        Files.write(picture, Arrays.copyOf(whole, whole.length / 2));
        IOException e = assertThrows(IOException.class, () -> MnistImage.read(picture));
        assertTrue(e.getMessage().startsWith(picture + ": cannot decode the picture ("), e.getMessage());

        Path text = Files.writeString(dir.resolve("notes.png"), "not a picture");
        e = assertThrows(IOException.class, () -> MnistImage.read(text));
        assertEquals(text + ": not an image this program can read (PNG, JPEG, GIF or BMP)", e.getMessage());
    }
}
