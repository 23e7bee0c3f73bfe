package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchDatasetsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(DatasetFetcher fetcher, String... args) {
        return FetchDatasets.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), fetcher);
    }

    private static DatasetFetcher noSources() {
        return new DatasetFetcher(k -> List.of(new DataSource() {
            @Override
            public String describe() {
                return "nowhere";
            }

            @Override
            public void fetchInto(Path target, DatasetKind kind, FetchProgress progress) throws IOException {
                throw new IOException("offline");
            }
        }), FetchProgress.NONE);
    }

    @Test
    void unknownIdIsAUsageError() {
        assertEquals(2, run(noSources(), "cifar"));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("FetchDatasets: unknown data set 'cifar'; valid ids are: mnist, fashion"), text);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals(2, run(noSources(), "--data-dir"));
    }

    @Test
    void failureGivesAMessageAndNoStackTrace() {
        assertEquals(1, run(noSources(), "fashion", "--data-dir", dir.toString()));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("FetchDatasets: fashion: Fashion-MNIST is not available in "
                + dir.resolve("fashion")), text);
        assertTrue(text.contains("1. nowhere: offline"), text);
        assertFalse(text.contains("\tat "), "no stack trace");
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void help() {
        assertEquals(0, run(noSources(), "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: FetchDatasets"));
    }
}
