package org.jnn.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.loss.SparseSoftmaxCrossEntropyLossWithLogits;
import org.nd4j.linalg.api.ops.impl.reduce.custom.LogSumExp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.PreciseGELU;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Defects of ND4J 1.0.0-M2.1 that decided which ND4J calls the backend uses (see
 * {@link Nd4jLinearAlgebra}). Each test shows the defect on ND4J directly and fails, with a message
 * saying what could change, if an ND4J upgrade fixes it. The backend's own results are checked by the
 * conformance suite, which catches every one of these defects if a backend used the faulty call.
 */
class Nd4jLibraryDefectsTest {

    private static final String FIXED = "ND4J no longer shows this defect; the backend may now use ";

    @BeforeAll
    static void load() {
        assertTrue(new Nd4jLinearAlgebra().availability().usable());
    }

    private static INDArray matrix(int rows, int cols, char order, double... rowMajor) {
        return Nd4j.create(rowMajor, new long[] {rows, cols}, DataType.DOUBLE).dup(order);
    }

    private static double[] rowMajor(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    /** a = x·yᵀ of x = (1, 2, 3), y = (10, 20, 30, 40), row by row. */
    private static final double[] OUTER = {10, 20, 30, 40, 20, 40, 60, 80, 30, 60, 90, 120};

    // The backend's rankOneUpdate uses gemm with inner dimension 1 instead.
    @Test
    void gerOnARowMajorMatrixWritesTheWrongElements() {
        INDArray x = matrix(3, 1, 'c', 1, 2, 3);
        INDArray y = matrix(1, 4, 'c', 10, 20, 30, 40);

        INDArray columnMajor = Nd4j.create(DataType.DOUBLE, new long[] {3, 4}, 'f');
        Nd4j.getBlasWrapper().level2().ger('f', 1.0, x, y, columnMajor);
        assertArrayEquals(OUTER, rowMajor(columnMajor), 0.0, "ger on an 'f' matrix is right");

        INDArray rowMajor = Nd4j.create(DataType.DOUBLE, new long[] {3, 4}, 'c');
        Nd4j.getBlasWrapper().level2().ger('c', 1.0, x, y, rowMajor);
        double[] wrong = rowMajor(rowMajor);
        // The column-major result lands in the row-major buffer: element (i, j) of x·yᵀ at index i + 3j.
        double[] columnMajorLayout = new double[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                columnMajorLayout[i + 3 * j] = OUTER[i * 4 + j];
            }
        }
        assertTrue(!Arrays.equals(OUTER, wrong), FIXED + "ger for rankOneUpdate on 'c' matrices");
        assertArrayEquals(columnMajorLayout, wrong, 0.0, "ger on a 'c' matrix: wrong elements, in column-major layout");

        INDArray viaGemm = Nd4j.create(DataType.DOUBLE, new long[] {3, 4}, 'c');
        Nd4j.gemm(x, y, viaGemm, false, false, 1.0, 1.0);
        assertArrayEquals(OUTER, rowMajor(viaGemm), 0.0, "gemm with inner dimension 1 (what the backend uses) is right");
    }

    // The backend's softmaxRows uses log_softmax and exp instead.
    @Test
    void softmaxOpGivesNaNForAVeryNegativeRowOfAMultiRowMatrix() {
        INDArray z = matrix(2, 2, 'c', -1000, -1000, 1, 2);
        INDArray out = Nd4j.create(DataType.DOUBLE, new long[] {2, 2}, 'c');
        Nd4j.exec(new SoftMax(z, out, 1));
        double[] p = rowMajor(out);
        assertTrue(Double.isNaN(p[0]) && Double.isNaN(p[1]), FIXED + "the softmax op for softmaxRows: " + Arrays.toString(p));

        Nd4j.exec(new LogSoftMax(z, out));
        double[] logP = rowMajor(out);
        assertEquals(Math.log(0.5), logP[0], 1e-15, "log_softmax shifts each row by its maximum");
        assertEquals(Math.log(0.5), logP[1], 1e-15);
    }

    // The backend's sumNegativeLogSoftmax shifts each row by its maximum before reduce_logsumexp.
    @Test
    void logSumExpOpShiftsByTheMaximumOfTheWholeArrayNotOfEachRow() {
        INDArray z = matrix(2, 2, 'c', 1000, 0, -1000, -1000);
        INDArray lse = Nd4j.exec(new LogSumExp(z, false, 1))[0];
        double[] values = lse.data().asDouble();
        assertEquals(1000.0, values[0], 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, values[1], FIXED + "reduce_logsumexp directly on the logits: "
                + Arrays.toString(values) + " (the second row's is -1000 + log 2)");
    }

    // ... and neither takes the log of a probability that may have underflowed.
    @Test
    void logSoftmaxAndSparseCrossEntropyTakeTheLogOfAnUnderflowedProbability() {
        INDArray z = matrix(1, 2, 'c', 1000, -1000);
        INDArray logP = Nd4j.create(DataType.DOUBLE, new long[] {1, 2}, 'c');
        Nd4j.exec(new LogSoftMax(z, logP));
        assertEquals(Double.NEGATIVE_INFINITY, logP.getDouble(0, 1),
                FIXED + "log_softmax for the loss (the exact value is -2000)");

        INDArray labels = Nd4j.create(new int[] {1}, new long[] {1}, DataType.INT32);
        INDArray loss = Nd4j.exec(new SparseSoftmaxCrossEntropyLossWithLogits(z, labels))[0];
        assertEquals(Double.POSITIVE_INFINITY, loss.getDouble(0),
                FIXED + "sparse_softmax_cross_entropy_loss_with_logits for the loss (the exact value is 2000)");
    }

    // The backend's leaky ReLU is maximum(z, 0.01 z) ...
    @Test
    void lreluAppliesItsSlopeAsAFloatAlsoToDoubles() {
        INDArray z = matrix(1, 1, 'c', -2);
        INDArray out = z.ulike();
        Nd4j.exec(DynamicCustomOp.builder("lrelu").addInputs(z).addOutputs(out).addFloatingPointArguments(0.01).build());
        assertEquals(-2 * (double) 0.01f, out.getDouble(0), 0.0,
                FIXED + "lrelu for leaky ReLU in f64 (the exact value is -0.02): " + out.getDouble(0));
    }

    // ... and its backward select(z > 0, g, 0.01 g).
    @Test
    void lreluBpPassesTheWholeGradientAtZero() {
        INDArray z = matrix(1, 3, 'c', -1, 0, 1);
        INDArray gradient = matrix(1, 3, 'c', 1, 1, 1);
        INDArray out = z.ulike();
        Nd4j.exec(DynamicCustomOp.builder("lrelu_bp").addInputs(z, gradient).addOutputs(out)
                .addFloatingPointArguments(0.01).build());
        assertEquals(1.0, out.getDouble(1), 0.0, FIXED + "lrelu_bp for leaky ReLU's backward: at z = 0 it gives "
                + out.getDouble(1) + " (the slope 0.01 is PyTorch's derivative there, as for ReLU's 0)");
        assertEquals((double) 0.01f, out.getDouble(0), 0.0, "and its slope is a float");
    }

    // The backend's GELU computes the tanh form itself, as z·sigmoid(2u).
    @Test
    void neitherGeluOpIsTheTanhForm() {
        double z = 2;
        double u = Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z);
        double tanhForm = 0.5 * z * (1 + Math.tanh(u));
        INDArray in = matrix(1, 1, 'c', z);
        INDArray out = in.ulike();
        Nd4j.exec(new GELU(in, out));
        assertEquals(z / (1 + Math.exp(-1.702f * z)), out.getDouble(0), 1e-12, "gelu is the sigmoid form z·σ(1.702 z)");
        assertTrue(Math.abs(out.getDouble(0) - tanhForm) > 1e-3, FIXED + "gelu for GELU: " + out.getDouble(0));
        Nd4j.exec(new PreciseGELU(in, out));
        double cubedProduct = 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + Math.pow(0.044715 * z, 3))));
        assertEquals(cubedProduct, out.getDouble(0), 1e-12, "precise_gelu cubes 0.044715·z instead of z");
        assertTrue(Math.abs(out.getDouble(0) - tanhForm) > 1e-3, FIXED + "precise_gelu for GELU: " + out.getDouble(0));
    }
}
