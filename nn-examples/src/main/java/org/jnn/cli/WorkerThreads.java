package org.jnn.cli;

/**
 * Training on several worker threads ({@code --threads}) gives every worker a processor; the backends'
 * own threads would then compete with the workers for them. Before the backend loads, this holds them to
 * one thread per worker through the settings each backend already reads: ND4J's OpenBLAS threads for
 * large products ({@code nn.nd4j.gemmThreads}; its other threads are 1 already) and EJML's multi-threaded
 * products ({@code nn.ejml.threads}). A value the user set (e.g. {@code NN_JAVA_OPTS=-Dnn.nd4j.gemmThreads=2})
 * is kept.
 */
final class WorkerThreads {

    static final String ND4J_LARGE_PRODUCTS = "nn.nd4j.gemmThreads";
    static final String EJML_PRODUCTS = "nn.ejml.threads";

    private WorkerThreads() {
    }

    /** With more than one worker, one backend thread each, unless the user chose otherwise. */
    static void holdBackendsToOneThreadEach(int workers) {
        if (workers > 1) {
            for (String property : new String[] {ND4J_LARGE_PRODUCTS, EJML_PRODUCTS}) {
                if (System.getProperty(property) == null) {
                    System.setProperty(property, "1");
                }
            }
        }
    }

    /** {@code "; 2 threads"} for the line that describes the run, nothing for one. */
    static String describe(int workers) {
        return workers > 1 ? "; " + workers + " threads" : "";
    }
}
