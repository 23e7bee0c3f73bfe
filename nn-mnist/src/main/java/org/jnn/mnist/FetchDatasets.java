package org.jnn.mnist;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Command-line entry point that makes data sets present and verified, e.g. before tests run:
 * {@code FetchDatasets [mnist|fashion ...] [--data-dir DIR]}. Without ids it fetches all data sets.
 * Prints one line per data set with its folder, and the fetcher's notes on standard error; on failure
 * prints a message (no stack trace) and exits with status 1 (2 for a usage error).
 */
public final class FetchDatasets {

    private static final String USAGE = "usage: FetchDatasets [mnist|fashion ...] [--data-dir DIR]";

    private FetchDatasets() {
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        // A build log wants the notes as lines, not a bar.
        System.exit(run(args, System.out, System.err, new DatasetFetcher(FetchProgress.notes(System.err::println))));
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err, DatasetFetcher fetcher) {
        Set<DatasetKind> kinds = new LinkedHashSet<>();
        Path dataDir = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--data-dir")) {
                    if (++i == args.length) {
                        throw new IllegalArgumentException("--data-dir needs a folder");
                    }
                    dataDir = Path.of(args[i]);
                } else if (arg.startsWith("--data-dir=")) {
                    dataDir = Path.of(arg.substring("--data-dir=".length()));
                } else if (arg.equals("-h") || arg.equals("--help")) {
                    out.println(USAGE);
                    return 0;
                } else if (arg.startsWith("-")) {
                    throw new IllegalArgumentException("unknown option " + arg);
                } else {
                    for (String id : arg.split(",")) { // "mnist,fashion" is handy in build scripts
                        if (!id.isBlank()) {
                            kinds.add(DatasetKind.fromId(id));
                        }
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("FetchDatasets: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (kinds.isEmpty()) {
            kinds.addAll(List.of(DatasetKind.values()));
        }
        Path root = DataDirectory.root(dataDir);
        for (DatasetKind kind : kinds) {
            try {
                Path folder = fetcher.ensureAvailable(kind, root);
                out.println(kind.id() + ": " + folder.toAbsolutePath() + " (4 files verified)");
            } catch (IOException | RuntimeException e) {
                err.println("FetchDatasets: " + kind.id() + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }
}
