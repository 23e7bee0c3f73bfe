package org.jnn.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jnn.backend.nd4j.PreparedOps.Key;
import org.jnn.backend.nd4j.PreparedOps.Site;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.ThresholdRelu;
import org.nd4j.linalg.factory.Nd4j;

/** An op is kept per call site, arrays (by identity) and scalars, and rerun for the same call. */
class PreparedOpsTest {

    @BeforeAll
    static void load() {
        assertTrue(new Nd4jLinearAlgebra().availability().usable());
    }

    private static INDArray row(double... values) {
        return Nd4j.create(values, new long[] {1, values.length}, 'c');
    }

    /** Builds {@code thresholdedrelu} ops, counting them. */
    private static Function<Key, CustomOp> countingRelu(AtomicInteger built) {
        return k -> {
            built.incrementAndGet();
            return new ThresholdRelu(k.a(), k.out(), 0.0);
        };
    }

    @Test
    void aKeyIsTheSiteTheArraysByIdentityAndTheScalarsBitForBit() {
        INDArray a = row(1, 2);
        INDArray b = row(3, 4);
        INDArray c = row(5, 6);
        Key product = Key.product(Site.GEMM, 1.0, a, false, b, true, 0.0, c);
        assertEquals(product, Key.product(Site.GEMM, 1.0, a, false, b, true, 0.0, c));
        assertEquals(product.hashCode(), Key.product(Site.GEMM, 1.0, a, false, b, true, 0.0, c).hashCode());
        assertNotEquals(product, Key.product(Site.GEMM, 1.0, a.dup(), false, b, true, 0.0, c),
                "an array with the same contents is another array: the op is bound to the buffer");
        assertNotEquals(product, Key.product(Site.GEMV, 1.0, a, false, b, true, 0.0, c));
        assertNotEquals(product, Key.product(Site.GEMM, 1.0, a, true, b, true, 0.0, c));
        assertNotEquals(product, Key.product(Site.GEMM, 1.0, a, false, b, false, 0.0, c));
        assertNotEquals(product, Key.product(Site.GEMM, 1.0, a, false, b, true, -0.0, c), "-0.0 is not 0.0");
        assertEquals(Key.product(Site.GEMM, Double.NaN, a, false, b, true, 0.0, c),
                Key.product(Site.GEMM, Double.NaN, a, false, b, true, 0.0, c), "NaN is NaN");
        assertEquals(Key.of(Site.RELU, c, a), Key.of(Site.RELU, c, a));
        assertNotEquals(Key.of(Site.RELU, c, a), Key.of(Site.LOG_SOFTMAX, c, a));
        assertNotEquals(Key.of(Site.ADD_ROW_VECTOR, c, a, b), Key.of(Site.ADD_ROW_VECTOR, c, b, a));
    }

    @Test
    void theSameCallRerunsTheOpBuiltForIt() {
        PreparedOps prepared = new PreparedOps();
        AtomicInteger built = new AtomicInteger();
        Function<Key, CustomOp> relu = countingRelu(built);
        INDArray in = row(-1, 2, -3);
        INDArray out = row(9, 9, 9);
        prepared.run(Key.of(Site.RELU, out, in), relu);
        assertArrayEquals(new double[] {0, 2, 0}, out.data().asDouble(), 0.0);
        in.assign(row(4, -5, 6));
        prepared.run(Key.of(Site.RELU, out, in), relu);
        assertArrayEquals(new double[] {4, 0, 6}, out.data().asDouble(), 0.0, "the rerun op reads the new contents");
        assertEquals(1, built.get());

        prepared.run(Key.of(Site.RELU, out, in.dup()), relu);
        assertEquals(2, built.get(), "other arrays, another op");
    }

    @Test
    void theOldestOpIsDroppedWhenFull() {
        PreparedOps prepared = new PreparedOps();
        AtomicInteger built = new AtomicInteger();
        Function<Key, CustomOp> relu = countingRelu(built);
        INDArray out = row(0);
        List<INDArray> inputs = new ArrayList<>();
        for (int i = 0; i <= PreparedOps.CAPACITY; i++) {
            inputs.add(row(i));
            prepared.run(Key.of(Site.RELU, out, inputs.get(i)), relu);
        }
        assertEquals(PreparedOps.CAPACITY + 1, built.get());
        prepared.run(Key.of(Site.RELU, out, inputs.get(PreparedOps.CAPACITY)), relu);
        assertEquals(PreparedOps.CAPACITY + 1, built.get(), "the newest is kept");
        prepared.run(Key.of(Site.RELU, out, inputs.get(0)), relu);
        assertEquals(PreparedOps.CAPACITY + 2, built.get(), "the oldest was dropped and is built again");
    }
}
