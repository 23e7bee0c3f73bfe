package org.jnn.mnist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jnn.core.io.AtomicFile;

/**
 * A process that fetches {@link LocalMirror}'s stand-ins, for the tests of several processes on one
 * data folder and of processes killed while they fetch.
 *
 * <p>{@code FetchingProcess ROOT MIRROR once}: prints "ready", waits for a line on standard input (so
 * that several start at once), fetches, prints "done". {@code FetchingProcess ROOT MIRROR loop}: prints
 * "ready", then fetches and damages the folder in turn (deletes a file, or replaces one with a corrupt
 * copy through {@link AtomicFile}, so the damage itself is never half done) until it is killed.
 */
public final class FetchingProcess {

    private FetchingProcess() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        DatasetFetcher fetcher = new DatasetFetcher(
                kind -> List.of(new HttpMirrorSource(List.of(URI.create(args[1])), Duration.ofSeconds(10))),
                FetchProgress.NONE);
        System.out.println("ready");
        System.out.flush();
        if (args[2].equals("once")) {
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            fetcher.ensureAvailable(DatasetKind.MNIST, root, LocalMirror.PINS);
            System.out.println("done");
            return;
        }
        Path folder = DataDirectory.folder(root, DatasetKind.MNIST);
        List<String> names = new ArrayList<>(LocalMirror.CONTENT.keySet());
        for (int round = 0; ; round++) {
            fetcher.ensureAvailable(DatasetKind.MNIST, root, LocalMirror.PINS);
            String name = names.get(round % names.size());
            if (round % 2 == 0) {
                java.nio.file.Files.delete(folder.resolve(name));
            } else {
                AtomicFile.write(folder.resolve(name), corrupted(name));
            }
        }
    }

    /** The stand-in {@code name} with its last byte changed: what {@code loop} leaves in place of a file. */
    static byte[] corrupted(String name) {
        byte[] bytes = LocalMirror.CONTENT.get(name).clone();
        bytes[bytes.length - 1] ^= 1;
        return bytes;
    }

    /** A started {@code FetchingProcess} and what it prints (standard output and error together). */
    record Child(Process process, BufferedReader output) {

        /** Lets a {@code once} process fetch. */
        void go() throws IOException {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
        }

        /** Waits at most a minute for the process to end; its exit status and everything else it printed. */
        String finish() throws IOException, InterruptedException {
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("a fetching process did not finish within a minute");
            }
            StringBuilder rest = new StringBuilder("exit status " + process.exitValue());
            for (String line; (line = output.readLine()) != null; ) {
                rest.append('\n').append(line);
            }
            return rest.toString();
        }
    }

    /** Starts {@code FetchingProcess ROOT MIRROR mode} in a JVM of its own and waits until it is ready. */
    static Child start(Path root, URI mirror, String mode) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), FetchingProcess.class.getName(),
                root.toString(), mirror.toString(), mode).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = output.readLine();
        if (!"ready".equals(first)) {
            process.destroyForcibly();
            throw new IOException("the fetching process did not start: it printed " + first);
        }
        return new Child(process, output);
    }
}
