package org.jnn.core.conformance.mutation;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Measures the conformance suite: runs it against {@link PlantedBugBackend} once for each control (no bug,
 * and an f32 instance computing in float arithmetic; both must pass) and once for every {@link PlantedBug},
 * and prints which were caught, by which test and with which message, the share caught and every survivor.
 * A bug counts as caught at operation level when
 * {@link PlantedBugOperationSuite} fails; the others then meet the whole suite with its network tests
 * ({@link PlantedBugNetworkSuite}). Each run stops at its first failure.
 *
 * <p>Run with {@code mvn -B -pl nn-core -am -Pmutation verify -DskipTests}; with
 * {@code -Dexec.args="GEMM_IGNORES_BETA ..."} only the bugs named. Fails when fewer than
 * {@value #TARGET_PERCENT}% are caught or a survivor is not argued {@linkplain PlantedBug#harmless()
 * harmless}.
 */
public final class MutationRun {

    static final int TARGET_PERCENT = 98;

    private MutationRun() {
    }

    /** What the suite did with one planted bug: its first failure, or none. */
    record Outcome(PlantedBug bug, SuiteRun.Failure failure, boolean operationLevel) {
        boolean caught() {
            return failure != null;
        }
    }

    public static void main(String[] args) {
        List<PlantedBug> bugs = args.length == 0
                ? Arrays.stream(PlantedBug.values()).filter(b -> !b.isControl()).toList()
                : Arrays.stream(args).map(name -> PlantedBug.valueOf(name.toUpperCase(Locale.ROOT))).toList();
        long start = System.nanoTime();
        for (PlantedBug control : PlantedBug.values()) {
            if (!control.isControl()) {
                continue;
            }
            long controlStart = System.nanoTime();
            Outcome outcome = run(control);
            if (outcome.caught()) {
                throw new IllegalStateException("the control " + control + " (" + control.description() + ") fails "
                        + "the suite, so nothing can be measured: " + outcome.failure());
            }
            System.out.printf("control %s (%s): passes the whole suite, f64 and f32, in %.1f s%n", control,
                    control.description(), (System.nanoTime() - controlStart) / 1e9);
        }
        System.out.println();
        List<Outcome> outcomes = new ArrayList<>();
        for (PlantedBug bug : bugs) {
            Outcome outcome = run(bug);
            outcomes.add(outcome);
            print(outcome);
        }
        summarise(outcomes, (System.nanoTime() - start) / 1e9);
    }

    private static Outcome run(PlantedBug bug) {
        List<SuiteRun.Failure> operations = SuiteRun.run(bug, true, selectClass(PlantedBugOperationSuite.class));
        if (!operations.isEmpty()) {
            return new Outcome(bug, operations.get(0), true);
        }
        List<SuiteRun.Failure> all = SuiteRun.run(bug, true, selectClass(PlantedBugNetworkSuite.class));
        return new Outcome(bug, all.isEmpty() ? null : all.get(0), false);
    }

    private static void print(Outcome o) {
        PlantedBug bug = o.bug();
        String verdict = !o.caught() ? "SURVIVED" : o.operationLevel() ? "caught" : "caught by the network tests only";
        System.out.printf("%s %s %s (%s): %s%n", verdict, bug, bug.precisions(), bug.rule(), bug.description());
        if (o.caught()) {
            System.out.printf("    by %s%n    %s%n", o.failure().test(), firstLine(o.failure().message(), 240));
        }
    }

    private static void summarise(List<Outcome> outcomes, double seconds) {
        System.out.printf("%nby rule or operation (caught / planted):%n");
        Map<String, List<Outcome>> byRule = outcomes.stream().collect(Collectors.groupingBy(o -> o.bug().rule(),
                TreeMap::new, Collectors.toList()));
        byRule.forEach((rule, list) -> System.out.printf("  %-22s %d / %d%n", rule,
                list.stream().filter(Outcome::caught).count(), list.size()));
        System.out.printf("by precision planted in (caught / planted):%n");
        outcomes.stream().collect(Collectors.groupingBy(o -> o.bug().precisions(), TreeMap::new, Collectors.toList()))
                .forEach((precisions, list) -> System.out.printf("  %-22s %d / %d%n", precisions,
                        list.stream().filter(Outcome::caught).count(), list.size()));
        List<Outcome> survivors = outcomes.stream().filter(o -> !o.caught()).toList();
        long caught = outcomes.size() - survivors.size();
        long networkOnly = outcomes.stream().filter(o -> o.caught() && !o.operationLevel()).count();
        double percent = 100.0 * caught / outcomes.size();
        System.out.printf("%n%d planted bugs: caught %d (%.1f %%), %d of them only by the network tests; %d survived "
                + "(%.0f s)%n", outcomes.size(), caught, percent, networkOnly, survivors.size(), seconds);
        for (Outcome o : survivors) {
            String why = o.bug().harmless();
            System.out.printf("survivor %s: %s%n    %s%n", o.bug(), o.bug().description(),
                    why == null ? "NOT ARGUED HARMLESS: the suite has a gap here" : "harmless: " + why);
        }
        List<PlantedBug> unexplained = survivors.stream().map(Outcome::bug).filter(b -> b.harmless() == null).toList();
        if (percent < TARGET_PERCENT || !unexplained.isEmpty()) {
            throw new IllegalStateException(String.format(Locale.ROOT, "the suite caught %.1f %% of the planted bugs "
                    + "(target %d %%); survivors not argued harmless: %s", percent, TARGET_PERCENT, unexplained));
        }
    }

    private static String firstLine(String text, int max) {
        String line = text == null ? "" : text.lines().findFirst().orElse("");
        return line.length() <= max ? line : line.substring(0, max) + "…";
    }
}
