package org.jnn.backend.nd4j;

import java.util.function.Function;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * libnd4j custom ops kept with their native op contexts, so that a call repeated on the same arrays
 * (every training step repeats the last one's calls on the same buffers) runs through ND4J's
 * {@code exec(op, context)} without building anything.
 *
 * <p>{@code Nd4j.exec(op)} builds a new op context for every call (a native allocation, pointer
 * wrappers, an RNG state transfer) and the caller a new op object; measured here, that is 4 to 13 µs
 * a call and most of the garbage a training step makes, against 1 to 9 µs for the prepared call.
 * Ops are kept by {@link Key}: the call site, the identity of every array and the scalar arguments; a
 * small fixed number is kept, replaced round-robin, so that a program creating many matrices does not
 * keep them alive.
 *
 * <p>Not thread-safe, like the backend instance that owns it.
 */
final class PreparedOps {

    /** Where in the backend an op is called; part of the key. */
    enum Site { GEMM, GEMV, RELU, XW_PLUS_B, RELU_LAYER, LOG_SOFTMAX, ADD_ROW_VECTOR, RELU_BACKWARD, ARGMAX }

    /**
     * What an op is kept for. Arrays are compared by identity (a kept op is bound to those buffers),
     * so {@link #equals} and {@link #hashCode} are not a record's usual contents comparison; scalars
     * are compared bit for bit (NaN matches NaN, 0.0 does not match -0.0). Unused arrays are null.
     *
     * @param site where the op is called
     * @param out the array written
     * @param a the first input
     * @param b the second input, or null
     * @param c the third input, or null
     * @param alpha the first scalar argument (0 for ops without one)
     * @param beta the second scalar argument (0 for ops without one)
     * @param transposeA whether {@code a} enters transposed (products only)
     * @param transposeB whether {@code b} enters transposed (products only)
     */
    record Key(Site site, INDArray out, INDArray a, INDArray b, INDArray c, double alpha, double beta,
            boolean transposeA, boolean transposeB) {

        /** An op of one input, {@code out = f(in)}. */
        static Key of(Site site, INDArray out, INDArray in) {
            return new Key(site, out, in, null, null, 0, 0, false, false);
        }

        /** An op of two inputs, {@code out = f(a, b)}. */
        static Key of(Site site, INDArray out, INDArray a, INDArray b) {
            return new Key(site, out, a, b, null, 0, 0, false, false);
        }

        /** An op of three inputs, {@code out = f(a, b, c)}. */
        static Key of(Site site, INDArray out, INDArray a, INDArray b, INDArray c) {
            return new Key(site, out, a, b, c, 0, 0, false, false);
        }

        /** A product {@code out = alpha·op(a)·op(b) + beta·out}, in BLAS's argument order. */
        static Key product(Site site, double alpha, INDArray a, boolean transposeA, INDArray b, boolean transposeB,
                double beta, INDArray out) {
            return new Key(site, out, a, b, null, alpha, beta, transposeA, transposeB);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && site == k.site && out == k.out && a == k.a && b == k.b && c == k.c
                    && Double.doubleToLongBits(alpha) == Double.doubleToLongBits(k.alpha)
                    && Double.doubleToLongBits(beta) == Double.doubleToLongBits(k.beta)
                    && transposeA == k.transposeA && transposeB == k.transposeB;
        }

        @Override
        public int hashCode() {
            int h = site.hashCode();
            h = 31 * h + System.identityHashCode(out);
            h = 31 * h + System.identityHashCode(a);
            h = 31 * h + System.identityHashCode(b);
            h = 31 * h + System.identityHashCode(c);
            h = 31 * h + Long.hashCode(Double.doubleToLongBits(alpha));
            h = 31 * h + Long.hashCode(Double.doubleToLongBits(beta));
            return 31 * h + (transposeA ? 1 : 0) + (transposeB ? 2 : 0);
        }
    }

    /** Enough for every call of a training step and of evaluation, for a few networks. */
    static final int CAPACITY = 64;

    /** One op, its context and what it was built for. */
    private static final class Entry {
        private final Key key;
        private final CustomOp op;
        private final OpContext context;

        private Entry(Key key, CustomOp op) {
            this.key = key;
            this.op = op;
            // What Nd4j.exec(op) copies into its per-call context, once.
            OpContext ctx = Nd4j.getExecutioner().buildContext();
            ctx.markInplace(op.isInplaceCall());
            ctx.setInputArrays(op.inputArguments());
            ctx.setOutputArrays(op.outputArguments());
            ctx.setBArguments(op.bArgs());
            ctx.setIArguments(op.iArgs());
            ctx.setTArguments(op.tArgs());
            ctx.setDArguments(op.dArgs());
            this.context = ctx;
        }
    }

    private final Entry[] entries = new Entry[CAPACITY];
    private int next;

    /**
     * Runs the op kept for {@code key}, first building it with {@code create} (and keeping it, in place
     * of the oldest when full) when there is none. {@code create} receives the key, so that it can be a
     * non-capturing lambda, which allocates nothing.
     */
    void run(Key key, Function<Key, CustomOp> create) {
        Entry entry = find(key);
        if (entry == null) {
            entry = new Entry(key, create.apply(key));
            entries[next] = entry;
            next = (next + 1) % CAPACITY;
        }
        Nd4j.getExecutioner().exec(entry.op, entry.context);
    }

    private Entry find(Key key) {
        for (Entry e : entries) {
            if (e != null && e.key.equals(key)) {
                return e;
            }
        }
        return null;
    }
}
