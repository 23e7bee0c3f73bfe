package org.jnn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jnn.api.BackendInfo;
import org.jnn.api.BackendSelector;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Precision;
import org.jnn.api.Selection;
import org.jnn.api.SelectionNotice;
import org.jnn.api.Survey;
import org.jnn.api.UnknownBackendException;
import picocli.CommandLine.Option;

/**
 * {@code --backend}: which linear-algebra backend does the arithmetic. nn-api's {@link BackendSelector}
 * finds and chooses; this class only words its notices and errors for the command line.
 */
final class BackendOptions {

    @Option(names = "--backend", paramLabel = "NAME",
            description = "ejml, commons-math or nd4j (see `nn backends`). Default: -D" + BackendSelector.PROPERTY
                    + ", $" + BackendSelector.ENVIRONMENT_VARIABLE + ", else the usable backend of highest priority.")
    String backend;

    /** A backend ready for use, and in words why it was taken. */
    record Chosen(LinearAlgebra backend, String reason) {
        String label() {
            return Backends.label(backend);
        }
    }

    /**
     * The backend asked for, else the default one, in {@code precision}. Notices of the selection
     * (which backends were found) go to {@code notices}.
     *
     * @throws UsageException for an unknown name or a precision the backend does not have
     */
    Chosen choose(Precision precision, Consumer<SelectionNotice> notices) {
        BackendSelector selector = new BackendSelector(notices);
        Chosen chosen;
        if (backend != null) {
            try {
                chosen = new Chosen(selector.byName(backend), "asked for with --backend");
            } catch (UnknownBackendException e) {
                throw new UsageException("--backend " + backend + ": " + unknown(e), e);
            }
        } else {
            Selection selection = selector.select();
            chosen = new Chosen(selection.backend(), selection.reason());
        }
        return new Chosen(inPrecision(chosen.backend(), precision), chosen.reason());
    }

    /** Prints notices as "nn: ..." lines on {@code err}, or drops them. */
    static Consumer<SelectionNotice> notices(PrintWriter err, boolean show) {
        return notice -> {
            if (show) {
                err.println("nn: " + describe(notice));
                err.flush();
            }
        };
    }

    private static String describe(SelectionNotice notice) {
        if (notice instanceof SelectionNotice.SeveralUsable several) {
            String others = several.found().stream().filter(b -> b != several.chosen())
                    .map(b -> b.name() + (b.usable() ? "" : " (unusable here)")).collect(Collectors.joining(", "));
            return "using " + several.chosen().name() + ", the usable backend of highest priority (also found: "
                    + others + "). Choose another with --backend NAME, -D" + BackendSelector.PROPERTY + "=NAME or "
                    + BackendSelector.ENVIRONMENT_VARIABLE + "=NAME.";
        }
        return notice.message();
    }

    /**
     * "unknown backend 'cuda'; the class path has ejml, nd4j, commons-math", and why any provider failed
     * to load: the named one may be among them (a bad {@code -D} setting), and --quiet drops the notice
     * that would otherwise have said so.
     */
    static String unknown(UnknownBackendException e) {
        String where = e.requestedBy().equals("the program") ? "" : " (from the " + e.requestedBy() + ")";
        return "unknown backend '" + e.name() + "'" + where + "; " + (e.available().isEmpty()
                ? "there is no backend on the class path"
                : "the class path has " + String.join(", ", e.available()))
                + (e.loadFailures().isEmpty() ? "" : "; failed to load: " + String.join("; ", e.loadFailures()));
    }

    /**
     * The backends called {@code names} in that order (only those are asked whether they work, so no
     * other loads its native library), or every backend when {@code names} is null, that work here; each
     * one that does not is passed to {@code skipped} with the reason.
     *
     * @throws UsageException for a name no backend has, naming {@code option}
     */
    static List<LinearAlgebra> usable(BackendSelector selector, String option, List<String> names,
            BiConsumer<String, String> skipped) {
        Survey survey;
        try {
            survey = names == null ? selector.survey() : selector.survey(names);
        } catch (UnknownBackendException e) {
            throw new UsageException(option + ": " + unknown(e), e);
        }
        List<LinearAlgebra> usable = new ArrayList<>();
        for (BackendInfo info : survey.backends()) {
            if (info.usable()) {
                usable.add(info.backend());
            } else {
                skipped.accept(info.name(), "cannot run here: " + info.availability().reason());
            }
        }
        return usable;
    }

    /** The same backend computing in {@code precision}; a precision it lacks is the user's mistake. */
    static LinearAlgebra inPrecision(LinearAlgebra backend, Precision precision) {
        try {
            return backend.withPrecision(precision);
        } catch (UnsupportedOperationException e) {
            throw new UsageException("--precision " + precision.id() + ": " + e.getMessage(), e);
        }
    }
}
