package org.jnn.core.conformance;

import org.jnn.api.Activation;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.core.conformance.LinearAlgebraConformance.GemmShape;
import org.jnn.core.conformance.LinearAlgebraConformance.Orientation;
import org.jnn.core.conformance.LinearAlgebraConformance.Shape;
import org.junit.jupiter.api.Test;

/**
 * Proves that the conformance suite can fail: each test binds the suite to a backend with one
 * deliberate, realistic bug, runs the test method that is meant to catch it (after the suite's
 * {@code @BeforeEach}), and checks that it fails with a message naming the backend and the operation
 * and showing expected and actual values.
 *
 * <p>{@link ReferenceConformanceTest} shows the other half: the same tests pass on a correct backend.
 */
class ConformanceSelfTest {

    /** A test method of the suite, called directly. */
    @FunctionalInterface
    interface SuiteTest {
        void run(LinearAlgebraConformance suite) throws Throwable;
    }

    /** Runs {@code test} against {@code broken} and checks that it fails with a useful message. */
    private static void assertSuiteCatches(LinearAlgebra broken, String operation, SuiteTest test) {
        LinearAlgebraConformance suite = new LinearAlgebraConformance() {
            @Override
            protected LinearAlgebra createBackend() {
                return broken;
            }
        };
        suite.setUp();
        AssertionError failure = assertThrows(AssertionError.class, () -> test.run(suite),
                "the suite did not catch backend " + Backends.label(broken));
        String message = String.valueOf(failure.getMessage());
        for (String part : new String[] {Backends.label(broken), operation, "expected ", "actual "}) {
            assertTrue(message.contains(part), "the failure message should contain '" + part + "' but is: " + message);
        }
    }

    /** Runs a network-level test of the suite against {@code broken} and checks that it fails naming the backend. */
    private static void assertNetworkSuiteCatches(LinearAlgebra broken, String expectedText,
            java.util.function.Consumer<BackendConformance> test) {
        BackendConformance suite = new BackendConformance() {
            @Override
            protected LinearAlgebra createBackend() {
                return broken;
            }
        };
        suite.setUp();
        AssertionError failure = assertThrows(AssertionError.class, () -> test.accept(suite),
                "the network tests did not catch backend " + Backends.label(broken));
        String message = String.valueOf(failure.getMessage());
        assertTrue(message.contains(Backends.label(broken)) && message.contains(expectedText),
                "the failure message should name the backend and say '" + expectedText + "' but is: " + message);
    }

    // ---------------------------------------------------------------- the network on a broken backend

    @Test
    void gradientCheckCatchesReluBackwardReturningTheMask() {
        assertNetworkSuiteCatches(new ReluBackwardReturnsMask(), "gradient check failed",
                BackendConformance::wholeNetworkGradientMatchesCentralDifferences);
    }

    @Test
    void sgdStepCheckCatchesRankOneUpdateIgnoringAlpha() {
        assertNetworkSuiteCatches(new RankOneUpdateIgnoresAlpha(), "after one SGD step",
                BackendConformance::sgdStepAtBatchSizeOneMovesEveryParameterAgainstTheGradient);
    }

    // ---------------------------------------------------------------- the traps

    @Test
    void catchesReluBackwardReturningTheMask() {
        assertSuiteCatches(new ReluBackwardReturnsMask(), "reluBackward",
                LinearAlgebraConformance::reluBackwardMultipliesIncomingGradientNotJustMask);
        // the random grid must catch it too: its activations have both signs (1×1 has only one value)
        for (Shape shape : LinearAlgebraConformance.SHAPES.stream().filter(s -> s.rows() * s.cols() > 1).toList()) {
            assertSuiteCatches(new ReluBackwardReturnsMask(), "reluBackward",
                    suite -> suite.reluBackwardMatchesReference(shape));
        }
    }

    @Test
    void catchesReluBackwardPassingGradientAtZeroActivation() {
        assertSuiteCatches(new ReluBackwardPassesGradientAtZero(), "reluBackward",
                LinearAlgebraConformance::reluBackwardIsZeroAtExactlyZeroActivation);
    }

    @Test
    void catchesSoftmaxWithoutSubtractingTheRowMaximum() {
        assertSuiteCatches(new SoftmaxWithoutMaxShift(), "softmaxRows",
                LinearAlgebraConformance::softmaxRowsStaysFiniteForExtremeLogits);
    }

    @Test
    void catchesLossWithoutTheLogSumExpShift() {
        assertSuiteCatches(new LossWithoutLogSumExpShift(), "sumNegativeLogSoftmax",
                LinearAlgebraConformance::sumNegativeLogSoftmaxOfConfidentWrongAnswerIsLargeButFinite);
    }

    @Test
    void catchesArgmaxPickingTheLastIndexOnTies() {
        assertSuiteCatches(new ArgmaxPicksLastOnTies(), "argmaxRows",
                LinearAlgebraConformance::argmaxRowsPicksFirstIndexOnTies);
    }

    // ---------------------------------------------------------------- gemm flags and scalars

    @Test
    void catchesGemmIgnoringBeta() {
        assertSuiteCatches(new GemmIgnoresBeta(), "gemm",
                suite -> suite.gemmMatchesReference(new GemmShape(4, 3, 5), false, false, 1.0, 1.0));
    }

    @Test
    void catchesGemmReadingTheNaNOutputWhenBetaIsZero() {
        assertSuiteCatches(new GemmReadsOutputWhenBetaIsZero(), "gemm",
                suite -> suite.gemmWithBetaZeroIgnoresNaNInOutput(new GemmShape(4, 3, 5), false, false, 1.0));
    }

    @Test
    void catchesGemmTransposingTheWrongMatrix() {
        assertSuiteCatches(new GemmUsesTransposeFlagOfAForB(), "gemm",
                suite -> suite.gemmMatchesReference(new GemmShape(5, 5, 5), false, true, 0.5, -0.75));
    }

    @Test
    void catchesColumnSumsReadingTheNaNOutputWhenBetaIsZero() {
        assertSuiteCatches(new ColumnSumsReadsOutputWhenBetaIsZero(), "columnSums",
                suite -> suite.columnSumsWithBetaZeroIgnoresNaNInOutput(new Shape(7, 5)));
    }

    @Test
    void catchesRankOneUpdateIgnoringAlpha() {
        assertSuiteCatches(new RankOneUpdateIgnoresAlpha(), "rankOneUpdate",
                suite -> suite.rankOneUpdateMatchesReference(new Shape(3, 2), Orientation.ROW, Orientation.COLUMN, -2.0));
    }

    // ---------------------------------------------------------------- aliasing and data

    @Test
    void catchesSoftmaxThatBreaksInPlace() {
        assertSuiteCatches(new SoftmaxRereadsZAfterWritingOut(), "softmaxRows",
                suite -> suite.softmaxRowsAllowsOutputToBeZ(new Shape(4, 4)));
    }

    @Test
    void catchesCopySharingStorageWithItsSource() {
        assertSuiteCatches(new CopyReturnsTheSource(), "copy", suite -> suite.copyIsIndependentOfItsSource(new Shape(2, 3)));
    }

    // =====================================================================================
    // Deliberately broken backends: the reference with one realistic bug each
    // =====================================================================================

    /** Returns the 0/1 mask {@code [activation > 0]} and forgets to multiply by the gradient. */
    static final class ReluBackwardReturnsMask extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-relu-backward-mask";
        }

        @Override
        protected void doActivationBackward(Activation f, ReferenceMatrix gradient, ReferenceMatrix z,
                ReferenceMatrix activation, ReferenceMatrix out) {
            double[][] a = values(activation);
            double[][] o = values(out);
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[i].length; j++) {
                    o[i][j] = a[i][j] > 0 ? 1 : 0;
                }
            }
        }
    }

    /** Uses {@code activation >= 0}, so a unit sitting exactly at 0 passes its gradient. */
    static final class ReluBackwardPassesGradientAtZero extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-relu-backward-at-zero";
        }

        @Override
        protected void doActivationBackward(Activation f, ReferenceMatrix gradient, ReferenceMatrix z,
                ReferenceMatrix activation, ReferenceMatrix out) {
            double[][] g = values(gradient);
            double[][] a = values(activation);
            double[][] o = values(out);
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[i].length; j++) {
                    o[i][j] = a[i][j] >= 0 ? g[i][j] : 0;
                }
            }
        }
    }

    /** Textbook softmax {@code exp(z) / Σ exp(z)} without subtracting the row maximum. */
    static final class SoftmaxWithoutMaxShift extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-softmax-no-shift";
        }

        @Override
        protected void doSoftmaxRows(ReferenceMatrix z, ReferenceMatrix out) {
            double[][] zv = values(z);
            double[][] o = values(out);
            for (int i = 0; i < zv.length; i++) {
                double[] exps = new double[zv[i].length];
                double sum = 0;
                for (int j = 0; j < exps.length; j++) {
                    exps[j] = Math.exp(zv[i][j]);
                    sum += exps[j];
                }
                for (int j = 0; j < exps.length; j++) {
                    o[i][j] = exps[j] / sum;
                }
            }
        }
    }

    /** Softmax that writes exp into out and then reads z again: right out of place, wrong in place. */
    static final class SoftmaxRereadsZAfterWritingOut extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-softmax-in-place";
        }

        @Override
        protected void doSoftmaxRows(ReferenceMatrix z, ReferenceMatrix out) {
            double[][] zv = values(z);
            double[][] o = values(out);
            for (int i = 0; i < zv.length; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : zv[i]) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int j = 0; j < zv[i].length; j++) {
                    o[i][j] = Math.exp(zv[i][j] - max);
                    sum += o[i][j];
                }
                for (int j = 0; j < zv[i].length; j++) {
                    o[i][j] = Math.exp(zv[i][j] - max) / sum;
                }
            }
        }
    }

    /** {@code log Σ exp(z) - z[label]} without the log-sum-exp shift: exp(1000) is infinite. */
    static final class LossWithoutLogSumExpShift extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-loss-no-shift";
        }

        @Override
        protected double doSumNegativeLogSoftmax(ReferenceMatrix logits, int[] labels) {
            double[][] zv = values(logits);
            double total = 0;
            for (int i = 0; i < zv.length; i++) {
                double sum = 0;
                for (double v : zv[i]) {
                    sum += Math.exp(v);
                }
                total += Math.log(sum) - zv[i][labels[i]];
            }
            return total;
        }
    }

    /** Uses {@code >=} when scanning a row, so the last of equal maxima wins. */
    static final class ArgmaxPicksLastOnTies extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-argmax-last";
        }

        @Override
        protected void doArgmaxRows(ReferenceMatrix a, int[] out) {
            double[][] av = values(a);
            for (int i = 0; i < av.length; i++) {
                int best = 0;
                for (int j = 1; j < av[i].length; j++) {
                    if (av[i][j] >= av[i][best]) {
                        best = j;
                    }
                }
                out[i] = best;
            }
        }
    }

    /** Always overwrites c, as if beta were 0. */
    static final class GemmIgnoresBeta extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-gemm-ignores-beta";
        }

        @Override
        protected void doGemm(double alpha, ReferenceMatrix a, boolean transposeA, ReferenceMatrix b,
                boolean transposeB, double beta, ReferenceMatrix c) {
            super.doGemm(alpha, a, transposeA, b, transposeB, 0, c);
        }
    }

    /** Scales c by beta and then accumulates, so 0 * NaN = NaN survives when beta is 0. */
    static final class GemmReadsOutputWhenBetaIsZero extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-gemm-reads-output";
        }

        @Override
        protected void doGemm(double alpha, ReferenceMatrix a, boolean transposeA, ReferenceMatrix b,
                boolean transposeB, double beta, ReferenceMatrix c) {
            doScale(beta, c);
            super.doGemm(alpha, a, transposeA, b, transposeB, 1, c);
        }
    }

    /** A copy-and-paste slip: applies a's transpose flag to b as well. */
    static final class GemmUsesTransposeFlagOfAForB extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-gemm-transpose";
        }

        @Override
        protected void doGemm(double alpha, ReferenceMatrix a, boolean transposeA, ReferenceMatrix b,
                boolean transposeB, double beta, ReferenceMatrix c) {
            super.doGemm(alpha, a, transposeA, b, transposeA, beta, c);
        }
    }

    /** Scales out by beta and then accumulates, so NaN in out survives when beta is 0. */
    static final class ColumnSumsReadsOutputWhenBetaIsZero extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-column-sums-reads-output";
        }

        @Override
        protected void doColumnSums(double alpha, ReferenceMatrix a, double beta, ReferenceMatrix out) {
            doScale(beta, out);
            super.doColumnSums(alpha, a, 1, out);
        }
    }

    /** Adds x·yᵀ regardless of alpha. */
    static final class RankOneUpdateIgnoresAlpha extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-rank-one-ignores-alpha";
        }

        @Override
        protected void doRankOneUpdate(double alpha, ReferenceMatrix x, ReferenceMatrix y, ReferenceMatrix a) {
            super.doRankOneUpdate(1, x, y, a);
        }
    }

    /** Returns the source itself instead of a new matrix. */
    static final class CopyReturnsTheSource extends ReferenceLinearAlgebra {
        @Override
        public String name() {
            return "broken-copy-shares-storage";
        }

        @Override
        protected ReferenceMatrix doCopy(ReferenceMatrix source) {
            return source;
        }
    }
}
