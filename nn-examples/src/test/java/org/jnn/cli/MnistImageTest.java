package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MnistImageTest {

    @Test
    void inkFitsA20PixelBoxCentredByMass() {
        BufferedImage picture = SyntheticShapes.draw(5, 300, 200, new Random(1), true, 1.0);
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
        double[] dark = MnistImage.convert(SyntheticShapes.draw(3, 120, 120, new Random(2), true, 1.0));
        double[] light = MnistImage.convert(SyntheticShapes.draw(3, 120, 120, new Random(2), false, 1.0));
        for (int i = 0; i < 784; i++) {
            assertEquals(dark[i], light[i], 0.02, "pixel " + i);
        }
        // bright ink on black, as in MNIST: the corners are background
        assertEquals(0.0, dark[0], 1e-9);
    }

    @Test
    void anMnistStyleImageStaysMuchTheSame() {
        double[] original = MnistImage.convert(SyntheticShapes.draw(0, 64, 64, new Random(3), false, 1.0));
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
}
