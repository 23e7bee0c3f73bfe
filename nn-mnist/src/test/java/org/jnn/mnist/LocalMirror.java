package org.jnn.mnist;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mirror on this machine's loopback interface, serving stand-ins for MNIST's four files the way the
 * public mirrors serve theirs ({@code NAME.gz}), for fetches in other processes. The stand-ins are a few
 * MB of pseudo-random pixels, so that a fetch takes long enough to be interrupted in the middle.
 */
final class LocalMirror implements AutoCloseable {

    /** The stand-ins, under the real names; the same bytes in every process. */
    static final Map<String, byte[]> CONTENT = new LinkedHashMap<>();

    static {
        CONTENT.put("train-images-idx3-ubyte", randomImages(3000, 1));
        CONTENT.put("train-labels-idx1-ubyte", IdxFiles.labels(new Random(2).ints(3000, 0, 10).toArray()));
        CONTENT.put("t10k-images-idx3-ubyte", randomImages(1000, 3));
        CONTENT.put("t10k-labels-idx1-ubyte", IdxFiles.labels(new Random(4).ints(1000, 0, 10).toArray()));
    }

    static final List<DatasetKind.FileSpec> PINS = IdxFiles.pins(CONTENT);

    private final HttpServer server;
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

    LocalMirror() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (Map.Entry<String, byte[]> file : CONTENT.entrySet()) {
            byte[] gz = IdxFiles.gzip(file.getValue());
            server.createContext("/" + file.getKey() + ".gz", exchange -> {
                served.computeIfAbsent(file.getKey(), k -> new AtomicInteger()).incrementAndGet();
                exchange.sendResponseHeaders(200, gz.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(gz);
                } catch (IOException e) {
                    // the fetching process was killed while it downloaded
                } finally {
                    exchange.close();
                }
            });
        }
        server.start();
    }

    /** The base address to give {@link HttpMirrorSource}. */
    URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/");
    }

    /** How often each file was asked for, by name (absent: never). */
    Map<String, Integer> requests() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        served.forEach((name, count) -> counts.put(name, count.get()));
        return counts;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static byte[] randomImages(int count, long seed) {
        byte[] pixels = new byte[count * 28 * 28];
        new Random(seed).nextBytes(pixels);
        return IdxFiles.idx(0x08, new int[] {count, 28, 28}, pixels);
    }
}
