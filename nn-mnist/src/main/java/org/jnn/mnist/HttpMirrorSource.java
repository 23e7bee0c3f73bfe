package org.jnn.mnist;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Downloads the gzip-compressed files ({@code <name>.gz}) from public mirrors over HTTP(S), trying
 * each mirror in turn. For machines with the open internet; where there is none, the short connect
 * timeout makes it fail in seconds. Downloads larger than 1 MiB show a progress bar on standard error.
 */
public final class HttpMirrorSource implements DataSource {

    /** Public MNIST mirrors, tried in order. */
    public static final List<String> MNIST_MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");
    /** The public Fashion-MNIST mirror. */
    public static final List<String> FASHION_MIRRORS = List.of(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    private static final long PROGRESS_THRESHOLD = 1 << 20;

    private final List<URI> mirrors;
    private final Duration connectTimeout;

    /**
     * @param mirrors base URLs; a file is fetched from {@code base + name + ".gz"}
     * @param connectTimeout how long to wait for a connection to a mirror
     */
    public HttpMirrorSource(List<URI> mirrors, Duration connectTimeout) {
        this.mirrors = List.copyOf(mirrors);
        this.connectTimeout = connectTimeout;
    }

    /** The system property holding a comma-separated mirror list for {@code kind}, e.g. "nn.mnist.mirrors". */
    public static String mirrorsProperty(DatasetKind kind) {
        return "nn." + kind.id() + ".mirrors";
    }

    /**
     * The mirrors for {@code kind}: those of the system property {@link #mirrorsProperty} if it is set,
     * else the defaults; 5-second connect timeout.
     */
    public static HttpMirrorSource forKind(DatasetKind kind) {
        String configured = System.getProperty(mirrorsProperty(kind), "").trim();
        List<String> bases = !configured.isEmpty()
                ? Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
                : kind == DatasetKind.MNIST ? MNIST_MIRRORS : FASHION_MIRRORS;
        return new HttpMirrorSource(bases.stream().map(HttpMirrorSource::baseUri).toList(), Duration.ofSeconds(5));
    }

    private static URI baseUri(String base) {
        return URI.create(base.endsWith("/") ? base : base + "/");
    }

    @Override
    public String describe() {
        return "HTTP mirrors " + mirrors.stream().map(URI::toString).collect(Collectors.joining(", "));
    }

    @Override
    public void fetchInto(Path dir, DatasetKind kind) throws IOException {
        if (mirrors.isEmpty()) {
            throw new IOException("no mirrors configured");
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        Set<URI> unreachable = new HashSet<>(); // not retried for the next files: a closed network fails once
        List<String> connectErrors = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (DatasetKind.FileSpec spec : kind.files()) {
            List<String> tried = new ArrayList<>();
            boolean done = false;
            for (URI mirror : mirrors) {
                if (unreachable.contains(mirror)) {
                    continue;
                }
                URI uri = mirror.resolve(spec.name() + ".gz");
                try {
                    download(client, uri, dir.resolve(spec.name()), spec);
                    done = true;
                    break;
                } catch (ConnectException | HttpConnectTimeoutException e) {
                    unreachable.add(mirror);
                    connectErrors.add(mirror + " (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                            : e.getMessage()) + ")");
                } catch (IOException e) {
                    tried.add(uri + ": " + e.getMessage());
                }
            }
            if (unreachable.size() == mirrors.size()) {
                throw new IOException("cannot connect to " + String.join(", ", connectErrors));
            }
            if (!done) {
                failures.add(String.join("; ", tried));
            }
        }
        if (!failures.isEmpty()) {
            if (!connectErrors.isEmpty()) {
                failures.add("cannot connect to " + String.join(", ", connectErrors));
            }
            throw new IOException(String.join("; ", failures));
        }
    }

    private static void download(HttpClient client, URI uri, Path target, DatasetKind.FileSpec spec)
            throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + uri);
        }
        // A gzip file is a little smaller than the raw one; raw plus slack bounds any honest answer.
        long cap = spec.size() + spec.size() / 16 + 65536;
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            if (length > cap) {
                throw new IOException("the server announces " + length + " bytes, more than the " + cap + " expected");
            }
            Path part = target.resolveSibling(target.getFileName() + ".part");
            try {
                InputStream in = length < 0 || length >= PROGRESS_THRESHOLD
                        ? ProgressBar.wrap(body, new ProgressBarBuilder().setTaskName(target.getFileName().toString())
                                .setInitialMax(length < 0 ? spec.size() : length).setUnit(" MiB", 1 << 20))
                        : body;
                try (InputStream source = in; OutputStream out = Files.newOutputStream(part)) {
                    byte[] buffer = new byte[1 << 16];
                    long total = 0;
                    for (int n; (n = source.read(buffer)) > 0; ) {
                        total += n;
                        if (total > cap) {
                            throw new IOException("the download goes on past " + cap + " bytes; stopped");
                        }
                        out.write(buffer, 0, n);
                    }
                }
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(part);
            }
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
