package org.jnn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code nn jmh ARGS...}: JMH's own command line ({@code org.openjdk.jmh.Main}), over the benchmarks in
 * {@code org.jnn.bench}. Every argument goes to JMH as it is: {@code nn jmh -h} is JMH's help, and
 * {@code nn help jmh} this command's.
 */
@Command(name = "jmh",
        description = {
            "Runs the JMH micro-benchmarks of every LinearAlgebra operation (org.jnn.bench.SpiBenchmark) at the "
                    + "network's shapes, per backend, batch size and precision, plus a whole SGD step.",
            "Every argument goes to JMH (org.openjdk.jmh.Main) as it is; `nn jmh -h` lists JMH's options. "
                    + "All of it takes about 15 minutes. Examples:",
            "  nn jmh SpiBenchmark.gemm -p backend=nd4j -p batch=64",
            "  nn jmh -prof gc SpiBenchmark.trainingStep      (bytes allocated per training step)",
            "  nn jmh -l                                      (the benchmarks there are)",
            ""})
final class JmhCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JMH-ARG", description = "JMH's options and benchmark name patterns.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        // JMH prints to the process's stdout and exits with status 1 itself when something fails.
        org.openjdk.jmh.Main.main(arguments.toArray(String[]::new));
        return ErrorHandler.OK;
    }
}
