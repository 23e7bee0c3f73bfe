package org.jnn.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.jnn.api.BackendException;
import org.jnn.api.UnknownBackendException;
import org.jnn.core.ModelFormatException;
import org.jnn.core.TrainingDivergedException;
import org.jnn.core.io.FileErrors;
import org.jnn.mnist.DatasetUnavailableException;
import org.jnn.mnist.IdxFormatException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns exceptions into messages and exit statuses, so that nobody sees a stack trace for a mistake.
 *
 * <ul>
 *   <li>{@value #USAGE}: the user asked for something wrong (a picocli parameter error, a
 *       {@link UsageException}, an unknown backend, a model file that is corrupt or does not exist):
 *       the one line that says what is wrong, then where to read more ({@code see: ./nn help train}).
 *   <li>{@value #FAILURE}: something that is not the user's fault (the data set cannot be fetched,
 *       training diverged, a backend's native library does not load, an I/O error, the memory ran out or
 *       would run out):
 *       the message only, and the stack trace with {@code --verbose}.
 * </ul>
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String message = ex.getMessage();
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        return mistake(cmd, message, isVerbose(cmd) ? ex : null);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        cmd.getOut().flush();
        String name = cmd.getCommandSpec().qualifiedName();
        boolean verbose = isVerbose(cmd);
        String userMistake = userMistake(ex);
        if (userMistake != null) {
            return mistake(cmd, userMistake, verbose ? ex : null);
        }
        err.println(cmd.getColorScheme().errorText(name + ": " + failure(ex)));
        if (verbose) {
            ex.printStackTrace(err);
        } else if (!isExpectedFailure(ex)) {
            err.println("(run with --verbose to see where this happened)");
        }
        err.flush();
        return FAILURE;
    }

    /** What was wrong, in one line, and where to read about the command: no wall of usage text. */
    private static int mistake(CommandLine cmd, String message, Throwable trace) {
        PrintWriter err = cmd.getErr();
        cmd.getOut().flush();
        err.println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName() + ": " + message));
        if (trace != null) {
            trace.printStackTrace(err);
        }
        err.println("see: " + helpFor(cmd));
        err.flush();
        return USAGE;
    }

    /** {@code ./nn help train}, or {@code ./nn --help} for the command line itself. */
    static String helpFor(CommandLine cmd) {
        CommandLine parent = cmd.getParent();
        return parent == null ? "./" + cmd.getCommandName() + " --help"
                : "./" + parent.getCommandName() + " help " + cmd.getCommandName();
    }

    /**
     * Running out of memory is nobody's mistake but has a remedy: say how much was in use, the most
     * Java may take here, and how to give it more. The stack trace only with {@code --verbose}.
     */
    static int outOfMemory(OutOfMemoryError error, CommandLine cmd) {
        Runtime runtime = Runtime.getRuntime();
        long mebibyte = 1 << 20;
        long used = (runtime.totalMemory() - runtime.freeMemory()) / mebibyte;
        long max = runtime.maxMemory() / mebibyte;
        long more = Math.max(2, (2 * max + 1023) / 1024); // gibibytes: twice as much, rounded up
        PrintWriter err = cmd.getErr();
        cmd.getOut().flush();
        err.println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName() + ": out of memory ("
                + error.getMessage() + "): " + used + " MiB of the Java heap in use, and Java may take at most "
                + max + " MiB here. Give it more with NN_JAVA_OPTS=-Xmx" + more + "g, or ask for less (smaller "
                + "--layers or --batch)."));
        if (isVerbose(cmd)) {
            error.printStackTrace(err);
        }
        err.flush();
        return FAILURE;
    }

    /** The message for a mistake in the user's request, or null if {@code ex} is not one. */
    static String userMistake(Throwable ex) {
        if (ex instanceof UsageException) {
            return ex.getMessage();
        }
        if (ex instanceof ModelFormatException) {
            return "not a usable model file: " + ex.getMessage();
        }
        if (ex instanceof NoSuchFileException e) {
            return "no such file or folder: " + e.getFile();
        }
        if (ex instanceof FileNotFoundException) {
            return "file not found: " + ex.getMessage();
        }
        if (ex instanceof UnknownBackendException e) {
            return BackendOptions.unknown(e);
        }
        return null;
    }

    /** Failures whose message says everything, so no hint about --verbose is needed. */
    private static boolean isExpectedFailure(Throwable ex) {
        return ex instanceof BackendException || ex instanceof TrainingDivergedException
                || ex instanceof MemoryCheck.NotEnoughMemoryException || ex instanceof DatasetUnavailableException || ex instanceof IdxFormatException
                || ex instanceof IOException || ex instanceof UncheckedIOException;
    }

    private static String failure(Throwable ex) {
        if (ex instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (ex instanceof UncheckedIOException && ex.getCause() != null) {
            return failure(ex.getCause());
        }
        if (ex instanceof IOException io && !(ex instanceof IdxFormatException)
                && !(ex instanceof DatasetUnavailableException)) {
            return "I/O error: " + FileErrors.message(io);
        }
        String message = ex.getMessage();
        return message == null || message.isBlank() ? ex.toString() : message;
    }

    private static boolean isVerbose(CommandLine cmd) {
        Object root = cmd.getCommandSpec().root().userObject();
        return root instanceof NnCommand nn && nn.verbose;
    }
}
