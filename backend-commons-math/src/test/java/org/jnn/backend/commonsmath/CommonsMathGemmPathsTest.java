package org.jnn.backend.commonsmath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;
import org.jnn.core.conformance.ReferenceLinearAlgebra;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backend's own gemm strategies (matrix-vector products for one row or column, the direct and the
 * transposed-around product, transposes kept on a matrix until it changes) against the reference, on the
 * network's shapes and on shapes chosen to take each path. The conformance suite checks the contract;
 * this checks that no path, and no stale transpose, slips through it.
 */
class CommonsMathGemmPathsTest {

    private final CommonsMathLinearAlgebra backend = new CommonsMathLinearAlgebra();
    private final ReferenceLinearAlgebra reference = new ReferenceLinearAlgebra();
    private final Random random = new Random(42);

    private double[] values(int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = random.nextDouble() * 2 - 1;
        }
        return v;
    }

    /** (m, k, n): batch 1 and 64 of the 784-200-200-10 network, and shapes that take each path. */
    static Stream<Arguments> shapes() {
        List<Arguments> grid = new ArrayList<>();
        int[][] mkn = {{1, 784, 200}, {1, 200, 10}, {64, 784, 200}, {64, 200, 200}, {64, 200, 10}, {64, 10, 200},
            {200, 64, 784}, {3, 7, 40}, {40, 7, 3}, {5, 1, 6}, {6, 9, 1}, {1, 1, 1}, {53, 60, 2}, {2, 60, 53}};
        for (int[] s : mkn) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    grid.add(Arguments.of(s[0], s[1], s[2], ta, tb));
                }
            }
        }
        return grid.stream();
    }

    @ParameterizedTest(name = "({0}×{1})·({1}×{2}) transposeA={3} transposeB={4}")
    @MethodSource("shapes")
    void gemmMatchesTheReferenceOnEveryPath(int m, int k, int n, boolean ta, boolean tb) {
        double[] av = values(m * k);
        double[] bv = values(k * n);
        double[] cv = values(m * n);
        int ar = ta ? k : m;
        int ac = ta ? m : k;
        int br = tb ? n : k;
        int bc = tb ? k : n;
        for (double[] alphaBeta : new double[][] {{1, 0}, {-0.5, 0}, {1, 1}, {0.25, -0.75}, {0, 1}}) {
            double alpha = alphaBeta[0];
            double beta = alphaBeta[1];
            Matrix a = backend.fromRowMajor(ar, ac, av);
            Matrix b = backend.fromRowMajor(br, bc, bv);
            Matrix c = backend.fromRowMajor(m, n, cv);
            Matrix ra = reference.fromRowMajor(ar, ac, av);
            Matrix rb = reference.fromRowMajor(br, bc, bv);
            Matrix rc = reference.fromRowMajor(m, n, cv);
            // twice: the second call may use transposes kept from the first
            for (int call = 0; call < 2; call++) {
                backend.gemm(alpha, a, ta, b, tb, beta, c);
                reference.gemm(alpha, ra, ta, rb, tb, beta, rc);
                assertClose("gemm call " + (call + 1) + " alpha=" + alpha + " beta=" + beta,
                        reference.toRowMajor(rc), backend.toRowMajor(c), k);
            }
            assertClose("a unchanged", av, backend.toRowMajor(a), 0);
            assertClose("b unchanged", bv, backend.toRowMajor(b), 0);
        }
    }

    /**
     * A transpose kept on a matrix must be dropped by every operation that writes the matrix: Mᵀ·M is
     * computed (keeping Mᵀ), M is changed by the operation, and Mᵀ·M must then match the new M.
     */
    @TestFactory
    Stream<DynamicTest> everyWriteDropsTheKeptTranspose() {
        int rows = 6;
        int cols = 5;
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(write("setRowMajor", rows, cols, mat -> backend.setRowMajor(mat, values(rows * cols))));
        tests.add(write("gemm into it (beta 0)", rows, cols, mat -> backend.gemm(1, backend.fromRowMajor(rows, 3,
                values(rows * 3)), false, backend.fromRowMajor(3, cols, values(3 * cols)), false, 0, mat)));
        tests.add(write("gemm into it (beta 1)", rows, cols, mat -> backend.gemm(1, backend.fromRowMajor(rows, 3,
                values(rows * 3)), false, backend.fromRowMajor(3, cols, values(3 * cols)), false, 1, mat)));
        tests.add(write("gemm into it (alpha 0)", rows, cols, mat -> backend.gemm(0, backend.fromRowMajor(rows, 3,
                values(rows * 3)), false, backend.fromRowMajor(3, cols, values(3 * cols)), false, 0.5, mat)));
        tests.add(write("rankOneUpdate", rows, cols, mat -> backend.rankOneUpdate(0.5,
                backend.fromRowMajor(rows, 1, values(rows)), backend.fromRowMajor(1, cols, values(cols)), mat)));
        tests.add(write("addRowVector in place", rows, cols,
                mat -> backend.addRowVector(mat, backend.fromRowMajor(1, cols, values(cols)), mat)));
        tests.add(write("addRowVector into it", rows, cols, mat -> backend.addRowVector(
                backend.fromRowMajor(rows, cols, values(rows * cols)), backend.fromRowMajor(1, cols, values(cols)), mat)));
        for (Activation f : Activation.values()) {
            tests.add(write(f.id() + " in place", rows, cols, mat -> backend.activate(f, mat, mat)));
            tests.add(write(f.id() + " into it", rows, cols, mat -> backend.activate(f, random(rows, cols), mat)));
            tests.add(write(f.id() + " backward into it", rows, cols,
                    mat -> backend.activationBackward(f, random(rows, cols), random(rows, cols), random(rows, cols), mat)));
            tests.add(write(f.id() + " backward in place", rows, cols, mat -> {
                Matrix z = random(rows, cols);
                backend.activationBackward(f, mat, z, z, mat);
            }));
        }
        tests.add(write("multiplyElements in place", rows, cols, mat -> backend.multiplyElements(mat, random(rows, cols), mat)));
        tests.add(write("multiplyElements into it", rows, cols,
                mat -> backend.multiplyElements(random(rows, cols), random(rows, cols), mat)));
        // The optimizer steps write the parameter, their state, and the gradient they may use as scratch.
        SgdUpdate nesterov = new SgdUpdate(0.1, 0.9, true, 0.01);
        AdamUpdate adamW = new AdamUpdate(0.1, 0.9, 0.999, 1e-8, 0.01, true, 3);
        RmsPropUpdate rmsProp = new RmsPropUpdate(0.1, 0.9, 1e-8, 0.01);
        tests.add(write("sgdStep on the parameter", rows, cols,
                mat -> backend.sgdStep(nesterov, random(rows, cols), random(rows, cols), mat)));
        tests.add(write("sgdStep on the velocity", rows, cols,
                mat -> backend.sgdStep(nesterov, random(rows, cols), mat, random(rows, cols))));
        tests.add(write("sgdStep on the gradient", rows, cols,
                mat -> backend.sgdStep(nesterov, mat, random(rows, cols), random(rows, cols))));
        tests.add(write("adamStep on the parameter", rows, cols,
                mat -> backend.adamStep(adamW, random(rows, cols), random(rows, cols), positive(rows, cols), mat)));
        tests.add(write("adamStep on the first moment", rows, cols,
                mat -> backend.adamStep(adamW, random(rows, cols), mat, positive(rows, cols), random(rows, cols))));
        tests.add(write("adamStep on the second moment", rows, cols, mat -> {
            backend.fill(mat, 0.25);
            backend.adamStep(adamW, random(rows, cols), random(rows, cols), mat, random(rows, cols));
        }));
        tests.add(write("adamStep on the gradient", rows, cols,
                mat -> backend.adamStep(adamW, mat, random(rows, cols), positive(rows, cols), random(rows, cols))));
        tests.add(write("rmsPropStep on the parameter", rows, cols,
                mat -> backend.rmsPropStep(rmsProp, random(rows, cols), positive(rows, cols), mat)));
        tests.add(write("rmsPropStep on the mean square", rows, cols, mat -> {
            backend.fill(mat, 0.25);
            backend.rmsPropStep(rmsProp, random(rows, cols), mat, random(rows, cols));
        }));
        tests.add(write("rmsPropStep on the gradient", rows, cols,
                mat -> backend.rmsPropStep(rmsProp, mat, positive(rows, cols), random(rows, cols))));
        tests.add(write("softmaxRows in place", rows, cols, mat -> backend.softmaxRows(mat, mat)));
        tests.add(write("softmaxRows into it", rows, cols,
                mat -> backend.softmaxRows(backend.fromRowMajor(rows, cols, values(rows * cols)), mat)));
        tests.add(write("addAtColumns", rows, cols, mat -> backend.addAtColumns(mat, new int[] {0, 1, 2, 3, 4, 0}, -1)));
        tests.add(write("axpy", rows, cols, mat -> backend.axpy(2, backend.fromRowMajor(rows, cols, values(rows * cols)), mat)));
        tests.add(write("axpy onto itself", rows, cols, mat -> backend.axpy(2, mat, mat)));
        tests.add(write("scale", rows, cols, mat -> backend.scale(-3, mat)));
        tests.add(write("fill", rows, cols, mat -> backend.fill(mat, 0.5)));
        tests.add(write("columnSums into it", 1, cols, mat -> backend.columnSums(1,
                backend.fromRowMajor(rows, cols, values(rows * cols)), 0.5, mat)));
        tests.add(write("columnSums into it (beta 0)", 1, cols, mat -> backend.columnSums(2,
                backend.fromRowMajor(rows, cols, values(rows * cols)), 0, mat)));
        tests.add(write("gemm into a row (batch 1 path)", 1, cols, mat -> backend.gemm(1,
                backend.fromRowMajor(1, 3, values(3)), false, backend.fromRowMajor(cols, 3, values(3 * cols)), true, 0, mat)));
        return tests.stream();
    }

    private Matrix random(int rows, int cols) {
        return backend.fromRowMajor(rows, cols, values(rows * cols));
    }

    /** A second moment or mean square: the squares of random values. */
    private Matrix positive(int rows, int cols) {
        Matrix m = random(rows, cols);
        backend.multiplyElements(m, m, m);
        return m;
    }

    private DynamicTest write(String operation, int rows, int cols, Consumer<Matrix> change) {
        return DynamicTest.dynamicTest(operation, () -> {
            CommonsMathMatrix mat = (CommonsMathMatrix) backend.fromRowMajor(rows, cols, values(rows * cols));
            Matrix gram = backend.zeros(cols, cols);
            backend.gemm(1, mat, true, mat, false, 0, gram);
            assertTrue(mat.hasTransposed(), "the test needs Mᵀ to be kept after Mᵀ·M");
            change.accept(mat);
            backend.gemm(1, mat, true, mat, false, 0, gram);
            Matrix expected = reference.zeros(cols, cols);
            Matrix rm = reference.fromRowMajor(rows, cols, backend.toRowMajor(mat));
            reference.gemm(1, rm, true, rm, false, 0, expected);
            assertClose(operation + ": Mᵀ·M after the write", reference.toRowMajor(expected), backend.toRowMajor(gram), rows);
        });
    }

    @Test
    void aProductWithTheSameMatrixTwiceTransposesItOnce() {
        CommonsMathMatrix a = (CommonsMathMatrix) backend.fromRowMajor(4, 3, values(12));
        Matrix c = backend.zeros(3, 3);
        backend.gemm(1, a, true, a, false, 0, c);
        assertTrue(a.hasTransposed());
        Matrix ra = reference.fromRowMajor(4, 3, backend.toRowMajor(a));
        Matrix rc = reference.zeros(3, 3);
        reference.gemm(1, ra, true, ra, false, 0, rc);
        assertClose("aᵀ·a", reference.toRowMajor(rc), backend.toRowMajor(c), 4);
    }

    @Test
    void matricesOfTheBackendAreBlockRealMatrices() {
        LinearAlgebra la = backend;
        CommonsMathMatrix m = (CommonsMathMatrix) la.zeros(3, 4);
        assertEquals("BlockRealMatrix", m.read().getClass().getSimpleName());
        CommonsMathMatrix c = (CommonsMathMatrix) la.zeros(60, 70);
        la.gemm(1, la.zeros(60, 55), false, la.zeros(70, 55), true, 0, c);
        assertEquals("BlockRealMatrix", c.read().getClass().getSimpleName(), "a product installed as c's storage");
    }

    private static void assertClose(String what, double[] expected, double[] actual, int terms) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tolerance = 1e-15 * (terms + 2) * Math.max(1, Math.abs(expected[i])) * 4;
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
