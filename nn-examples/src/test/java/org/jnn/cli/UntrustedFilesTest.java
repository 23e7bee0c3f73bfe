package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files the command line did not write itself: a model saved by PyTorch, a picture that declares
 * billions of pixels, a data folder with a folder where a data file belongs. Each is used or refused
 * with a message that says what was assumed or what is wrong, never with a stack trace.
 */
class UntrustedFilesTest {

    @TempDir
    static Path work;

    static Path data;

    @BeforeAll
    static void writeData() throws Exception {
        data = SyntheticShapes.writeDataset(work.resolve("shapes"), 3, 2, 1);
    }

    /**
     * A safetensors file as {@code safetensors.torch.save_file(model.state_dict(), path)} writes it for
     * {@code nn.Sequential(Linear(784, 8), ReLU(), Linear(8, 10))}: F32 tensors, no metadata.
     */
    static Path pytorchModel(Path file) throws IOException {
        int[][] shapes = {{8, 784}, {8}, {10, 8}, {10}};
        String[] names = {"0.weight", "0.bias", "2.weight", "2.bias"};
        StringBuilder header = new StringBuilder("{");
        List<float[]> tensors = new ArrayList<>();
        Random random = new Random(3);
        long offset = 0;
        for (int t = 0; t < names.length; t++) {
            int count = shapes[t].length == 1 ? shapes[t][0] : shapes[t][0] * shapes[t][1];
            float[] values = new float[count];
            for (int i = 0; i < count; i++) {
                values[i] = (float) (random.nextGaussian() * 0.05);
            }
            tensors.add(values);
            header.append(t == 0 ? "" : ",").append('"').append(names[t]).append("\":{\"dtype\":\"F32\",\"shape\":[")
                    .append(shapes[t][0]).append(shapes[t].length == 2 ? "," + shapes[t][1] : "")
                    .append("],\"data_offsets\":[").append(offset).append(',').append(offset + 4L * count).append("]}");
            offset += 4L * count;
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json);
        tensors.forEach(values -> {
            for (float v : values) {
                bytes.putFloat(v);
            }
        });
        return Files.write(file, bytes.array());
    }

    @Test
    void evaluateAndPredictSayHowTheyReadAPyTorchFile() throws Exception {
        Path model = pytorchModel(work.resolve("torch.safetensors"));
        String note = model + ": a PyTorch file without jnn metadata: read as Linear layers 0, 2 with ReLU between them"
                + " and a softmax output; layer sizes 784-8-10";
        CliRun evaluate = CliRun.of("evaluate", model.toString(), "--dataset", data.toString(), "--backend", "ejml",
                "--quiet");
        assertEquals(0, evaluate.status(), evaluate::toString);
        assertTrue(evaluate.err().contains("nn evaluate: " + note), evaluate::toString);

        Path png = SyntheticShapes.writePng(work.resolve("ring.png"), 0, 40, 40, 1);
        CliRun predict = CliRun.of("predict", "--model", model.toString(), png.toString(), "--backend", "ejml", "--json");
        assertEquals(0, predict.status(), predict::toString);
        assertTrue(predict.err().contains("nn predict: " + note), predict::toString);
        assertEquals(1, ((List<?>) predict.json().get("predictions")).size(), "stdout is still one JSON document");
    }

    @Test
    void predictRefusesAPictureDeclaringBillionsOfPixelsAndClassifiesTheOthers() throws Exception {
        Path model = pytorchModel(work.resolve("for-pictures.safetensors"));
        Path huge = Files.write(work.resolve("huge.png"), pngDeclaring(30_000, 30_000));
        Path good = SyntheticShapes.writePng(work.resolve("plus.png"), 3, 40, 40, 2);
        CliRun run = CliRun.of("predict", "--model", model.toString(), huge.toString(), good.toString(), "--backend",
                "ejml");
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("nn predict: " + huge + ": the picture is 30000×30000 pixels (900,000,000), more"
                + " than the 25,000,000 this program converts"), run::toString);
        assertTrue(run.out().startsWith(good + ": "), run::toString);
        assertFalse(run.err().contains("OutOfMemoryError") || run.err().contains("\tat "), run::toString);
    }

    @Test
    void aFolderWhereACachedDataFileBelongsIsNamed() throws Exception {
        Path dataDir = work.resolve("cache");
        Path obstacle = Files.createDirectories(dataDir.resolve("mnist").resolve("train-images-idx3-ubyte"));
        CliRun run = CliRun.of("train", "--data-dir", dataDir.toString(), "--backend", "ejml", "--quiet");
        assertEquals(1, run.status(), run::toString);
        assertEquals("nn train: I/O error: " + obstacle + ": a folder (or something else that is not a file) is where this"
                + " data file belongs; remove or rename it and the file will be fetched", run.err().strip(), run::toString);
        assertTrue(Files.isDirectory(obstacle), "left where it was");
    }

    /** A PNG file whose header declares a grey picture of {@code width × height}: a 3×2 one with its sizes changed. */
    private static byte[] pngDeclaring(int width, int height) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY), "png", png);
        byte[] bytes = png.toByteArray();
        ByteBuffer.wrap(bytes, 16, 8).putInt(width).putInt(height); // IHDR's width and height (no CRC is checked)
        return bytes;
    }
}
