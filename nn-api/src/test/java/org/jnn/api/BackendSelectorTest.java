package org.jnn.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendSelectorTest {

    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();
    private final List<SelectionNotice> notices = new ArrayList<>();

    private static LinearAlgebra backend(String name, int priority, boolean usable) {
        LinearAlgebra backend = mock(LinearAlgebra.class);
        when(backend.name()).thenReturn(name);
        when(backend.description()).thenReturn(name + " test double");
        when(backend.priority()).thenReturn(priority);
        when(backend.precision()).thenReturn(Precision.F64);
        when(backend.availability()).thenReturn(usable ? Availability.available()
                : Availability.unavailable(name + " needs a native library that is missing"));
        return backend;
    }

    private int scans;

    private BackendSelector selector(Object... providers) {
        return new BackendSelector(() -> {
            scans++;
            return iterate(providers);
        }, properties::get, environment::get, notices::add);
    }

    /** Iterates over backends; a Throwable in the list is thrown by next(), like a broken provider. */
    private static Iterator<LinearAlgebra> iterate(Object... providers) {
        Iterator<Object> it = Arrays.asList(providers).iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public LinearAlgebra next() {
                Object next = it.next();
                if (next instanceof Error error) {
                    throw error;
                }
                return (LinearAlgebra) next;
            }
        };
    }

    @Test
    void systemPropertyChoosesTheBackend() {
        LinearAlgebra ejml = backend("ejml", 30, true);
        LinearAlgebra nd4j = backend("nd4j", 20, true);
        properties.put("nn.backend", "nd4j");
        Selection selection = selector(ejml, nd4j).select();
        assertSame(nd4j, selection.backend());
        assertEquals("system property nn.backend=nd4j", selection.reason());
        assertTrue(notices.isEmpty(), "an explicit choice needs no notice: " + notices);
    }

    @Test
    void systemPropertyWinsOverEnvironmentVariable() {
        LinearAlgebra ejml = backend("ejml", 30, true);
        LinearAlgebra nd4j = backend("nd4j", 20, true);
        properties.put("nn.backend", "ejml");
        environment.put("NN_BACKEND", "nd4j");
        assertSame(ejml, selector(ejml, nd4j).select().backend());
    }

    @Test
    void environmentVariableChoosesTheBackendWhenNoProperty() {
        LinearAlgebra ejml = backend("ejml", 30, true);
        LinearAlgebra commonsMath = backend("commons-math", 10, true);
        environment.put("NN_BACKEND", "Commons-Math");
        Selection selection = selector(ejml, commonsMath).select();
        assertSame(commonsMath, selection.backend());
        assertEquals("environment variable NN_BACKEND=Commons-Math", selection.reason());
    }

    @Test
    void blankPropertyFallsThroughToEnvironment() {
        LinearAlgebra ejml = backend("ejml", 30, true);
        LinearAlgebra nd4j = backend("nd4j", 20, true);
        properties.put("nn.backend", "  ");
        environment.put("NN_BACKEND", "nd4j");
        assertSame(nd4j, selector(ejml, nd4j).select().backend());
    }

    @Test
    void unknownNameListsTheAvailableBackends() {
        properties.put("nn.backend", "cuda");
        UnknownBackendException e = assertThrows(UnknownBackendException.class,
                () -> selector(backend("ejml", 30, true), backend("nd4j", 20, true)).select());
        assertEquals("cuda", e.name());
        assertEquals("system property nn.backend", e.requestedBy());
        assertEquals(List.of("ejml", "nd4j"), e.available());
        assertTrue(e.getMessage().contains("unknown backend 'cuda'"), e.getMessage());
        assertTrue(e.getMessage().contains("system property nn.backend"), e.getMessage());
        assertTrue(e.getMessage().contains("Available: ejml, nd4j"), e.getMessage());
    }

    @Test
    void unknownNameByTheProgramIsTypedToo() {
        UnknownBackendException e = assertThrows(UnknownBackendException.class,
                () -> selector(backend("ejml", 30, true)).byName("blas9000"));
        assertEquals("blas9000", e.name());
        assertEquals("the program", e.requestedBy());
        assertEquals(List.of("ejml"), e.available());
    }

    @Test
    void requestedBackendThatCannotRunSaysWhy() {
        environment.put("NN_BACKEND", "nd4j");
        UnusableBackendException e = assertThrows(UnusableBackendException.class,
                () -> selector(backend("ejml", 30, true), backend("nd4j", 20, false)).select());
        assertEquals("nd4j", e.name());
        assertEquals("nd4j needs a native library that is missing", e.reason());
        assertTrue(e.getMessage().contains("'nd4j'"), e.getMessage());
        assertTrue(e.getMessage().contains("needs a native library that is missing"), e.getMessage());
    }

    @Test
    void nothingOnTheClassPathNamesTheArtifactsToAdd() {
        BackendException e = assertThrows(BackendException.class, () -> selector().select());
        for (String artifact : BackendSelector.BACKEND_ARTIFACTS) {
            assertTrue(e.getMessage().contains(artifact), e.getMessage());
        }
    }

    @Test
    void theOnlyUsableBackendIsChosenWithoutNotice() {
        LinearAlgebra nd4j = backend("nd4j", 90, false);
        LinearAlgebra commonsMath = backend("commons-math", 10, true);
        Selection selection = selector(nd4j, commonsMath).select();
        assertSame(commonsMath, selection.backend());
        assertEquals("the only usable backend", selection.reason());
        assertTrue(notices.isEmpty(), notices.toString());
    }

    @Test
    void theNoticeAlsoNamesBackendsFoundButUnusable() {
        LinearAlgebra ejml = backend("ejml", 30, true);
        LinearAlgebra nd4j = backend("nd4j", 20, false);
        LinearAlgebra commonsMath = backend("commons-math", 10, true);
        Selection selection = selector(ejml, nd4j, commonsMath).select();
        assertSame(ejml, selection.backend());
        assertEquals(1, notices.size(), notices.toString());
        String notice = notices.get(0).message();
        assertTrue(notice.contains("nd4j (unusable here)"), notice);
        assertTrue(notice.contains("commons-math (priority 10)"), notice);
    }

    @Test
    void severalUsableBackendsGiveTheHighestPriorityAndOneNoticeNamingAll() {
        LinearAlgebra commonsMath = backend("commons-math", 10, true);
        LinearAlgebra ejml = backend("ejml", 30, true);
        LinearAlgebra nd4j = backend("nd4j", 20, true);
        Selection selection = selector(commonsMath, ejml, nd4j).select();
        assertSame(ejml, selection.backend());
        assertEquals(1, notices.size(), notices.toString());
        SelectionNotice.SeveralUsable several = assertInstanceOf(SelectionNotice.SeveralUsable.class, notices.get(0));
        assertEquals("ejml", several.chosen().name());
        assertEquals(List.of("ejml", "nd4j", "commons-math"), several.found().stream().map(BackendInfo::name).toList());
        String notice = several.message();
        assertTrue(notice.contains("ejml") && notice.contains("nd4j") && notice.contains("commons-math"), notice);
        assertTrue(notice.contains("using ejml"), notice);
        assertEquals(List.of("ejml", "nd4j", "commons-math"),
                selection.found().stream().map(BackendInfo::name).toList());
    }

    @Test
    void noUsableBackendGivesEachReason() {
        BackendException e = assertThrows(BackendException.class,
                () -> selector(backend("nd4j", 20, false), backend("cuda", 5, false)).select());
        assertTrue(e.getMessage().contains("nd4j: nd4j needs"), e.getMessage());
        assertTrue(e.getMessage().contains("cuda: cuda needs"), e.getMessage());
    }

    @Test
    void providerThatFailsToLoadIsReportedAndTheSearchGoesOn() {
        LinearAlgebra ejml = backend("ejml", 30, true);
        ServiceConfigurationError broken = new ServiceConfigurationError(
                "org.jnn.api.LinearAlgebra: Provider org.example.Broken could not be instantiated");
        Selection selection = selector(broken, ejml).select();
        assertSame(ejml, selection.backend());
        assertEquals(1, selection.loadFailures().size());
        assertTrue(selection.loadFailures().get(0).contains("org.example.Broken"), selection.loadFailures().toString());
        assertTrue(notices.stream().anyMatch(n -> n instanceof SelectionNotice.ProviderFailed failed
                && failed.failure().contains("org.example.Broken")), notices.toString());
    }

    @Test
    void anUnknownNameCarriesTheLoadFailuresForTheCallerToWordItsMessage() {
        ServiceConfigurationError broken = new ServiceConfigurationError(
                "org.jnn.api.LinearAlgebra: Provider org.example.Broken could not be instantiated");
        UnknownBackendException e = assertThrows(UnknownBackendException.class,
                () -> selector(broken, backend("ejml", 30, true)).byName("broken"));
        assertEquals(List.of("ejml"), e.available());
        assertEquals(1, e.loadFailures().size(), e.loadFailures().toString());
        assertTrue(e.loadFailures().get(0).contains("org.example.Broken"), e.loadFailures().toString());
    }

    @Test
    void availabilityCheckThatThrowsMakesTheBackendUnusableInsteadOfFailing() {
        LinearAlgebra throwing = backend("nd4j", 50, true);
        when(throwing.availability()).thenThrow(new UnsatisfiedLinkError("no jnind4jcpu in java.library.path"));
        LinearAlgebra ejml = backend("ejml", 30, true);
        Selection selection = selector(throwing, ejml).select();
        assertSame(ejml, selection.backend());
        BackendInfo nd4j = selection.found().get(0);
        assertTrue(!nd4j.usable() && nd4j.availability().reason().contains("jnind4jcpu"), nd4j.toString());
    }

    @Test
    void byNameIgnoresPropertyAndEnvironment() {
        LinearAlgebra ejml = backend("ejml", 30, true);
        LinearAlgebra nd4j = backend("nd4j", 20, true);
        properties.put("nn.backend", "ejml");
        assertSame(nd4j, selector(ejml, nd4j).byName("ND4J"));
    }

    @Test
    void choosingByNameDoesNotAskOtherBackendsToLoadTheirLibrary() {
        // Asking a backend whether it works may load its native library: only the chosen one is asked.
        LinearAlgebra ejml = backend("ejml", 30, true);
        LinearAlgebra nd4j = backend("nd4j", 20, true);
        selector(ejml, nd4j).byName("ejml");
        properties.put("nn.backend", "ejml");
        selector(ejml, nd4j).select();
        verify(nd4j, never()).availability();
    }

    @Test
    void surveyListsEveryBackendWithItsAvailabilityPrecisionsAndLoadFailures() {
        LinearAlgebra nd4j = backend("nd4j", 20, false);
        LinearAlgebra ejml = backend("ejml", 30, true);
        when(ejml.supportedPrecisions()).thenReturn(java.util.EnumSet.of(Precision.F32, Precision.F64));
        ServiceConfigurationError broken = new ServiceConfigurationError("Provider org.example.Broken not found");
        Survey survey = selector(nd4j, broken, ejml).survey();
        assertEquals(List.of("ejml", "nd4j"), survey.names());
        assertEquals(List.of(Precision.F64, Precision.F32), survey.backends().get(0).precisions());
        BackendInfo unusable = survey.backends().get(1);
        assertEquals("nd4j needs a native library that is missing", unusable.availability().reason());
        assertEquals(List.of("ejml"), survey.usable().stream().map(BackendInfo::name).toList());
        assertEquals(1, survey.loadFailures().size());
        assertTrue(survey.loadFailures().get(0).contains("org.example.Broken"), survey.loadFailures().toString());
    }

    @Test
    void selectingFromASurveyDoesNotLookAtTheClassPathAgain() {
        BackendSelector selector = selector(backend("ejml", 30, true), backend("nd4j", 20, true));
        Survey survey = selector.survey();
        assertEquals(1, scans);
        assertEquals("ejml", selector.select(survey).backend().name());
        environment.put("NN_BACKEND", "nd4j");
        assertEquals("nd4j", selector.select(survey).backend().name());
        assertEquals(1, scans, "the survey is reused");
    }

    @Test
    void aSurveyOfNamedBackendsAsksOnlyThoseInTheOrderGiven() {
        LinearAlgebra ejml = backend("ejml", 30, true);
        LinearAlgebra nd4j = backend("nd4j", 20, true);
        LinearAlgebra commonsMath = backend("commons-math", 10, true);
        Survey survey = selector(ejml, nd4j, commonsMath).survey(List.of("Commons-Math", "ejml"));
        assertEquals(List.of("commons-math", "ejml"), survey.names());
        verify(nd4j, never()).availability();
        UnknownBackendException e = assertThrows(UnknownBackendException.class,
                () -> selector(ejml, nd4j).survey(List.of("ejml", "numpy")));
        assertEquals("numpy", e.name());
        assertEquals(List.of("ejml", "nd4j"), e.available());
    }

    @Test
    void byNameOfAnUnusableBackendSaysWhyAndIsNotAnUnknownName() {
        UnusableBackendException e = assertThrows(UnusableBackendException.class,
                () -> selector(backend("ejml", 30, true), backend("nd4j", 20, false)).byName("nd4j"));
        assertEquals("the program", e.requestedBy());
    }

    @Test
    void realServiceLoaderWithABrokenRegistrationReportsItAndNamesArtifacts(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(LinearAlgebra.class.getName()), "org.example.DoesNotExist\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            BackendSelector real = new BackendSelector(
                    () -> ServiceLoader.load(LinearAlgebra.class, loader).iterator(),
                    properties::get, environment::get, notices::add);
            BackendException e = assertThrows(BackendException.class, real::select);
            assertTrue(e.getMessage().contains("org.jnn:backend-ejml"), e.getMessage());
            assertTrue(e.getMessage().contains("org.example.DoesNotExist"), e.getMessage());
        }
    }

    @Test
    void emptyIteratorThatThrowsNoSuchElementIsTreatedAsEnd() {
        Iterator<LinearAlgebra> odd = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public LinearAlgebra next() {
                throw new NoSuchElementException();
            }
        };
        BackendSelector selector = new BackendSelector(() -> odd, properties::get, environment::get, notices::add);
        assertThrows(BackendException.class, selector::select);
    }
}
