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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Downloads the gzip-compressed files ({@code <name>.gz}) from public mirrors over HTTP(S), trying
 * each mirror in turn. For machines with the open internet; where there is none, the short connect
 * timeout makes it fail in seconds. Each download is reported to the caller's {@link FetchProgress}.
 */
public final class HttpMirrorSource implements DataSource {

    /** Public MNIST mirrors, tried in order. */
    public static final List<String> MNIST_MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");
    /** The public Fashion-MNIST mirror. */
    public static final List<String> FASHION_MIRRORS = List.of(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

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
    public void fetchInto(Path dir, DatasetKind kind, FetchProgress progress) throws IOException {
        if (mirrors.isEmpty()) {
            throw new IOException("no mirrors configured");
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        List<DatasetKind.FileSpec> left = new ArrayList<>(kind.files());
        List<String> errors = new ArrayList<>();
        for (URI mirror : mirrors) {
            for (Iterator<DatasetKind.FileSpec> it = left.iterator(); it.hasNext(); ) {
                DatasetKind.FileSpec spec = it.next();
                URI uri = mirror.resolve(spec.name() + ".gz");
                try {
                    download(client, uri, dir.resolve(spec.name()), spec, progress);
                    it.remove();
                } catch (ConnectException | HttpConnectTimeoutException e) {
                    // not tried for the other files: a closed network fails once, in seconds
                    errors.add("cannot connect to " + mirror + " ("
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
                    break;
                } catch (IOException e) {
                    errors.add(uri + ": " + e.getMessage());
                }
            }
            if (left.isEmpty()) {
                return;
            }
        }
        throw new IOException(String.join("; ", errors));
    }

    private static void download(HttpClient client, URI uri, Path target, DatasetKind.FileSpec spec,
            FetchProgress progress) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + uri);
        }
        long limit = spec.deliveryLimit();
        progress.start(uri.toString(), response.headers().firstValueAsLong("Content-Length").orElse(-1));
        try (InputStream body = response.body(); OutputStream out = Files.newOutputStream(target)) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = body.read(buffer)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw new IOException("the download goes on past " + limit + " bytes; stopped");
                }
                out.write(buffer, 0, n);
                progress.update(total);
            }
        } catch (IOException e) {
            Files.deleteIfExists(target); // the next mirror may deliver it whole
            throw e;
        } finally {
            progress.end();
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
