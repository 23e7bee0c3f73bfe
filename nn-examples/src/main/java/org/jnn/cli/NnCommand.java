package org.jnn.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code nn} command: train, evaluate and use multilayer perceptrons on MNIST and Fashion-MNIST
 * with any linear-algebra backend on the class path.
 *
 * <p>Exit status: 0 on success, 2 for a mistake in the arguments (the line that says what is wrong, and
 * which help to read), 1 for a failure that is not the user's fault (the message; the stack trace with
 * {@code --verbose}).
 */
@Command(name = "nn",
        mixinStandardHelpOptions = true,
        versionProvider = NnCommand.Version.class,
        description = {
            "Trains, evaluates and uses small neural networks (multilayer perceptrons) on MNIST and "
                    + "Fashion-MNIST, with the linear-algebra backend of your choice.",
            ""},
        subcommands = {
            TrainCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
            InfoCommand.class,
            CompareCommand.class,
            BenchCommand.class,
            BackendsCommand.class,
            JmhCommand.class,
            HelpCommand.class},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  nn train",
            "      the reference experiment: 784-200-200-10 on MNIST, SGD lr 0.01, batch 1, 3 epochs: about 97.5%% correct",
            "  nn train --limit 5000 --epochs 1",
            "      a quick run on the first 5000 training images",
            "  nn train --optimizer adam --batch 64 --epochs 30 --dropout 0.2 --validation 0.1",
            "           --patience 5 --checkpoint runs/adam",
            "      Adam, dropout, early stopping on a validation set, a checkpoint per epoch",
            "  nn train --resume runs/adam",
            "      continues that run after an interruption, exactly as it would have gone on",
            "  nn train --dataset fashion --save fashion.safetensors --plot plots",
            "  nn evaluate fashion.safetensors --plot plots",
            "  nn predict --model fashion.safetensors shoe.png",
            "  nn info fashion.safetensors",
            "      layers, parameters, training settings and results stored in the file",
            "  nn compare --limit 10000 --epochs 1",
            "      the same training on every backend, in one table",
            "  nn bench",
            "      training speed of every backend at batch 1 and 64, f64 and f32",
            "  nn backends",
            "      which backends there are, and which one is the default",
            "  nn jmh SpiBenchmark.gemm -p batch=64",
            "      JMH micro-benchmarks of the backend operations (nn jmh -h: JMH's options)",
            "",
            "Exit status: 0 success, 1 failure (e.g. the data cannot be fetched), 2 wrong arguments."})
public final class NnCommand implements Runnable {

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show the stack trace when something fails.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** Where progress bars go: the process's standard error when run from {@link #main}, else the err writer. */
    private ProgressOutput progressOutput;

    public static void main(String[] args) {
        // The one place: charts and pictures are drawn into images, never on a screen (no window, no dock icon).
        System.setProperty("java.awt.headless", "true");
        // Java 17 writes System.out/err in the platform charset, which is ASCII in a C locale; say what we mean.
        PrintStream stderr = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setErr(stderr);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        CommandLine cmd = commandLine(out, err, ProgressOutput.stderr(stderr, err));
        int status = cmd.execute(args);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * The command line writing to {@code out} and {@code err}, progress bars included (each as one plain line),
     * as tests and embedding programs use it: {@code commandLine(out, err).execute(args)} returns the
     * exit status.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, ProgressOutput.lines(err));
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, ProgressOutput progress) {
        NnCommand nn = new NnCommand();
        nn.progressOutput = progress;
        CommandLine cmd = new CommandLine(nn);
        ErrorHandler handler = new ErrorHandler();
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(handler);
        cmd.setParameterExceptionHandler(handler);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionStrategy(parseResult -> {
            refuseRepeatedGroupOptions(parseResult);
            try {
                return new RunLast().execute(parseResult);
            } catch (OutOfMemoryError e) {
                List<CommandLine> commands = parseResult.asCommandLineList();
                return ErrorHandler.outOfMemory(e, commands.get(commands.size() - 1));
            }
        });
        // jmh hands everything to JMH, whose options (-v, -h, -p ...) are not ours to parse.
        CommandLine jmh = cmd.getSubcommands().get("jmh");
        jmh.setUnmatchedOptionsArePositionalParams(true);
        jmh.getCommandSpec().remove(jmh.getCommandSpec().findOption("--verbose"));
        return cmd;
    }

    /**
     * Refuses an option of an option group (train's sections) given twice, as picocli refuses other
     * options: picocli would start a new group for the second one, silently dropping the options given
     * with the first.
     */
    private static void refuseRepeatedGroupOptions(ParseResult parseResult) {
        for (CommandLine command : parseResult.asCommandLineList()) {
            Set<OptionSpec> seen = new HashSet<>();
            for (OptionSpec option : command.getParseResult().matchedOptions()) {
                if (option.group() != null && !seen.add(option)) {
                    throw new ParameterException(command, "option '" + option.longestName() + "' should be given only once"
                            + (option.isMultiValue() ? ", with its values separated by commas" : ""));
                }
            }
        }
    }

    /** Where the running command draws its progress bars. */
    ProgressOutput progressOutput() {
        return progressOutput;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say which command to run");
    }

    /** The version from the build, and the Java running it. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = NnCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {
                "nn " + properties.getProperty("version", "(development build)"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
