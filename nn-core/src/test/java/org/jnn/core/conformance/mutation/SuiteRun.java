package org.jnn.core.conformance.mutation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.jnn.api.LinearAlgebra;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs tests of the conformance suite, through the JUnit Platform Launcher, against
 * {@link PlantedBugBackend} with one {@link PlantedBug}, registered as that bug says: a
 * {@code META-INF/services} file in a temporary folder on the thread's context class loader, where
 * {@code Backends} looks.
 */
final class SuiteRun {

    /** A failed test (or container): its display names below the suite class, and its exception. */
    record Failure(String test, String message) {
    }

    private SuiteRun() {
    }

    /**
     * The failures of the selected tests, in the order they failed; with {@code stopAtFirstFailure}, the
     * tests after the first failure are skipped.
     */
    static List<Failure> run(PlantedBug bug, boolean stopAtFirstFailure, DiscoverySelector... selectors) {
        try {
            Path folder = Files.createTempDirectory("jnn-planted-bug");
            try {
                return run(bug, stopAtFirstFailure, folder, selectors);
            } finally {
                try (Stream<Path> files = Files.walk(folder)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Failure> run(PlantedBug bug, boolean stopAtFirstFailure, Path folder,
            DiscoverySelector... selectors) throws IOException {
        if (bug.servicesLine() != null) {
            Path services = folder.resolve("META-INF/services/" + LinearAlgebra.class.getName());
            Files.createDirectories(services.getParent());
            Files.writeString(services, bug.servicesLine() + "\n");
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        PlantedBugBackend.active = bug;
        StopAtFirstFailure.reset(stopAtFirstFailure);
        try (URLClassLoader registered = new URLClassLoader(new URL[] {folder.toUri().toURL()}, previous)) {
            thread.setContextClassLoader(registered);
            Failures failures = new Failures();
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(),
                    failures);
            return failures.found;
        } finally {
            thread.setContextClassLoader(previous);
            PlantedBugBackend.active = PlantedBug.NONE;
        }
    }

    /** Collects the failures of a run and tells {@link StopAtFirstFailure} about them. */
    private static final class Failures implements TestExecutionListener {
        private TestPlan plan;
        final List<Failure> found = new ArrayList<>();

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                found.add(new Failure(path(id), result.getThrowable()
                        .map(t -> t.getClass().getSimpleName() + ": " + t.getMessage())
                        .orElse(result.getStatus().toString())));
                StopAtFirstFailure.failed();
            }
        }

        /** {@code [f32] › gemmMatchesReference(...) › [7] ...}: the display names below the suite class. */
        private String path(TestIdentifier id) {
            List<String> names = new ArrayList<>();
            for (TestIdentifier at = id; at != null && at.getParentIdObject().isPresent()
                    && plan.getParent(at).flatMap(TestIdentifier::getParentIdObject).isPresent();
                    at = plan.getParent(at).orElse(null)) {
                names.add(0, at.getDisplayName());
            }
            return String.join(" › ", names);
        }
    }
}
