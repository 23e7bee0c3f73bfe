package org.jnn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.AdditionalMatchers.aryEq;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.times;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import org.jnn.api.Activation;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/**
 * The core holds no numbers of its own: given a backend whose matrices are empty mocks, a training
 * step is exactly a fixed sequence of SPI calls, and nothing is read back into Java during training.
 */
class NetworkUsesOnlyTheSpiTest {

    private LinearAlgebra la;
    /** Matrices in the order the backend created them. */
    private final List<Matrix> created = new ArrayList<>();

    @BeforeEach
    void mockBackend() {
        la = mock(LinearAlgebra.class);
        when(la.name()).thenReturn("mock");
        when(la.precision()).thenReturn(Precision.F64);
        when(la.zeros(anyInt(), anyInt())).thenAnswer(call -> matrix(call.getArgument(0), call.getArgument(1)));
        when(la.fromRowMajor(anyInt(), anyInt(), any()))
                .thenAnswer(call -> matrix(call.getArgument(0), call.getArgument(1)));
        when(la.sumNegativeLogSoftmax(any(), any())).thenReturn(0.5);
        when(la.softmaxCrossEntropy(any(), any(), any())).thenReturn(0.5);
    }

    private Matrix matrix(int rows, int cols) {
        Matrix m = mock(Matrix.class, "matrix" + created.size() + "_" + rows + "x" + cols);
        when(m.rows()).thenReturn(rows);
        when(m.cols()).thenReturn(cols);
        when(m.backend()).thenReturn(la);
        created.add(m);
        return m;
    }

    private static Dataset oneSample(int label) {
        return Dataset.of(new double[][] {{0.1, 0.2, 0.3, 0.4}}, new int[] {label}, 2);
    }

    @Test
    void perSampleStepIsForwardLossThenBackwardWithRankOneUpdates() {
        Network net = Network.create(la, 7, 4, 3, 2);
        // Parameters are created first, weights transposed: W0ᵀ (4×3), b0 (1×3), W1ᵀ (3×2), b1 (1×2).
        Matrix w0 = created.get(0);
        Matrix b0 = created.get(1);
        Matrix w1 = created.get(2);
        Matrix b1 = created.get(3);
        net.train(oneSample(1), new TrainingOptions(0.25, 1, 1, 3));
        // The workspace's matrices, found by what the calls do with them rather than by when they were made:
        // x receives the sample, each affine call writes its layer's output, the loss writes the top gradient.
        ArgumentCaptor<Matrix> loaded = ArgumentCaptor.forClass(Matrix.class);
        verify(la).setRowMajor(loaded.capture(), aryEq(new double[] {0.1, 0.2, 0.3, 0.4}));
        ArgumentCaptor<Matrix> outputs = ArgumentCaptor.forClass(Matrix.class);
        verify(la, times(2)).affine(any(), any(), any(), any(), outputs.capture());
        ArgumentCaptor<Matrix> topGradient = ArgumentCaptor.forClass(Matrix.class);
        verify(la).softmaxCrossEntropy(any(), any(), topGradient.capture());
        ArgumentCaptor<Matrix> lowerGradient = ArgumentCaptor.forClass(Matrix.class);
        verify(la).gemm(anyDouble(), any(), anyBoolean(), any(), anyBoolean(), anyDouble(), lowerGradient.capture());
        Matrix x = loaded.getValue();
        Matrix a0 = outputs.getAllValues().get(0);
        Matrix z1 = outputs.getAllValues().get(1);
        Matrix g1 = topGradient.getValue();
        Matrix g0 = lowerGradient.getValue();

        InOrder order = inOrder(la);
        order.verify(la).setRowMajor(eq(x), aryEq(new double[] {0.1, 0.2, 0.3, 0.4}));
        // Each layer's forward pass is one fused call (gemm, bias, ReLU for the hidden layer).
        order.verify(la).affine(x, w0, b0, Activation.RELU, a0);
        order.verify(la).affine(a0, w1, b1, Activation.IDENTITY, z1);
        // Loss and its gradient softmax(z) - y in one call.
        order.verify(la).softmaxCrossEntropy(eq(z1), aryEq(new int[] {1}), eq(g1));
        // The lower gradient is computed from W1 before W1 changes.
        order.verify(la).gemm(1.0, g1, false, w1, true, 0.0, g0);
        order.verify(la).activationBackward(Activation.RELU, g0, a0, a0, g0);
        order.verify(la).rankOneUpdate(-0.25, a0, g1, w1);
        order.verify(la).axpy(-0.25, g1, b1);
        order.verify(la).rankOneUpdate(-0.25, x, g0, w0);
        order.verify(la).axpy(-0.25, g0, b0);
        order.verifyNoMoreInteractions();
        verify(la, never()).toRowMajor(any());
        verify(la, never()).toRowMajor(any(), any());
    }

    @Test
    void miniBatchStepAveragesTheGradientThroughAlphaAndUpdatesWithBetaOne() {
        Network net = Network.create(la, 7, 4, 3, 2);
        Matrix w0 = created.get(0);
        Matrix b0 = created.get(1);
        Matrix w1 = created.get(2);
        Matrix b1 = created.get(3);
        Dataset two = Dataset.of(new double[][] {{1, 2, 3, 4}, {5, 6, 7, 8}}, new int[] {0, 1}, 2);
        net.train(two, new TrainingOptions(0.5, 2, 1, 3));
        Matrix x = created.get(4);
        Matrix a0 = created.get(5);
        Matrix g0 = created.get(6);
        Matrix g1 = created.get(8);
        InOrder order = inOrder(la);
        order.verify(la).gemm(-0.25, a0, true, g1, false, 1.0, w1);
        order.verify(la).columnSums(-0.25, g1, 1.0, b1);
        order.verify(la).gemm(-0.25, x, true, g0, false, 1.0, w0);
        order.verify(la).columnSums(-0.25, g0, 1.0, b0);
        verify(la, never()).rankOneUpdate(any(Double.class), any(), any(), any());
    }

    @Test
    void trainingAllocatesNoMatricesAfterTheFirstBatch() {
        Network net = Network.create(la, 7, 4, 3, 2);
        double[][] rows = new double[10][4];
        int[] labels = new int[10];
        net.train(Dataset.of(rows, labels, 2), new TrainingOptions(0.1, 3, 2, 1));
        // Parameters (4) + one workspace of 3 rows (5) + one for the last batch of 1 row (5).
        assertEquals(14, created.size());
    }

    @Test
    void lossThatBecomesNaNStopsTrainingNamingEpochAndBatch() {
        when(la.softmaxCrossEntropy(any(), any(), any())).thenReturn(0.7, 0.6, Double.NaN);
        Network net = Network.create(la, 7, 4, 3, 2);
        double[][] rows = new double[5][4];
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> net.train(Dataset.of(rows, new int[5], 2), new TrainingOptions(10, 1, 2, 1)));
        assertEquals(1, e.epoch());
        assertEquals(3, e.batch());
        assertTrue(e.getMessage().contains("epoch 1, batch 3"), e.getMessage());
    }

    @Test
    void infiniteLossAlsoStopsTraining() {
        when(la.softmaxCrossEntropy(any(), any(), any())).thenReturn(0.7, 0.6, 0.5, Double.POSITIVE_INFINITY);
        Network net = Network.create(la, 7, 4, 3, 2);
        double[][] rows = new double[3][4];
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> net.train(Dataset.of(rows, new int[3], 2), new TrainingOptions(10, 1, 2, 1)));
        assertEquals(2, e.epoch());
        assertEquals(1, e.batch());
    }

    @Test
    void aLossThatExplodesStopsTrainingBeforeItOverflowsAndSaysSoReadably() {
        // A mean loss of 2.2e83 per sample is finite, but no network that learns comes near it.
        when(la.softmaxCrossEntropy(any(), any(), any())).thenReturn(0.7, 2.2e83);
        Network net = Network.create(la, 7, 4, 3, 2);
        double[][] rows = new double[4][4];
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> net.train(Dataset.of(rows, new int[4], 2), new TrainingOptions(1000, 1, 2, 1)));
        assertEquals(2, e.batch());
        assertTrue(e.getMessage().contains("2.20e+83"), e.getMessage());
    }

    @Test
    void initialWeightsAreHandedToTheBackendAsGeneratedInJava() {
        Network.create(la, 11, 4, 3, 2);
        Parameters expected = Parameters.heInitialized(new int[] {4, 3, 2}, 11);
        // The backend holds each Wᵀ (inputs × outputs): the same values, transposed.
        verify(la).fromRowMajor(eq(4), eq(3), aryEq(DenseLayer.transpose(expected.weights(0), 3, 4)));
        verify(la).fromRowMajor(eq(1), eq(3), aryEq(new double[3]));
        verify(la).fromRowMajor(eq(3), eq(2), aryEq(DenseLayer.transpose(expected.weights(1), 2, 3)));
    }

    @Test
    void noMatrixLibraryIsOnTheCoreClassPath() {
        for (String type : new String[] {"org.ejml.data.DMatrixRMaj", "org.nd4j.linalg.api.ndarray.INDArray",
                "org.apache.commons.math3.linear.RealMatrix"}) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(type), type + " must not be visible to nn-core");
        }
    }
}
