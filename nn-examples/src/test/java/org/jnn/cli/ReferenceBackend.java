package org.jnn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jnn.api.LinearAlgebra;
import org.jnn.core.conformance.ReferenceLinearAlgebra;

/**
 * Runs the command line with the conformance suite's reference implementation selectable as
 * {@code --backend reference}: every SPI operation (every activation, dropout's products, every
 * optimizer step) written the plain way, for the options the product backends may not have yet.
 * nn-core's test-jar does not register it (it must not add a provider to the backends' tests), so this
 * puts a {@code META-INF/services} entry for it on the thread's context class loader, which the
 * backend selector reads, for the duration of one call.
 */
final class ReferenceBackend {

    static final String NAME = "reference";

    private static Path services;

    private ReferenceBackend() {
    }

    static CliRun run(String... args) {
        return with(() -> CliRun.of(args));
    }

    static synchronized <T> T with(Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {servicesFolder().toUri().toURL()}, before)) {
            thread.setContextClassLoader(loader);
            return call.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private static Path servicesFolder() throws IOException {
        if (services == null) {
            Path folder = Path.of("target", "reference-backend"); // the build's own folder: nothing left elsewhere
            Path file = folder.resolve("META-INF/services/" + LinearAlgebra.class.getName());
            Files.createDirectories(file.getParent());
            Files.writeString(file, ReferenceLinearAlgebra.class.getName() + "\n");
            services = folder;
        }
        return services;
    }
}
