package org.jnn.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;

/**
 * Training steps of a {@link Network} with each batch split over worker threads, whose result does not
 * depend on how many there are.
 *
 * <p>A batch of {@code rows} samples is cut into {@link #shardCount shardCount(rows)} shards of
 * consecutive rows, as even as possible (21 to {@value #SHARD_ROWS} rows each): a layout that depends on
 * the batch size alone. Shard {@code s} goes to worker {@code s mod workers}; each worker owns an
 * instance of the network's backend (the SPI asks for one per thread; instances of one backend share
 * their matrices), reads the network's weights where they are and writes the gradient of its shards'
 * summed loss, scaled by {@code 1 / rows}, into the shard's own buffers, made by the worker's instance.
 * The calling thread is worker 0.
 * When every shard is done, the calling thread adds the shards' gradients in shard order and takes one
 * optimizer step on the network's own backend. Every shard is computed by the same calls whichever worker
 * computes it, and the sum is taken in one order, so 1, 2 or 16 workers give the same weights bit for
 * bit. Dropout masks are drawn on the calling thread from the run's generator, in the order of an
 * unsharded step, so the same units are dropped.
 *
 * <p>A batch below {@value #MIN_SHARDED_ROWS} rows is not cut: {@link TrainingLoop} takes the ordinary
 * step for it.
 */
final class DataParallelStep implements AutoCloseable {

    /**
     * The largest shard: a batch of 64 gives two workers a shard each. With shards of at most 16, Commons
     * Math on 2 threads trained 4,058-4,582 samples/s at batch 64 against 5,256-5,383 with 32 (two paired
     * {@code nn bench --threads 2} runs); a smaller shard pays each operation's fixed cost for fewer rows.
     */
    static final int SHARD_ROWS = 32;
    /** Batches from this size on are cut into at least two shards. */
    static final int MIN_SHARDED_ROWS = 2 * SHARD_ROWS;

    private final Network network;
    private final LinearAlgebra la;
    private final Worker[] workers;
    private final ExecutorService pool;
    /** Per shard index: its workspaces by row count, and its gradient buffers. */
    private final List<Map<Integer, Workspace>> shardWorkspaces = new ArrayList<>();
    private final List<Matrix[][]> shardGradients = new ArrayList<>();
    private Workspace[] current = new Workspace[0];
    private double[] losses = new double[0];

    /**
     * @param workers worker threads, at least 1; the caller is the first
     * @throws IllegalArgumentException if the backend cannot make another instance of itself
     */
    DataParallelStep(Network network, int workers) {
        this.network = network;
        this.la = network.backend();
        this.workers = new Worker[workers];
        for (int w = 0; w < workers; w++) {
            this.workers[w] = new Worker(newInstance(la, workers));
        }
        AtomicInteger made = new AtomicInteger();
        this.pool = workers == 1 ? null : Executors.newFixedThreadPool(workers - 1, task -> {
            Thread thread = new Thread(task, "jnn-training-worker-" + made.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Shards of a batch of {@code rows}: 1 below {@link #MIN_SHARDED_ROWS}, else {@code ceil(rows / SHARD_ROWS)}. */
    static int shardCount(int rows) {
        return rows < MIN_SHARDED_ROWS ? 1 : (rows + SHARD_ROWS - 1) / SHARD_ROWS;
    }

    /**
     * One optimizer step on rows {@code first .. first + rows} of {@code data} (through {@code order});
     * returns the batch's summed loss before the step. {@code dropout} draws the masks, or is null.
     */
    double step(Dataset data, int[] order, int first, int rows, ParameterUpdater updater, double rate,
            SplittableRandom dropout) {
        int shards = shardCount(rows);
        if (current.length < shards) {
            current = new Workspace[shards];
            losses = new double[shards];
        }
        int offset = first;
        for (int s = 0; s < shards; s++) {
            int size = rows / shards + (s < rows % shards ? 1 : 0);
            current[s] = workspace(s, size);
            network.stage(current[s], data, order, offset);
            offset += size;
        }
        boolean training = dropout != null;
        if (training) {
            network.drawMasks(current, shards, dropout);
        }
        double alpha = 1.0 / rows;
        List<Future<?>> running = new ArrayList<>();
        for (int w = 1; w < workers.length && w < shards; w++) {
            int worker = w;
            running.add(pool.submit(() -> workers[worker].compute(worker, shards, training, alpha)));
        }
        RuntimeException failure = null;
        try {
            workers[0].compute(0, shards, training, alpha);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : running) {
            failure = await(f, failure);
        }
        if (failure != null) {
            throw failure;
        }
        double loss = 0;
        for (int s = 0; s < shards; s++) {
            loss += losses[s];
        }
        updater.beginStep();
        Matrix[][] total = shardGradients.get(0);
        for (int l = 0; l < total[0].length; l++) {
            for (int s = 1; s < shards; s++) {
                Matrix[][] shard = shardGradients.get(s);
                la.axpy(1.0, shard[0][l], total[0][l]);
                la.axpy(1.0, shard[1][l], total[1][l]);
            }
            updater.apply(l, rate, total[0][l], total[1][l]);
        }
        return loss;
    }

    private static RuntimeException await(Future<?> task, RuntimeException failure) {
        try {
            task.get();
            return failure;
        } catch (ExecutionException e) {
            RuntimeException thrown = e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException("a training worker failed", e.getCause());
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            return failure != null ? failure : thrown;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure != null ? failure : new IllegalStateException("interrupted while waiting for a training worker", e);
        }
    }

    private Workspace workspace(int shard, int rows) {
        while (shardWorkspaces.size() <= shard) {
            int next = shardWorkspaces.size();
            shardWorkspaces.add(new HashMap<>());
            shardGradients.add(gradientBuffers(computing(next)));
        }
        return shardWorkspaces.get(shard).computeIfAbsent(rows, r -> new Workspace(computing(shard),
                network.architecture(), r));
    }

    /**
     * The instance of the worker that computes {@code shard}, which also makes the shard's matrices: with
     * ND4J, shards on matrices of the calling thread's instance took 2.1 ms a batch-64 step on 2 workers,
     * on their own worker's 1.4-1.6 ms.
     */
    private LinearAlgebra computing(int shard) {
        return workers[shard % workers.length].backend;
    }

    /** Weight gradients ({@code Wᵀ}'s layout) and bias gradients, one per layer. */
    private Matrix[][] gradientBuffers(LinearAlgebra maker) {
        DenseLayer[] layers = network.layers();
        Matrix[][] buffers = new Matrix[2][layers.length];
        for (int l = 0; l < layers.length; l++) {
            buffers[0][l] = maker.zeros(layers[l].inputs, layers[l].outputs);
            buffers[1][l] = maker.zeros(1, layers[l].outputs);
        }
        return buffers;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /**
     * A new instance of {@code backend}'s class in its precision, made with the public no-argument
     * constructor every registered backend has.
     */
    static LinearAlgebra newInstance(LinearAlgebra backend, int workers) {
        LinearAlgebra fresh;
        try {
            fresh = backend.getClass().getConstructor().newInstance().withPrecision(backend.precision());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("training on " + workers + " threads needs an instance of backend '"
                    + Backends.label(backend) + "' per thread, made with the public no-argument constructor of "
                    + backend.getClass().getName() + ", which failed (" + e + "); train on 1 thread", e);
        }
        if (fresh.getClass() != backend.getClass()) {
            throw new IllegalArgumentException("training on " + workers + " threads needs an instance of backend '"
                    + Backends.label(backend) + "' per thread, but its no-argument constructor made a "
                    + fresh.getClass().getName() + "; train on 1 thread");
        }
        return fresh;
    }

    /** A worker: one instance of the backend, used by one thread at a time. */
    private final class Worker {
        private final LinearAlgebra backend;

        Worker(LinearAlgebra backend) {
            this.backend = backend;
        }

        /** Shards {@code index}, {@code index + workers}, ... of the current batch. */
        void compute(int index, int shards, boolean training, double alpha) {
            for (int s = index; s < shards; s += workers.length) {
                Matrix[][] gradient = shardGradients.get(s);
                losses[s] = network.shardGradient(backend, current[s], training, alpha, gradient[0], gradient[1]);
            }
        }
    }
}
