package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nn bench} on a tiny synthetic data set of MNIST's shape: every combination, table and JSON. */
class BenchCommandTest {

    @TempDir
    static Path work;

    static Path data;

    @BeforeAll
    static void writeData() throws Exception {
        data = SyntheticShapes.writeDataset(work.resolve("shapes"), 20, 5, 11);
    }

    @Test
    void flopsPerSampleMatchTheCountsOfTheReferenceNetwork() {
        // 784·200 + 200·200 + 200·10 = 198,800 multiply-adds for the forward pass and as many for the weight
        // gradient; 42,000 for the input gradients of the upper two layers; 199,210 parameters to update.
        double perSample = 2 * 198_800 + 2 * 198_800 + 2 * 42_000;
        assertEquals(perSample + 2 * 199_210, BenchCommand.flopsPerSample(BenchCommand.LAYERS, 1), 1e-6);
        assertEquals(perSample + 2 * 199_210 / 64.0, BenchCommand.flopsPerSample(BenchCommand.LAYERS, 64), 1e-6);
        // the figures the issue quotes: about 1.28 MFLOP at batch 1 and 0.89 at batch 64
        assertEquals(1.28e6, BenchCommand.flopsPerSample(BenchCommand.LAYERS, 1), 0.01e6);
        assertEquals(0.89e6, BenchCommand.flopsPerSample(BenchCommand.LAYERS, 64), 0.01e6);
    }

    @Test
    void measuresEveryBackendBatchAndOfferedPrecision() throws Exception {
        CliRun bench = CliRun.of("bench", "--dataset", data.toString(), "--samples", "100", "--warmup", "20",
                "--batches", "1,8", "--in-process", "--json");
        assertEquals(0, bench.status(), bench::toString);
        assertTrue(bench.err().contains("samples/s") && bench.err().contains("GFLOP/s")
                && bench.err().contains("peak heap"), bench::toString);
        assertTrue(bench.err().contains("skipping commons-math f32"), bench::toString);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) bench.json().get("results");
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> r : results) {
            seen.add(r.get("backend") + "/" + r.get("batch") + "/" + r.get("precision"));
            assertEquals(100, ((Number) r.get("samples")).intValue(), r::toString);
            assertTrue(((Number) r.get("samples_per_second")).doubleValue() > 0, r::toString);
            assertTrue(((Number) r.get("gflops")).doubleValue() > 0, r::toString);
            assertTrue(((Number) r.get("peak_heap_bytes")).longValue() > 0, r::toString);
            assertEquals(-1, ((Number) r.get("peak_rss_bytes")).longValue(), "ten runs shared a JVM: " + r);
            double accuracy = ((Number) r.get("test_accuracy")).doubleValue();
            assertTrue(accuracy >= 0 && accuracy <= 1, r::toString);
        }
        assertEquals(Set.of("ejml/1/f64", "ejml/8/f64", "ejml/1/f32", "ejml/8/f32", "nd4j/1/f64", "nd4j/8/f64",
                "nd4j/1/f32", "nd4j/8/f32", "commons-math/1/f64", "commons-math/8/f64"), seen);
    }

    @Test
    void theSameSeedGivesTheSameAccuracyOnEveryBackend() throws Exception {
        CliRun bench = CliRun.of("bench", "--dataset", data.toString(), "--samples", "200", "--warmup", "0",
                "--batches", "4", "--precisions", "f64", "--in-process", "--quiet", "--json");
        assertEquals(0, bench.status(), bench::toString);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) bench.json().get("results");
        assertEquals(3, results.size(), results::toString);
        Set<Object> accuracies = new HashSet<>();
        results.forEach(r -> accuracies.add(r.get("test_accuracy")));
        assertEquals(1, accuracies.size(), "bench trains the same network on each: " + results);
    }

    @Test
    void eachConfigurationsPeakResidentMemoryIsItsOwn() throws Exception {
        // nd4j's native libraries make its JVM larger than commons-math's; were the two measured in one
        // process, one after the other, commons-math's peak could not be below nd4j's
        CliRun bench = CliRun.of("bench", "--dataset", data.toString(), "--backends", "nd4j,commons-math",
                "--samples", "40", "--warmup", "0", "--batches", "4", "--precisions", "f64", "--json");
        assertEquals(0, bench.status(), bench::toString);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) bench.json().get("results");
        assertEquals(List.of("nd4j", "commons-math"), results.stream().map(r -> r.get("backend")).toList());
        long nd4j = ((Number) results.get(0).get("peak_rss_bytes")).longValue();
        long commonsMath = ((Number) results.get(1).get("peak_rss_bytes")).longValue();
        assumeTrue(nd4j > 0, "this system does not tell the peak resident memory");
        assertTrue(commonsMath > 0 && commonsMath < nd4j, "commons-math " + commonsMath + ", nd4j " + nd4j);
        assertTrue(bench.err().contains("a JVM that ran only that configuration"), bench::toString);
    }

    /**
     * {@code --threads} measures data-parallel training: a row per count, the count passed on to the JVM that
     * measures it, and from 2 threads on the batches are cut into shards (the weights differ from one thread's
     * in the last bits only, so the accuracy stays).
     */
    @Test
    void threadCountsAreMeasuredEachInARowOfItsOwn() throws Exception {
        Path larger = SyntheticShapes.writeDataset(work.resolve("larger"), 256, 50, 12);
        CliRun bench = CliRun.of("bench", "--dataset", larger.toString(), "--backends", "ejml", "--precisions", "f64",
                "--batches", "64", "--threads", "1,2", "--samples", "256", "--warmup", "0", "--no-peak", "--json");
        assertEquals(0, bench.status(), bench::toString);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) bench.json().get("results");
        assertEquals(List.of(1, 2), results.stream().map(r -> ((Number) r.get("threads")).intValue()).toList());
        assertEquals(results.get(0).get("test_accuracy"), results.get(1).get("test_accuracy"), results::toString);
        assertTrue(bench.err().contains("batch  64 2 threads"), bench::toString);
        assertTrue(bench.err().contains(" threads "), "the table has a threads column: " + bench);
    }

    @Test
    void badArgumentsExitWithStatusTwo() {
        for (List<String> args : List.of(List.of("--samples", "0"), List.of("--batches", "0"),
                List.of("--backends", "numpy"), List.of("--lr", "-1"), List.of("--threads", "0"),
                List.of("--threads", "1,300"))) {
            String[] full = new String[args.size() + 3];
            full[0] = "bench";
            full[1] = "--dataset";
            full[2] = data.toString();
            for (int i = 0; i < args.size(); i++) {
                full[i + 3] = args.get(i);
            }
            CliRun run = CliRun.of(full);
            assertEquals(2, run.status(), run::toString);
            assertTrue(!run.err().contains("\tat "), "no stack trace: " + run);
        }
    }
}
