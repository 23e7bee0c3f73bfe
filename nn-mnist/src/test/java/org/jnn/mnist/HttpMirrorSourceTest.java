package org.jnn.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror source against a server on the loopback address only. */
class HttpMirrorSourceTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/missing/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.createContext("/good/", exchange -> {
            requests.incrementAndGet();
            String name = Path.of(exchange.getRequestURI().getPath()).getFileName().toString();
            byte[] body = IdxFiles.gzip(name.getBytes());
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/endless/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, 0); // chunked: no length announced
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 64; i++) {
                    out.write(new byte[1 << 16]);
                }
            } catch (IOException e) {
                // the client hung up, as it should
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI base(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** A loopback port with nothing listening: connections are refused at once. */
    private static URI closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/mnist/");
        }
    }

    @Test
    void triesMirrorsInTurnAndSkipsUnreachableOnes() throws Exception {
        HttpMirrorSource source = new HttpMirrorSource(List.of(closedPort(), base("/missing/"), base("/good/")),
                Duration.ofSeconds(2));
        source.fetchInto(dir, DatasetKind.MNIST, FetchProgress.NONE);
        for (DatasetKind.FileSpec spec : DatasetKind.MNIST.files()) {
            assertArrayEquals(IdxFiles.gzip((spec.name() + ".gz").getBytes()),
                    Files.readAllBytes(dir.resolve(spec.name())));
        }
        assertEquals(8, requests.get(), "4 files × (404 mirror + good mirror); the closed port is tried once");
    }

    @Test
    void eachDownloadIsReportedWithItsLength() throws Exception {
        RecordingProgress progress = new RecordingProgress();
        new HttpMirrorSource(List.of(base("/good/")), Duration.ofSeconds(2)).fetchInto(dir, DatasetKind.MNIST, progress);
        List<DatasetKind.FileSpec> files = DatasetKind.MNIST.files();
        assertEquals(files.stream().map(spec -> base("/good/") + spec.name() + ".gz").toList(), progress.tasks);
        for (int i = 0; i < files.size(); i++) {
            assertEquals(Files.size(dir.resolve(files.get(i).name())), progress.totals.get(i), files.get(i).name());
        }
        assertEquals(files.size(), progress.ends);
    }

    @Test
    void aDownloadLongerThanTheFileCanBeIsStopped() throws Exception {
        HttpMirrorSource source = new HttpMirrorSource(List.of(base("/endless/")), Duration.ofSeconds(2));
        IOException e = assertThrows(IOException.class,
                () -> source.fetchInto(dir, DatasetKind.MNIST, FetchProgress.NONE));
        DatasetKind.FileSpec labels = DatasetKind.MNIST.testLabels();
        assertTrue(e.getMessage().contains(labels.name() + ".gz: the download goes on past "
                + labels.deliveryLimit() + " bytes; stopped"), e.getMessage());
        // the 4 MiB answer fits the image files' limits (the fetcher's checksum rejects it), not the labels'
        assertFalse(Files.exists(dir.resolve(labels.name())), "nothing of it is kept");
        assertFalse(Files.exists(dir.resolve(DatasetKind.MNIST.trainLabels().name())), "nothing of it is kept");
    }

    @Test
    void failsWithEachMirrorsError() throws Exception {
        URI closed = closedPort();
        HttpMirrorSource source = new HttpMirrorSource(List.of(closed, base("/missing/")), Duration.ofSeconds(2));
        IOException e = assertThrows(IOException.class,
                () -> source.fetchInto(dir, DatasetKind.MNIST, FetchProgress.NONE));
        assertTrue(e.getMessage().contains("cannot connect to " + closed + " ("), e.getMessage());
        assertTrue(e.getMessage().contains("/missing/t10k-labels-idx1-ubyte.gz: HTTP 404"), e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no partial downloads left");
        }
    }

    @Test
    void aClosedNetworkFailsOnceNotPerFile() throws Exception {
        URI closed = closedPort();
        HttpMirrorSource source = new HttpMirrorSource(List.of(closed), Duration.ofSeconds(2));
        IOException e = assertThrows(IOException.class,
                () -> source.fetchInto(dir, DatasetKind.MNIST, FetchProgress.NONE));
        assertEquals("cannot connect to " + closed + " (ConnectException)", e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no partial downloads left");
        }
    }

    @Test
    void mirrorsComeFromASystemProperty() {
        String property = HttpMirrorSource.mirrorsProperty(DatasetKind.FASHION_MNIST);
        assertEquals("nn.fashion.mirrors", property);
        System.setProperty(property, "http://a.example/x, http://b.example/y/");
        try {
            assertEquals("HTTP mirrors http://a.example/x/, http://b.example/y/",
                    HttpMirrorSource.forKind(DatasetKind.FASHION_MNIST).describe());
        } finally {
            System.clearProperty(property);
        }
        assertTrue(HttpMirrorSource.forKind(DatasetKind.MNIST).describe()
                .contains("https://ossci-datasets.s3.amazonaws.com/mnist/"));
    }
}
