package org.jnn.backend.nd4j;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products that ND4J's native code must get exactly right, multiplied once when ND4J loads
 * ({@link Nd4jLoader}): a backend whose natives compute wrong products is reported unusable rather
 * than trained on.
 */
final class GemmSelfTest {

    private GemmSelfTest() {
    }

    /**
     * A 2×2 product through the same path as the backend's gemm: the natives load and compute.
     *
     * @throws IllegalStateException when the product is wrong
     */
    static void smallProduct() {
        INDArray a = Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {2, 2}, DataType.DOUBLE);
        INDArray c = Nd4j.create(DataType.DOUBLE, new long[] {2, 2}, 'c');
        Nd4j.gemm(a, a, c, false, false, 1.0, 0.0);
        double[] expected = {7, 10, 15, 22};
        double[] actual = c.data().asDouble();
        if (!Arrays.equals(actual, expected)) {
            throw new IllegalStateException("ND4J's native gemm computed [[1,2],[3,4]]² as "
                    + Arrays.toString(actual) + " instead of [7, 10, 15, 22]");
        }
    }

    /**
     * A product of the first layer's size at batch 64 (64×784 · 784×200) in f64 and f32, compared with
     * the exact result: small integers, so every sum is exact in both precisions. OpenBLAS chooses its
     * kernels by CPU when it loads, and a wrong choice computes wrong products only from some size on
     * (with OPENBLAS_CORETYPE set to an empty string, 0.3.19 is off by about 2% at this size while 2×2
     * products stay right).
     *
     * @return null when both products are right, else what was wrong and what to do
     */
    static String largeProductProblem() {
        int m = 64;
        int k = 784;
        int n = 200;
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i * 7 % 5) - 2;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i * 11 % 7) - 3;
        }
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    expected[i * n + j] += aip * b[p * n + j];
                }
            }
        }
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray x = Nd4j.create(a, new long[] {m, k}, 'c').castTo(type);
            INDArray y = Nd4j.create(b, new long[] {k, n}, 'c').castTo(type);
            INDArray z = Nd4j.create(type, new long[] {m, n}, 'c');
            Nd4j.gemm(x, y, z, false, false, 1.0, 0.0);
            double[] actual = z.castTo(DataType.DOUBLE).data().asDouble();
            for (int i = 0; i < actual.length; i++) {
                if (actual[i] != expected[i]) {
                    String coreType = System.getenv("OPENBLAS_CORETYPE");
                    return "ND4J's native matrix product is wrong on this machine: a " + m + "×" + k + " · " + k + "×"
                            + n + " " + type + " product has " + actual[i] + " at (" + i / n + ", " + i % n
                            + ") instead of " + expected[i] + " (OPENBLAS_CORETYPE is "
                            + (coreType == null ? "not set" : "'" + coreType + "'") + "). OpenBLAS picked kernels"
                            + " that do not suit this CPU: unset OPENBLAS_CORETYPE, or set it to this CPU's type"
                            + " (e.g. Haswell for AVX2, SkylakeX for AVX-512), or use another backend.";
                }
            }
        }
        return null;
    }
}
