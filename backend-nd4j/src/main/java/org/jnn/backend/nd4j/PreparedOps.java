package org.jnn.backend.nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
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
 * Ops are kept by {@link Key}: the op, the identity of every array and the scalar arguments; a
 * fixed number is kept, the least recently used dropped first, so that a program creating many
 * matrices does not keep them alive. Scalars that change from call to call (an optimizer's learning
 * rate and step count) are not part of the key: {@link #run(Key, Function, double[], long[])} sets them
 * in the kept context before each run.
 *
 * <p>Not thread-safe, like the backend instance that owns it.
 */
final class PreparedOps {

    /**
     * Which op a key builds (where in the backend it is called); part of the key. Two keys of one site
     * and the same arrays and scalars build the same op, so calls from different operations may share it.
     */
    enum Site {
        GEMM, GEMV, RELU, XW_PLUS_B, RELU_LAYER, LOG_SOFTMAX, ADD_ROW_VECTOR, RELU_BACKWARD, ARGMAX,
        /** Element-wise ops of two arrays, either of which may be a 0-d scalar. */
        MULTIPLY, ADD, SUBTRACT, DIVIDE, MAXIMUM,
        SIGMOID,
        /** {@code adam_updater} and {@code rms_prop_updater}, in place; their scalars are set per call. */
        ADAM_UPDATER, RMS_PROP_UPDATER
    }

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

    /**
     * Enough for every call of training and evaluation, for two networks: an epoch of a 784-200-100-10
     * network with GELU, leaky ReLU, dropout, AdamW and validation, at batch 64 with a partial last batch,
     * makes 93 distinct calls in f64 and 107 in f32 ({@code PreparedOpsTest}). A step that needed more
     * would rebuild its ops on every call.
     */
    static final int CAPACITY = 256;

    /** One op and its context. */
    private static final class Entry {
        private final CustomOp op;
        private final OpContext context;

        private Entry(CustomOp op) {
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

    private long built;

    /** In order of use, the least recently used first. */
    private final Map<Key, Entry> entries = new LinkedHashMap<>(2 * CAPACITY, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > CAPACITY;
        }
    };

    /**
     * Runs the op kept for {@code key}, first building it with {@code create} (and keeping it, in place
     * of the least recently used when full) when there is none. {@code create} receives the key, so that
     * it can be a non-capturing lambda, which allocates nothing.
     */
    void run(Key key, Function<Key, CustomOp> create) {
        Entry entry = entry(key, create);
        Nd4j.getExecutioner().exec(entry.op, entry.context);
    }

    /**
     * {@link #run(Key, Function)} for an op whose floating-point and integer arguments change from call to
     * call: they are set in the kept context first (what the op was built with does not matter).
     */
    void run(Key key, Function<Key, CustomOp> create, double[] tArguments, long[] iArguments) {
        Entry entry = entry(key, create);
        entry.context.setTArguments(tArguments);
        entry.context.setIArguments(iArguments);
        Nd4j.getExecutioner().exec(entry.op, entry.context);
    }

    private Entry entry(Key key, Function<Key, CustomOp> create) {
        Entry entry = entries.get(key);
        if (entry == null) {
            entry = new Entry(create.apply(key));
            entries.put(key, entry);
            built++;
        }
        return entry;
    }

    /** How many ops have been built so far: a repeated step that builds more has lost some of its ops. */
    long built() {
        return built;
    }
}
