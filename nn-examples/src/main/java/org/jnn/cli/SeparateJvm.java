package org.jnn.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the command line in a JVM of its own: the same Java, JVM options and class path, for a
 * measurement that must not share a process with another (peak resident memory only ever grows).
 */
final class SeparateJvm {

    private SeparateJvm() {
    }

    /**
     * Runs {@code nn ARGUMENTS} and returns its stdout. Its stderr (its report for people, when it writes
     * JSON) is shown on {@code err} only if it fails.
     *
     * @throws IOException if it cannot be started or exits with a status other than 0
     */
    static String run(List<String> arguments, PrintWriter err) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-Xrunjdwp")) { // one debugger port each
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(NnCommand.class.getName());
        command.addAll(arguments);

        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                process.getErrorStream().transferTo(stderr);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "nn child stderr");
        drain.start(); // read both streams at once, so that neither pipe fills and blocks the child
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        drain.join();
        if (status != 0) {
            err.print(stderr.toString(StandardCharsets.UTF_8));
            err.flush();
            throw new IOException("nn " + String.join(" ", arguments) + " in a JVM of its own ended with exit status "
                    + status + " (its messages are above)");
        }
        return stdout;
    }
}
