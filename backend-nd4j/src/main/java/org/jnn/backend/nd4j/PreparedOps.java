package org.jnn.backend.nd4j;

import java.util.function.Supplier;
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
 * Entries are matched by call site, by the identity of every array and by the scalar arguments; a
 * small fixed number is kept, replaced round-robin, so that a program creating many matrices does not
 * keep them alive.
 *
 * <p>Not thread-safe, like the backend instance that owns it.
 */
final class PreparedOps {

    /** Where in the backend an op is called; part of the key. */
    enum Site { GEMM, GEMV, RELU, XW_PLUS_B, RELU_LAYER, LOG_SOFTMAX, ADD_ROW_VECTOR, RELU_BACKWARD, ARGMAX }

    /** Enough for every call of a training step and of evaluation, for a few networks. */
    private static final int CAPACITY = 64;

    /** One op, its context and the arguments it was built for. */
    static final class Entry {
        private final Site site;
        private final INDArray out;
        private final INDArray a;
        private final INDArray b;
        private final INDArray c;
        private final double alpha;
        private final double beta;
        private final int flags;
        private final CustomOp op;
        private final OpContext context;

        private Entry(Site site, INDArray out, INDArray a, INDArray b, INDArray c, double alpha, double beta,
                int flags, CustomOp op) {
            this.site = site;
            this.out = out;
            this.a = a;
            this.b = b;
            this.c = c;
            this.alpha = alpha;
            this.beta = beta;
            this.flags = flags;
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

        private boolean matches(Site s, INDArray o, INDArray x, INDArray y, INDArray z, double al, double be, int f) {
            // Scalars compared bit for bit: NaN matches NaN, 0.0 does not match -0.0.
            return site == s && out == o && a == x && b == y && c == z
                    && Double.doubleToLongBits(alpha) == Double.doubleToLongBits(al)
                    && Double.doubleToLongBits(beta) == Double.doubleToLongBits(be) && flags == f;
        }

        /** Runs the op on the arrays it was built for. */
        void run() {
            Nd4j.getExecutioner().exec(op, context);
        }
    }

    private final Entry[] entries = new Entry[CAPACITY];
    private int next;

    /**
     * The entry built for exactly these arguments, or null. Unused array arguments are null; {@code flags}
     * holds any boolean arguments (transposes) as bits.
     */
    Entry find(Site site, INDArray out, INDArray a, INDArray b, INDArray c, double alpha, double beta, int flags) {
        for (Entry e : entries) {
            if (e != null && e.matches(site, out, a, b, c, alpha, beta, flags)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Runs the op kept for these arguments, first building it with {@code create} (and keeping it) when
     * there is none. Unused array arguments are null; {@code flags} holds boolean arguments as bits.
     */
    void run(Site site, INDArray out, INDArray a, INDArray b, INDArray c, double alpha, double beta, int flags,
            Supplier<CustomOp> create) {
        Entry e = find(site, out, a, b, c, alpha, beta, flags);
        if (e == null) {
            e = add(site, out, a, b, c, alpha, beta, flags, create.get());
        }
        e.run();
    }

    /** Keeps {@code op}, built for these arguments, replacing the oldest entry when full. */
    Entry add(Site site, INDArray out, INDArray a, INDArray b, INDArray c, double alpha, double beta, int flags,
            CustomOp op) {
        Entry e = new Entry(site, out, a, b, c, alpha, beta, flags, op);
        entries[next] = e;
        next = (next + 1) % CAPACITY;
        return e;
    }
}
