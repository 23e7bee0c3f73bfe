package org.jnn.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --quiet} and {@code --json}. */
final class OutputOptions {

    @Option(names = {"-q", "--quiet"},
            description = "Only the result: no progress bars, per-epoch lines or tables.")
    boolean quiet;

    @Option(names = "--json",
            description = "End the output with one line holding the result as a JSON object.")
    boolean json;

    /** Prints {@code summary} as one JSON line if {@code --json} was given. */
    void printJson(PrintWriter out, Map<String, ?> summary) throws IOException {
        if (json) {
            printJsonLine(out, summary);
        }
    }

    static void printJsonLine(PrintWriter out, Map<String, ?> summary) throws IOException {
        out.println(JSON.std.asString(summary));
        out.flush();
    }
}
