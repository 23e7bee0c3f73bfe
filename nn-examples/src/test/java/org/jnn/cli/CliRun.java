package org.jnn.cli;

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

    /** The last line of stdout parsed as a JSON object. */
    Map<String, Object> json() {
        List<String> lines = outLines();
        try {
            return Json.MAPPER.readValue(lines.get(lines.size() - 1), new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        } catch (java.io.IOException e) {
            throw new AssertionError("the last line of stdout is not JSON: " + lines.get(lines.size() - 1), e);
        }
    }

    @Override
    public String toString() {
        return "exit status " + status + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
    }
}
