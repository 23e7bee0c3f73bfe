package org.jnn.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --quiet} and {@code --json}, the same on every command. */
final class OutputOptions {

    @Option(names = {"-q", "--quiet"},
            description = "Only the result: no progress bars, per-epoch lines, tables or notices.")
    boolean quiet;

    @Option(names = "--json",
            description = "End the output with one line holding the result as a JSON object.")
    boolean json;

    /** Prints {@code summary} (a record) as one line of JSON on stdout, if {@code --json} was given. */
    void printJson(CommandSpec spec, Object summary) {
        if (json) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(Json.write(summary));
            out.flush();
        }
    }
}
