package org.jnn.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jnn.api.BackendException;
import org.jnn.api.BackendInfo;
import org.jnn.api.BackendSelector;
import org.jnn.api.Precision;
import org.jnn.api.Selection;
import org.jnn.api.Survey;
import org.jnn.api.UnknownBackendException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code nn backends}: what is on the class path, what works here, and which one is the default. */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = {
            "Lists the backends found, which one is the default and why.",
            "For each linear-algebra backend on the class path: name, priority, precisions, and whether it "
                    + "works on this machine (if not, why).",
            "The default is the backend named by -D" + BackendSelector.PROPERTY + "=NAME, else by $"
                    + BackendSelector.ENVIRONMENT_VARIABLE + ", else the only usable one, else the usable one of "
                    + "highest priority. --backend NAME on other commands overrides all of these.",
            ""})
final class BackendsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.report(spec);
        BackendSelector selector = new BackendSelector(notice -> { }); // everything is shown below
        Survey survey = selector.survey();
        Selection selection = null;
        String noDefault = null;
        try {
            selection = selector.select(survey);
        } catch (UnknownBackendException e) {
            noDefault = BackendOptions.unknown(e);
        } catch (BackendException e) {
            noDefault = e.getMessage();
        }
        String chosen = selection == null ? null : selection.backend().name();

        Format.Table table = new Format.Table("backend", "priority", "precisions", "usable", "description");
        for (BackendInfo info : survey.backends()) {
            table.row(info.name() + (info.name().equals(chosen) ? " *" : ""), info.priority(), precisions(info),
                    info.usable() ? "yes" : "no", info.description());
        }
        if (survey.backends().isEmpty()) {
            out.println("no backend on the class path");
        } else {
            out.print(table.render());
        }
        for (BackendInfo info : survey.backends()) {
            if (!info.usable() && !output.quiet) {
                out.println(info.name() + " cannot run here: " + info.availability().reason());
            }
        }
        for (String failure : survey.loadFailures()) {
            out.println("a backend provider failed to load: " + failure);
        }
        out.println();
        if (selection != null) {
            out.println("default: " + chosen + " (* above), chosen as " + selection.reason());
            if (!output.quiet) {
                out.println("choose another with --backend NAME, -D" + BackendSelector.PROPERTY + "=NAME or "
                        + BackendSelector.ENVIRONMENT_VARIABLE + "=NAME");
            }
        } else {
            out.println("no default: " + noDefault);
        }
        out.flush();

        output.printJson(spec, new Summary(survey.backends().stream().map(Backend::of).toList(), chosen,
                selection == null ? noDefault : selection.reason(), survey.loadFailures()));
        return selection == null ? ErrorHandler.FAILURE : ErrorHandler.OK;
    }

    /** What {@code --json} prints. */
    record Summary(List<Backend> backends, @JsonProperty("default") String defaultBackend, String defaultReason,
            List<String> loadFailures) {
    }

    /** One backend found; {@code reason} says why it cannot run here (null when it can). */
    record Backend(String name, String description, int priority, List<String> precisions, boolean usable,
            String reason) {

        static Backend of(BackendInfo info) {
            return new Backend(info.name(), info.description(), info.priority(),
                    info.precisions().stream().map(Precision::id).toList(), info.usable(),
                    info.usable() ? null : info.availability().reason());
        }
    }

    private static String precisions(BackendInfo info) {
        return info.precisions().isEmpty() ? "?" : info.precisions().stream().map(Precision::id)
                .collect(Collectors.joining(","));
    }
}
