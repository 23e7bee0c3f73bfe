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
            description = "Write the result to stdout as one JSON object (one line), and everything else to stderr.")
    boolean json;

    /** Where the report for people goes: stdout, or stderr when stdout carries the JSON document. */
    PrintWriter report(CommandSpec spec) {
        return json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    }

    /** Prints {@code summary} (a record) as one line of JSON on stdout, if {@code --json} was given: all stdout holds. */
    void printJson(CommandSpec spec, Object summary) {
        if (json) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(Json.write(summary));
            out.flush();
        }
    }
}
