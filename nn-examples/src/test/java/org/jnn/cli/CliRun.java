package org.jnn.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/** Runs the nn command in-process and keeps what it printed. */
record CliRun(int status, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            status = NnCommand.commandLine(o, e).execute(args);
        }
        return new CliRun(status, out.toString(), err.toString());
    }

    List<String> outLines() {
        return out.lines().toList();
    }

    /** Stdout parsed as one JSON object; fails if stdout holds anything else (with --json it must not). */
    Map<String, Object> json() {
        try {
            return Json.MAPPER.readerFor(new TypeReference<Map<String, Object>>() { })
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(out);
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON document:\n" + out, e);
        }
    }

    @Override
    public String toString() {
        return "exit status " + status + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
    }
}
