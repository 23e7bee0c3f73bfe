package org.jnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jnn.cli.MatrixProductPeak.Measurement;
import org.jnn.cli.MatrixProductPeak.Peak;
import org.jnn.cli.MatrixProductPeak.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The roofline of {@code nn bench}: the arithmetic of a gemm's rate and of the "% of peak" column (never a time). */
class MatrixProductPeakTest {

    @TempDir
    Path work;

    @Test
    void aProductOfMByKTimesKByNIsTwoFlopsPerMultiplyAdd() {
        assertEquals(2.0 * 64 * 784 * 200, new Shape(64, 784, 200).flops(), 0);
        assertEquals(20_070_400, new Shape(64, 784, 200).flops(), 0);
        assertEquals(2 * 1024.0 * 1024 * 1024, new Shape(1024, 1024, 1024).flops(), 0);
        // each dimension once: 2·3·5·7, not 2·3·5·5 or 2·3·7·7
        assertEquals(210, new Shape(3, 5, 7).flops(), 0);
        assertEquals("3×5 · 5×7", new Shape(3, 5, 7).toString());
    }

    @Test
    void theRateIsTheFlopsOfEveryCallOverTheTime() {
        // 3 products of 2 GFLOP in 1.5 s
        assertEquals(4.0, MatrixProductPeak.gflops(2e9, 3, 1_500_000_000L), 1e-12);
        assertEquals(20.0704, MatrixProductPeak.gflops(new Shape(64, 784, 200).flops(), 100, 100_000_000L), 1e-9);
    }

    @Test
    void theShareIsTheRateOverThePeakInPercent() {
        assertEquals(75.0, MatrixProductPeak.percentOf(45, 60), 1e-12);
        assertEquals(100.0, MatrixProductPeak.percentOf(7.5, 7.5), 1e-12);
        assertEquals(150.0, MatrixProductPeak.percentOf(9, 6), 1e-12, "a peak measured low shows as more than 100 %");
    }

    @Test
    void thePeakIsTheFasterShape() {
        Peak peak = MatrixProductPeak.of("ejml", "f32", List.of(new Measurement(64, 784, 200, 6.5),
                new Measurement(1024, 1024, 1024, 8.25)));
        assertEquals(8.25, peak.gflops(), 0);
        assertEquals("1024×1024 · 1024×1024", peak.shape());
        assertEquals("ejml", peak.backend());
        assertEquals("f32", peak.precision());
        assertEquals(2, peak.measurements().size());
    }

    @Test
    void aBenchRowTakesItsShareOfItsBackendsPeak() {
        BenchCommand.Row row = new BenchCommand.Row("nd4j", 64, 1, "f64", 1000, 0.5, 2000, 30, 0.9, 0.3, 1, -1, null);
        Peak peak = MatrixProductPeak.of("nd4j", "f64", List.of(new Measurement(1024, 1024, 1024, 40)));
        assertEquals(75.0, row.withPeak(peak).percentOfPeak(), 1e-12);
        assertNull(row.withPeak(null).percentOfPeak());
    }

    @Test
    void benchReportsEachBackendsPeakAndEveryRowsShareOfIt() throws Exception {
        Path data = SyntheticShapes.writeDataset(work.resolve("shapes"), 10, 3, 5);
        CliRun bench = CliRun.of("bench", "--dataset", data.toString(), "--backends", "ejml", "--samples", "40",
                "--warmup", "0", "--batches", "1,4", "--in-process", "--json");
        assertEquals(0, bench.status(), bench::toString);
        assertTrue(bench.err().contains("% of peak"), bench::toString);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> peaks = (List<Map<String, Object>>) bench.json().get("peaks");
        assertEquals(List.of("ejml/f64", "ejml/f32"), peaks.stream().map(p -> p.get("backend") + "/" + p.get("precision")).toList());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) bench.json().get("results");
        assertEquals(4, results.size(), results::toString);
        for (Map<String, Object> row : results) {
            Map<String, Object> peak = peaks.stream().filter(p -> p.get("precision").equals(row.get("precision")))
                    .findFirst().orElseThrow();
            double peakGflops = ((Number) peak.get("gflops")).doubleValue();
            assertTrue(peakGflops > 0, peak::toString);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> measured = (List<Map<String, Object>>) peak.get("measurements");
            assertEquals(MatrixProductPeak.SHAPES.size(), measured.size(), peak::toString);
            assertEquals(peakGflops, measured.stream().mapToDouble(m -> ((Number) m.get("gflops")).doubleValue()).max()
                    .orElseThrow(), 0, "the peak is the faster shape: " + peak);
            double expected = 100 * ((Number) row.get("gflops")).doubleValue() / peakGflops;
            assertEquals(expected, ((Number) row.get("percent_of_peak")).doubleValue(), 1e-9 * expected, row::toString);
        }
    }

    @Test
    void withoutThePeakTheShareIsLeftOut() throws Exception {
        Path data = SyntheticShapes.writeDataset(work.resolve("shapes"), 10, 3, 5);
        CliRun bench = CliRun.of("bench", "--dataset", data.toString(), "--backends", "ejml", "--precisions", "f64",
                "--samples", "40", "--warmup", "0", "--batches", "4", "--in-process", "--no-peak", "--json");
        assertEquals(0, bench.status(), bench::toString);
        assertEquals(List.of(), bench.json().get("peaks"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) bench.json().get("results");
        assertNull(results.get(0).get("percent_of_peak"), results::toString);
        assertTrue(bench.err().contains("n/a") && !bench.err().contains("of the backend's own gemm peak"), bench::toString);
    }
}
