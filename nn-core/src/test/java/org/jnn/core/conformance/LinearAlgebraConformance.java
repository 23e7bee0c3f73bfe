package org.jnn.core.conformance;

import static org.jnn.core.conformance.ConformanceAssertions.activationMagnitude;
import static org.jnn.core.conformance.ConformanceAssertions.activationTerms;
import static org.jnn.core.conformance.ConformanceAssertions.assertIndicesEqual;
import static org.jnn.core.conformance.ConformanceAssertions.assertMatrixClose;
import static org.jnn.core.conformance.ConformanceAssertions.assertScalarClose;
import static org.jnn.core.conformance.ConformanceAssertions.derivativeMagnitude;
import static org.jnn.core.conformance.ConformanceAssertions.epsilon;
import static org.jnn.core.conformance.ConformanceAssertions.tolerances;
import static org.jnn.core.conformance.ConformanceAssertions.where;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;

import org.jnn.api.Activation;
import org.jnn.api.AdamUpdate;
import org.jnn.api.Availability;
import org.jnn.api.Backends;
import org.jnn.api.LinearAlgebra;
import org.jnn.api.Matrix;
import org.jnn.api.Precision;
import org.jnn.api.RmsPropUpdate;
import org.jnn.api.SgdUpdate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.support.ParameterDeclarations;
import org.junit.platform.commons.support.ReflectionSupport;
import org.opentest4j.TestAbortedException;

/**
 * The conformance suite every {@link LinearAlgebra} backend must pass: each operation is compared with
 * the plain {@link ReferenceLinearAlgebra} on random data over many shapes and flag combinations, and
 * each rule of the SPI contract (registration, aliasing, shape, null and ownership checks, data copied in
 * and out, the numerical traps of the activations, softmax and the optimizers) has a test named after it.
 *
 * <p>The operations of training are held to the same: every {@link Activation} forward and backward on
 * pre-activations from all its regions (exact zeros, tiny, saturated, beyond ±89 and ±709 where e^z overflows
 * in float and in double), {@code affine} with each, the Hadamard product, and the optimizer steps several in a
 * row with their state compared after each: SGD with and without classical or Nesterov momentum and L2 decay,
 * Adam and AdamW from the first step (t = 1, 2, 3) and resumed at later steps, RMSProp, and a zero gradient.
 *
 * <h2>Running it against a backend</h2>
 * Depend on nn-core's test-jar in the backend module's {@code pom.xml} (the README and the
 * {@code backend-template} module show a complete POM), and add a three-line subclass to the module's
 * tests, named {@code ...Test} so that Surefire runs it:
 *
 * <pre>{@code
 * class EjmlConformanceTest extends BackendConformance {
 *     @Override protected LinearAlgebra createBackend() { return new EjmlLinearAlgebra(); }
 * }
 * }</pre>
 *
 * <h2>Every precision, by itself</h2>
 * The suite runs once per precision in the backend's {@link LinearAlgebra#supportedPrecisions()}, on
 * {@code createBackend().withPrecision(p)}; the runs are shown as {@code [f64]} and {@code [f32]}. The
 * tolerances follow the precision (see {@link ConformanceAssertions}), the test data are rounded to what
 * an F32 backend stores before the reference computes the expected values, and every result of an F32
 * instance must be a float value (it really stores in single precision).
 *
 * <p>{@link #createBackend()} is called before every test, so every test gets a fresh instance, and once
 * more to list its precisions. A backend that is not {@linkplain LinearAlgebra#availability() usable}
 * fails every test with the reason; a module that prefers to skip on such machines can call
 * {@link Assumptions#assumeTrue(boolean, String)} inside {@code createBackend()}.
 *
 * <p>Every failure message names the backend, the operation, the shapes and, for a wrong result, the
 * first wrong element with its index, expected and actual value.
 */
@ParameterizedClass(name = "[{argumentSetName}]")
@ArgumentsSource(LinearAlgebraConformance.SupportedPrecisions.class)
public abstract class LinearAlgebraConformance {

    /** The backend under test; called before each test, and must return a fresh instance. */
    protected abstract LinearAlgebra createBackend();

    /** The precision of this run of the suite, one of the backend's supported precisions. */
    @Parameter
    private Precision precision;

    /** The backend under test in this run's precision, fresh for every test. */
    protected LinearAlgebra backend;

    /** The oracle; also plays "another backend" in the ownership tests. */
    protected ReferenceLinearAlgebra reference;

    /** Seeded, so that every run sees the same data. */
    protected Random random;

    /**
     * One run of the suite per supported precision. Fails, rather than running nothing, when the
     * subclass gives no backend or the backend no precision.
     */
    static final class SupportedPrecisions implements ArgumentsProvider {
        @Override
        public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
            Class<?> suiteClass = context.getRequiredTestClass();
            LinearAlgebra backend;
            try {
                backend = ((LinearAlgebraConformance) ReflectionSupport.newInstance(suiteClass)).createBackend();
            } catch (TestAbortedException assumptionFailed) {
                // createBackend() skips this machine: one run whose every test shows as skipped, with the reason,
                // rather than no run and no test at all
                return Stream.of(Arguments.argumentSet(Precision.F64.id(), Precision.F64));
            }
            if (backend == null) {
                throw new IllegalStateException(suiteClass.getName() + ".createBackend() returned null: "
                        + "return a new instance of the backend to test");
            }
            List<Precision> precisions = backend.supportedPrecisions().stream().sorted().toList();
            if (!precisions.contains(Precision.F64)) {
                throw new IllegalStateException(Backends.label(backend) + ": supportedPrecisions() is " + precisions
                        + "; every backend must support f64 (LinearAlgebra#supportedPrecisions)");
            }
            return precisions.stream().map(p -> Arguments.argumentSet(p.id(), p));
        }
    }

    @BeforeEach
    public void setUp() {
        LinearAlgebra created = createBackend();
        assertNotNull(created, "createBackend() returned null");
        backend = created.withPrecision(precision);
        assertNotNull(backend, () -> Backends.label(created) + ": withPrecision(" + precision.id() + ") returned null");
        assertEquals(precision, backend.precision(), () -> Backends.label(created) + ": withPrecision("
                + precision.id() + ") returned an instance computing in " + backend.precision().id());
        Availability availability = backend.availability();
        assertTrue(availability.usable(),
                () -> "backend " + Backends.label(backend) + " is not usable here: " + availability.reason());
        reference = ReferenceLinearAlgebra.oracle();
        random = new Random(0x5EED_2024L);
    }

    // =====================================================================================
    // Test grid
    // =====================================================================================

    /** A matrix shape, shown as {@code rows×cols}. */
    public record Shape(int rows, int cols) {
        @Override
        public String toString() {
            return rows + "×" + cols;
        }
    }

    /** The sizes of a product {@code (m×k)·(k×n)}. */
    public record GemmShape(int m, int k, int n) {
        @Override
        public String toString() {
            return "(" + m + "×" + k + ")·(" + k + "×" + n + ")";
        }
    }

    /** How a vector argument is laid out. */
    public enum Orientation {
        ROW, COLUMN;

        Shape of(int length) {
            return this == ROW ? new Shape(1, length) : new Shape(length, 1);
        }
    }

    /**
     * Shapes for element-wise and row-wise operations: 1×1, single rows and columns, square and
     * non-square, and sizes that are not multiples of typical block sizes.
     */
    static final List<Shape> SHAPES = List.of(new Shape(1, 1), new Shape(1, 9), new Shape(9, 1), new Shape(2, 3),
            new Shape(3, 2), new Shape(4, 4), new Shape(7, 5), new Shape(16, 16), new Shape(17, 33),
            new Shape(37, 53), new Shape(53, 37));

    /** Products: inner dimension 1, outer dimensions 1, and odd, non-square sizes up to 53. */
    static final List<GemmShape> GEMM_SHAPES = List.of(new GemmShape(1, 1, 1), new GemmShape(1, 6, 1),
            new GemmShape(1, 1, 7), new GemmShape(7, 1, 1), new GemmShape(1, 7, 6), new GemmShape(6, 7, 1),
            new GemmShape(2, 3, 4), new GemmShape(4, 3, 2), new GemmShape(5, 5, 5), new GemmShape(8, 8, 8),
            new GemmShape(1, 37, 53), new GemmShape(37, 1, 53), new GemmShape(13, 29, 17),
            new GemmShape(37, 53, 31), new GemmShape(33, 17, 40));

    static final double[] ALPHAS = {1, 0.5, -2, 0};
    static final double[] BETAS = {0, 1, -0.75};
    static final boolean[] FLAGS = {false, true};

    static Stream<Shape> shapes() {
        return SHAPES.stream();
    }

    static Stream<Arguments> gemmGrid() {
        List<Arguments> grid = new ArrayList<>();
        for (GemmShape s : GEMM_SHAPES) {
            for (boolean ta : FLAGS) {
                for (boolean tb : FLAGS) {
                    for (double alpha : ALPHAS) {
                        for (double beta : BETAS) {
                            grid.add(arguments(s, ta, tb, alpha, beta));
                        }
                    }
                }
            }
        }
        return grid.stream();
    }

    /**
     * The products of a training step of the 784-200-200-10 network at batch sizes 1 and 64: forward
     * (64×784 · 784×200), weight gradient (784×64 · 64×200), input gradient (64×200 · 200×200) and the
     * one-row products. Libraries switch to other kernels (blocked, multi-threaded, vectorised) at
     * these sizes, which the small shapes above never reach.
     */
    static final List<GemmShape> NETWORK_GEMM_SHAPES = List.of(new GemmShape(64, 784, 200),
            new GemmShape(784, 64, 200), new GemmShape(64, 200, 200), new GemmShape(1, 784, 200),
            new GemmShape(784, 1, 200), new GemmShape(64, 200, 10));

    static Stream<Arguments> networkGemmGrid() {
        List<Arguments> grid = new ArrayList<>();
        for (GemmShape s : NETWORK_GEMM_SHAPES) {
            for (boolean ta : FLAGS) {
                for (boolean tb : FLAGS) {
                    grid.add(arguments(s, ta, tb, 1.0, 0.0));
                    grid.add(arguments(s, ta, tb, -0.5, 1.0));
                }
            }
        }
        return grid.stream();
    }

    static Stream<Arguments> gemmBetaZeroGrid() {
        List<Arguments> grid = new ArrayList<>();
        for (GemmShape s : GEMM_SHAPES) {
            for (boolean ta : FLAGS) {
                for (boolean tb : FLAGS) {
                    grid.add(arguments(s, ta, tb, 1.0));
                    grid.add(arguments(s, ta, tb, 0.0));
                }
            }
        }
        return grid.stream();
    }

    /** Matrices {@code a} with flags for which {@code op(a)·op(a)} is defined. */
    static Stream<Arguments> gemmSameMatrixGrid() {
        List<Arguments> grid = new ArrayList<>();
        for (Shape s : List.of(new Shape(1, 1), new Shape(4, 4), new Shape(5, 3), new Shape(1, 6), new Shape(6, 1),
                new Shape(17, 17), new Shape(13, 29))) {
            for (boolean ta : FLAGS) {
                for (boolean tb : FLAGS) {
                    int inner = ta ? s.rows() : s.cols();
                    int innerB = tb ? s.cols() : s.rows();
                    if (inner == innerB) {
                        grid.add(arguments(s, ta, tb));
                    }
                }
            }
        }
        return grid.stream();
    }

    static Stream<Arguments> rankOneGrid() {
        List<Arguments> grid = new ArrayList<>();
        for (Shape s : SHAPES) {
            for (Orientation x : Orientation.values()) {
                for (Orientation y : Orientation.values()) {
                    for (double alpha : ALPHAS) {
                        grid.add(arguments(s, x, y, alpha));
                    }
                }
            }
        }
        return grid.stream();
    }

    static Stream<Arguments> affineGrid() {
        return GEMM_SHAPES.stream().flatMap(s -> Arrays.stream(Activation.values()).map(f -> arguments(s, f)));
    }

    /** Every activation on every shape. */
    static Stream<Arguments> activationGrid() {
        return Arrays.stream(Activation.values()).flatMap(f -> SHAPES.stream().map(s -> arguments(f, s)));
    }

    /**
     * Plain SGD and L2 decay, classical and Nesterov momentum, each with and without decay; every setting has
     * its own rate and momentum, so that a constant written into a backend shows.
     */
    static final List<SgdUpdate> SGD_SETTINGS = List.of(new SgdUpdate(0.1, 0, false, 0), new SgdUpdate(0.1, 0, false, 0.05),
            new SgdUpdate(0.05, 0.9, false, 0), new SgdUpdate(0.04, 0.7, false, 0.01), new SgdUpdate(0.05, 0.8, true, 0),
            new SgdUpdate(0.02, 0.5, true, 0.1));

    /**
     * Adam with PyTorch's defaults, with L2 decay, with an ε large enough to show where it is added, and AdamW
     * with a small and a large decay (η·λ and λ far apart). The step count is set per call.
     */
    static final List<AdamUpdate> ADAM_SETTINGS = List.of(new AdamUpdate(1e-3, 0.9, 0.999, 1e-8, 0, false, 1),
            new AdamUpdate(0.01, 0.8, 0.99, 1e-8, 0.1, false, 1), new AdamUpdate(0.01, 0.5, 0.9, 1e-3, 0, false, 1),
            new AdamUpdate(0.01, 0.9, 0.999, 1e-8, 0.1, true, 1), new AdamUpdate(0.1, 0.85, 0.95, 1e-6, 0.5, true, 1));

    /** RMSProp with PyTorch's defaults, with a large ε and with L2 decay. */
    static final List<RmsPropUpdate> RMS_PROP_SETTINGS = List.of(new RmsPropUpdate(0.01, 0.99, 1e-8, 0),
            new RmsPropUpdate(1e-3, 0.9, 1e-3, 0), new RmsPropUpdate(0.01, 0.95, 1e-8, 0.1));

    static Stream<Arguments> sgdGrid() {
        return SGD_SETTINGS.stream().flatMap(step -> SHAPES.stream().map(s -> arguments(step, s)));
    }

    static Stream<Arguments> adamGrid() {
        return ADAM_SETTINGS.stream().flatMap(step -> SHAPES.stream().map(s -> arguments(step, s)));
    }

    static Stream<Arguments> rmsPropGrid() {
        return RMS_PROP_SETTINGS.stream().flatMap(step -> SHAPES.stream().map(s -> arguments(step, s)));
    }

    /** {@code setting} at step count {@code t}. */
    static AdamUpdate atStep(AdamUpdate setting, long t) {
        return new AdamUpdate(setting.learningRate(), setting.beta1(), setting.beta2(), setting.epsilon(),
                setting.weightDecay(), setting.decoupledWeightDecay(), t);
    }

    static Stream<Arguments> columnSumsGrid() {
        List<Arguments> grid = new ArrayList<>();
        for (Shape s : SHAPES) {
            for (double alpha : ALPHAS) {
                for (double beta : BETAS) {
                    grid.add(arguments(s, alpha, beta));
                }
            }
        }
        return grid.stream();
    }

    static Stream<Arguments> shapesAndAlphas() {
        return SHAPES.stream().flatMap(s -> Arrays.stream(ALPHAS).mapToObj(alpha -> arguments(s, alpha)));
    }

    static Stream<Arguments> shapesAndValues() {
        return SHAPES.stream().flatMap(s -> DoubleStream.of(-1, 0.37, 0, 2.5).mapToObj(v -> arguments(s, v)));
    }

    static Stream<Arguments> shapesAndOrientations() {
        return SHAPES.stream().filter(s -> s.rows() == s.cols())
                .flatMap(s -> Arrays.stream(Orientation.values()).map(o -> arguments(s, o)));
    }

    // =====================================================================================
    // Test data
    // =====================================================================================

    /**
     * One argument of a test: the values as the backend stores them, the backend's matrix and the
     * reference's matrix, both created from those values.
     */
    protected record Operand(int rows, int cols, double[] values, Matrix actual, Matrix expected) {
        public String shape() {
            return rows + "×" + cols;
        }
    }

    /** The values as the backend under test stores them: rounded to float for an F32 backend. */
    protected final double[] stored(double... values) {
        double[] stored = values.clone();
        if (backend.precision() == Precision.F32) {
            for (int i = 0; i < stored.length; i++) {
                stored[i] = (float) stored[i];
            }
        }
        return stored;
    }

    /**
     * Random values from one of several ranges: small symmetric, large symmetric, positive only,
     * negative only, and mixed magnitudes from 1e-3 to 1e3 with random signs.
     */
    protected final double[] randomValues(int count) {
        return randomValues(count, random.nextInt(5));
    }

    /**
     * Random values from a range that always has both signs (small, large or mixed magnitudes), for
     * operations such as ReLU that would be trivially right on one-signed data.
     */
    protected final double[] randomMixedSignValues(int count) {
        return randomValues(count, new int[] {0, 1, 4}[random.nextInt(3)]);
    }

    /** Random values from range 0 (uniform in [-1, 1]), 1 ([-100, 100]), 2 ([0.5, 2]), 3 ([-2, -0.5]) or 4 (mixed). */
    private double[] randomValues(int count, int range) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (range) {
                case 0 -> uniform(-1, 1);
                case 1 -> uniform(-100, 100);
                case 2 -> uniform(0.5, 2);
                case 3 -> uniform(-2, -0.5);
                default -> (random.nextBoolean() ? 1 : -1) * Math.pow(10, uniform(-3, 3));
            };
        }
        return values;
    }

    /**
     * Pre-activations from every region where the activations differ or break: around 0 (exact zeros and tiny
     * values too), ordinary ones, saturation (tanh = ±1, GELU's tails, sigmoid below 1e-17) and beyond ±89 and
     * ±709, where e^z and e^-z overflow in float and in double.
     */
    protected final double[] activationInputs(int count) {
        double[] z = new double[count];
        for (int i = 0; i < count; i++) {
            double sign = random.nextBoolean() ? 1 : -1;
            z[i] = switch (random.nextInt(6)) {
                case 0 -> uniform(-1, 1);
                case 1 -> uniform(-6, 6);
                case 2 -> sign * uniform(6, 40);
                case 3 -> sign * uniform(80, 1000);
                case 4 -> sign * Math.pow(10, uniform(-8, -1));
                default -> 0.0;
            };
        }
        return z;
    }

    private double uniform(double from, double to) {
        return from + (to - from) * random.nextDouble();
    }

    protected final Operand operand(int rows, int cols, double... values) {
        double[] stored = stored(values);
        return new Operand(rows, cols, stored, backend.fromRowMajor(rows, cols, stored),
                reference.fromRowMajor(rows, cols, stored));
    }

    protected final Operand operand(Shape shape, double... values) {
        return operand(shape.rows(), shape.cols(), values);
    }

    protected final Operand randomOperand(int rows, int cols) {
        return operand(rows, cols, randomValues(rows * cols));
    }

    protected final Operand randomOperand(Shape shape) {
        return randomOperand(shape.rows(), shape.cols());
    }

    protected final Operand randomMixedSignOperand(Shape shape) {
        return operand(shape, randomMixedSignValues(shape.rows() * shape.cols()));
    }

    /** An output whose old contents must not matter: all NaN. */
    protected final Operand nanOperand(int rows, int cols) {
        double[] nan = new double[rows * cols];
        Arrays.fill(nan, Double.NaN);
        return operand(rows, cols, nan);
    }

    protected final Operand nanOperand(Shape shape) {
        return nanOperand(shape.rows(), shape.cols());
    }

    protected final Operand zerosOperand(Shape shape) {
        return operand(shape, new double[shape.rows() * shape.cols()]);
    }

    /** A reference matrix of the absolute values of an operand, to compute the magnitude of the terms. */
    private Matrix absolute(Operand o) {
        return reference.fromRowMajor(o.rows(), o.cols(), Arrays.stream(o.values()).map(Math::abs).toArray());
    }

    private int[] randomColumns(int rows, int cols) {
        int[] columns = new int[rows];
        for (int i = 0; i < rows; i++) {
            columns[i] = random.nextInt(cols);
        }
        return columns;
    }

    private double eps() {
        return epsilon(backend.precision());
    }

    // =====================================================================================
    // Checks
    // =====================================================================================

    /**
     * Compares the backend's and the reference's contents of {@code out}; element i may be off by
     * {@code eps * terms * magnitude[i]}, where {@code magnitude} (a reference matrix) is the result of
     * the same operation on the absolute values of its arguments.
     */
    private void assertResult(String operation, String shapes, Operand out, Matrix magnitude, double terms) {
        assertResult(operation, shapes, out, reference.toRowMajor(magnitude), terms);
    }

    /** The same with the magnitudes given element by element. */
    private void assertResult(String operation, String shapes, Operand out, double[] magnitude, double terms) {
        assertResultWithin(operation, shapes, out, tolerances(backend.precision(), terms, magnitude));
    }

    /** The same with the tolerances given element by element. */
    private void assertResultWithin(String operation, String shapes, Operand out, double[] tolerance) {
        double[] actual = backend.toRowMajor(out.actual());
        assertMatrixClose(backend, operation, shapes, out.cols(), reference.toRowMajor(out.expected()), actual, tolerance);
        assertStoredInItsPrecision(operation, shapes, out.cols(), actual);
    }

    /** An F32 backend's results are float values: it stores in single precision, whatever it computes in. */
    private void assertStoredInItsPrecision(String operation, String shapes, int cols, double[] actual) {
        if (backend.precision() == Precision.F32) {
            assertMatrixClose(backend, operation + " (every result of an f32 backend is a float value)", shapes, cols,
                    stored(actual), actual, 0.0);
        }
    }

    /** Inputs are read only: the backend's matrix still holds exactly the values it was created with. */
    private void assertUnchanged(String operation, String shapes, String argument, Operand input) {
        assertMatrixClose(backend, operation + " (input " + argument + " must stay unchanged)", shapes, input.cols(),
                input.values(), backend.toRowMajor(input.actual()), 0.0);
    }

    /** The call throws IllegalArgumentException whose message contains every one of {@code mentions}. */
    private IllegalArgumentException assertRejected(String operation, String shapes, Executable call,
            String... mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call,
                () -> where(backend, operation, shapes) + " must throw IllegalArgumentException");
        String message = String.valueOf(e.getMessage());
        for (String mention : mentions) {
            assertTrue(message.contains(mention), () -> where(backend, operation, shapes)
                    + ": the message should mention '" + mention + "' but is: " + message);
        }
        return e;
    }

    /** {@code 4×3} or {@code 4×3 transposed}. */
    private static String shapeOf(Operand o, boolean transposed) {
        return o.shape() + (transposed ? " transposed" : "");
    }

    // =====================================================================================
    // Data in and out
    // =====================================================================================

    // zeros is the starting point of every buffer the network allocates.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void zerosIsAllZeros(Shape s) {
        Matrix m = backend.zeros(s.rows(), s.cols());
        assertEquals(s.rows(), m.rows(), () -> where(backend, "zeros", s + "") + ": rows()");
        assertEquals(s.cols(), m.cols(), () -> where(backend, "zeros", s + "") + ": cols()");
        assertMatrixClose(backend, "zeros", s.toString(), s.cols(), new double[s.rows() * s.cols()],
                backend.toRowMajor(m), 0.0);
    }

    // Row-major order is the one data format shared by all backends; F64 stores values exactly, F32 rounds
    // them to the nearest float.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void fromRowMajorAndToRowMajorRoundTripInRowMajorOrder(Shape s) {
        double[] values = randomValues(s.rows() * s.cols());
        double[] given = values.clone();
        Matrix m = backend.fromRowMajor(s.rows(), s.cols(), values);
        assertEquals(s.toString(), m.shape(), () -> where(backend, "fromRowMajor", s.toString()) + ": shape()");
        assertMatrixClose(backend, "fromRowMajor then toRowMajor", s.toString(), s.cols(), stored(values),
                backend.toRowMajor(m), 0.0);
        assertMatrixClose(backend, "fromRowMajor (the array must stay unchanged)", s.toString(), s.cols(), given,
                values, 0.0);
    }

    // A matrix that kept the caller's array would change behind the backend's back.
    @Test
    public void fromRowMajorCopiesTheArray() {
        double[] data = stored(1, -2, 3.5, 4, -5, 6);
        double[] original = data.clone();
        Matrix m = backend.fromRowMajor(2, 3, data);
        Arrays.fill(data, 99);
        assertMatrixClose(backend, "fromRowMajor (later changes to the array must not reach the matrix)", "2×3", 3,
                original, backend.toRowMajor(m), 0.0);
    }

    // Callers modify the returned array freely (e.g. to print or normalise it).
    @Test
    public void toRowMajorReturnsAFreshCopy() {
        Operand m = randomOperand(3, 4);
        double[] first = backend.toRowMajor(m.actual());
        double[] second = backend.toRowMajor(m.actual());
        assertNotSame(first, second, () -> where(backend, "toRowMajor", "3×4") + ": must return a new array each call");
        Arrays.fill(first, 99);
        assertUnchanged("toRowMajor (changing the returned array)", "3×4", "source", m);
        assertMatrixClose(backend, "toRowMajor (an earlier array must not change)", "3×4", 4, m.values(), second, 0.0);
    }

    // The destination array is reused between calls, so every element must be written.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void toRowMajorIntoAnArrayOverwritesEveryElement(Shape s) {
        Operand m = randomOperand(s);
        double[] destination = new double[s.rows() * s.cols()];
        Arrays.fill(destination, Double.NaN);
        backend.toRowMajor(m.actual(), destination);
        assertMatrixClose(backend, "toRowMajor into an array", s.toString(), s.cols(), m.values(), destination, 0.0);
    }

    // Training loads every mini-batch with setRowMajor into the same matrix.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void setRowMajorOverwritesEveryElementAndNeitherModifiesNorKeepsTheArray(Shape s) {
        Operand m = randomOperand(s);
        double[] data = stored(randomValues(s.rows() * s.cols()));
        double[] original = data.clone();
        backend.setRowMajor(m.actual(), data);
        assertMatrixClose(backend, "setRowMajor (the array must stay unchanged)", s.toString(), s.cols(), original,
                data, 0.0);
        assertMatrixClose(backend, "setRowMajor", s.toString(), s.cols(), original, backend.toRowMajor(m.actual()), 0.0);
        Arrays.fill(data, 99);
        assertMatrixClose(backend, "setRowMajor (later changes to the array must not reach the matrix)", s.toString(),
                s.cols(), original, backend.toRowMajor(m.actual()), 0.0);
    }

    // A copy that shared storage would make "keep the best weights" silently track the current ones.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void copyIsIndependentOfItsSource(Shape s) {
        Operand source = randomOperand(s);
        Matrix copy = backend.copy(source.actual());
        assertEquals(source.shape(), copy.shape(), () -> where(backend, "copy", s + "") + ": shape of the copy");
        assertMatrixClose(backend, "copy", s.toString(), s.cols(), source.values(), backend.toRowMajor(copy), 0.0);
        backend.fill(copy, 7);
        assertUnchanged("copy (after filling the copy)", s.toString(), "source", source);
        double[] sevens = new double[s.rows() * s.cols()];
        Arrays.fill(sevens, 7);
        backend.fill(source.actual(), -7);
        assertMatrixClose(backend, "copy (after filling the source, the copy must stay unchanged)", s.toString(),
                s.cols(), sevens, backend.toRowMajor(copy), 0.0);
    }

    // Error messages and ownership checks rely on shape() and backend().
    @Test
    public void matricesReportTheirShapeAndBackend() {
        for (Matrix m : List.of(backend.zeros(3, 5), backend.fromRowMajor(3, 5, new double[15]),
                backend.copy(backend.zeros(3, 5)))) {
            assertEquals(3, m.rows(), () -> where(backend, "rows()", "3×5"));
            assertEquals(5, m.cols(), () -> where(backend, "cols()", "3×5"));
            assertEquals("3×5", m.shape(), () -> where(backend, "shape()", "3×5"));
            assertNotNull(m.backend(), () -> where(backend, "backend()", "3×5"));
            assertEquals(Backends.label(backend), Backends.label(m.backend()),
                    () -> where(backend, "backend()", "3×5") + ": a matrix must report the backend that created it");
        }
    }

    // =====================================================================================
    // Registration, metadata and precisions
    // =====================================================================================

    // Users get a backend through ServiceLoader (Backends.select, byName, list), never through its
    // constructor: a missing or misspelt META-INF/services entry would pass every other test.
    @Test
    public void isFoundThroughServiceLoaderWithTheSameMetadata() {
        Registration.assertRegistered(createBackend(), backend);
    }

    // name() selects the backend on the command line and in NN_BACKEND, so it is one word, the same in
    // every precision; description() says the precision, so the precisions' descriptions differ.
    @Test
    public void everySupportedPrecisionIsTheSameBackendAndEveryOtherIsRefused() {
        Registration.assertNameAndDescription(backend);
        Set<Precision> supported = backend.supportedPrecisions();
        assertTrue(supported.contains(backend.precision()), () -> Backends.label(backend) + ": supportedPrecisions() "
                + supported + " lacks its own precision");
        assertTrue(supported.contains(Precision.F64), () -> Backends.label(backend) + ": supportedPrecisions() "
                + supported + " lacks f64, which every backend must support");
        for (Precision p : Precision.values()) {
            if (supported.contains(p)) {
                LinearAlgebra other = backend.withPrecision(p);
                assertNotNull(other, () -> Backends.label(backend) + ": withPrecision(" + p.id() + ") returned null");
                assertEquals(p, other.precision(), () -> Backends.label(backend) + ": withPrecision(" + p.id()
                        + ").precision()");
                assertEquals(backend.name(), other.name(), () -> Backends.label(backend) + ": withPrecision(" + p.id()
                        + ").name() must be the same name");
                if (p != backend.precision()) {
                    assertNotEquals(backend.description(), other.description(), () -> Backends.label(backend)
                            + ": the description of " + Backends.label(other) + " is the same; it must say the precision");
                }
            } else {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> backend.withPrecision(p), () -> Backends.label(backend) + ": withPrecision(" + p.id()
                                + ") must throw UnsupportedOperationException, since supportedPrecisions() is " + supported);
                for (Precision has : supported) {
                    assertTrue(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains(has.id()),
                            () -> Backends.label(backend) + ": the message of withPrecision(" + p.id()
                                    + ") should name the precisions it has (" + has.id() + ") but is: " + e.getMessage());
                }
            }
        }
    }

    // Storage: f64 keeps every value exactly; f32 rounds it to float. Results: x·y of two floats
    // x = 1 + 2^-12 and y = 1 + 2^-13 needs 26 significant bits, so an f32 instance must return it rounded
    // to float (24 bits) and an f64 instance exactly. An "f32" instance that stores doubles passes every
    // tolerance of the suite, but not this.
    @Test
    public void storesAndComputesInItsOwnPrecision() {
        double[] values = {0.1, 1.0 / 3, 1 + 0x1p-30, 1e-40, -2.5e-7, 123456.789};
        assertMatrixClose(backend, "fromRowMajor then toRowMajor (values as " + backend.precision().id()
                + " stores them)", "1×6", 6, stored(values), backend.toRowMajor(backend.fromRowMajor(1, 6, values)), 0.0);
        double x = 1 + 0x1p-12;
        double y = 1 + 0x1p-13;
        double[] product = stored(x * y); // x * y is exact in double
        double[] sum = stored(1 + 0x1p-25);
        assertExactScalarResult("gemm", product, c -> backend.gemm(1, one(x), false, one(y), false, 0, c));
        assertExactScalarResult("rankOneUpdate", product, a -> backend.rankOneUpdate(1, one(x), one(y), a));
        assertExactScalarResult("axpy", product, out -> backend.axpy(x, one(y), out));
        assertExactScalarResult("scale", product, a -> {
            backend.fill(a, y);
            backend.scale(x, a);
        });
        assertExactScalarResult("affine", product, out -> backend.affine(one(x), one(y), one(0), Activation.IDENTITY, out));
        assertExactScalarResult("columnSums", product, out -> backend.columnSums(x, one(y), 0, out));
        assertExactScalarResult("addRowVector", sum, out -> backend.addRowVector(one(1), one(0x1p-25), out));
        assertExactScalarResult("multiplyElements", product, out -> backend.multiplyElements(one(x), one(y), out));
        assertExactScalarResult("sgdStep", product, w -> backend.sgdStep(new SgdUpdate(x, 0, false, 0), one(-y), null, w));
    }

    private Matrix one(double value) {
        return backend.fromRowMajor(1, 1, new double[] {value});
    }

    /** Runs {@code operation} on a 1×1 matrix of zeros and compares the result with no tolerance. */
    private void assertExactScalarResult(String operation, double[] expected, Consumer<Matrix> call) {
        Matrix out = backend.zeros(1, 1);
        call.accept(out);
        assertMatrixClose(backend, operation + " (the result rounded to " + backend.precision().id() + ")",
                "1×1 operands 1 + 2^-12, 1 + 2^-13 or 1, 2^-25", 1, expected, backend.toRowMajor(out), 0.0);
    }

    // =====================================================================================
    // Every operation compared with the reference
    // =====================================================================================

    // The forward and backward passes are all gemm; transposes and alpha/beta are where bugs hide.
    // beta = 0 starts from an output full of NaN: old contents must be ignored, not multiplied by 0.
    @ParameterizedTest(name = "{0} transposeA={1} transposeB={2} alpha={3} beta={4}")
    @MethodSource("gemmGrid")
    public void gemmMatchesReference(GemmShape s, boolean transposeA, boolean transposeB, double alpha, double beta) {
        Operand a = transposeA ? randomOperand(s.k(), s.m()) : randomOperand(s.m(), s.k());
        Operand b = transposeB ? randomOperand(s.n(), s.k()) : randomOperand(s.k(), s.n());
        Operand c = beta == 0 ? nanOperand(s.m(), s.n()) : randomOperand(s.m(), s.n());
        checkGemm(alpha, a, transposeA, b, transposeB, beta, c);
    }

    // The same at the sizes a training step really uses, where libraries take their fast paths.
    @ParameterizedTest(name = "{0} transposeA={1} transposeB={2} alpha={3} beta={4}")
    @MethodSource("networkGemmGrid")
    public void gemmMatchesReferenceAtTheNetworksShapes(GemmShape s, boolean transposeA, boolean transposeB,
            double alpha, double beta) {
        gemmMatchesReference(s, transposeA, transposeB, alpha, beta);
    }

    // BLAS semantics: beta = 0 means "overwrite", so NaN (or garbage from a reused buffer) in c must
    // not leak into the result, even when alpha is 0 as well.
    @ParameterizedTest(name = "{0} transposeA={1} transposeB={2} alpha={3}")
    @MethodSource("gemmBetaZeroGrid")
    public void gemmWithBetaZeroIgnoresNaNInOutput(GemmShape s, boolean transposeA, boolean transposeB, double alpha) {
        Operand a = transposeA ? randomOperand(s.k(), s.m()) : randomOperand(s.m(), s.k());
        Operand b = transposeB ? randomOperand(s.n(), s.k()) : randomOperand(s.k(), s.n());
        checkGemm(alpha, a, transposeA, b, transposeB, 0.0, nanOperand(s.m(), s.n()));
    }

    private void checkGemm(double alpha, Operand a, boolean transposeA, Operand b, boolean transposeB, double beta,
            Operand c) {
        String shapes = "a " + shapeOf(a, transposeA) + ", b " + shapeOf(b, transposeB) + ", c "
                + c.shape() + ", alpha=" + alpha + ", beta=" + beta;
        Matrix magnitude = absolute(c);
        reference.gemm(Math.abs(alpha), absolute(a), transposeA, absolute(b), transposeB, Math.abs(beta), magnitude);
        backend.gemm(alpha, a.actual(), transposeA, b.actual(), transposeB, beta, c.actual());
        reference.gemm(alpha, a.expected(), transposeA, b.expected(), transposeB, beta, c.expected());
        int inner = transposeA ? a.rows() : a.cols();
        assertResult("gemm", shapes, c, magnitude, inner + 1);
        assertUnchanged("gemm", shapes, "a", a);
        assertUnchanged("gemm", shapes, "b", b);
    }

    // The per-sample weight update; x and y arrive as rows or columns depending on the caller.
    @ParameterizedTest(name = "a {0}, x as {1}, y as {2}, alpha={3}")
    @MethodSource("rankOneGrid")
    public void rankOneUpdateMatchesReference(Shape s, Orientation xAs, Orientation yAs, double alpha) {
        Operand x = randomOperand(xAs.of(s.rows()));
        Operand y = randomOperand(yAs.of(s.cols()));
        Operand a = randomOperand(s);
        String shapes = "x " + x.shape() + ", y " + y.shape() + ", a " + a.shape() + ", alpha=" + alpha;
        Matrix magnitude = absolute(a);
        reference.rankOneUpdate(Math.abs(alpha), absolute(x), absolute(y), magnitude);
        backend.rankOneUpdate(alpha, x.actual(), y.actual(), a.actual());
        reference.rankOneUpdate(alpha, x.expected(), y.expected(), a.expected());
        assertResult("rankOneUpdate", shapes, a, magnitude, 2);
        assertUnchanged("rankOneUpdate", shapes, "x", x);
        assertUnchanged("rankOneUpdate", shapes, "y", y);
    }

    // Adding the bias row to every row of a batch; out starts as NaN because it is write-only.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void addRowVectorMatchesReference(Shape s) {
        Operand a = randomOperand(s);
        Operand v = randomOperand(1, s.cols());
        Operand out = nanOperand(s);
        String shapes = "a " + a.shape() + ", v " + v.shape() + ", out " + out.shape();
        Matrix magnitude = reference.zeros(s.rows(), s.cols());
        reference.addRowVector(absolute(a), absolute(v), magnitude);
        backend.addRowVector(a.actual(), v.actual(), out.actual());
        reference.addRowVector(a.expected(), v.expected(), out.expected());
        assertResult("addRowVector", shapes, out, magnitude, 1);
        assertUnchanged("addRowVector", shapes, "a", a);
        assertUnchanged("addRowVector", shapes, "v", v);
    }

    // A dense layer's forward pass, f(x · w + bias) for every activation, in one call (fused or not); out
    // starts as NaN.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("affineGrid")
    public void affineMatchesReference(GemmShape s, Activation f) {
        Operand x = randomMixedSignOperand(new Shape(s.m(), s.k())); // pre-activations of both signs
        Operand w = randomOperand(s.k(), s.n());
        Operand bias = randomMixedSignOperand(new Shape(1, s.n()));
        Operand out = nanOperand(s.m(), s.n());
        String shapes = f + ", x " + x.shape() + ", w " + w.shape() + ", bias " + bias.shape() + ", out " + out.shape();
        // The affine part may be off by eps (k + 2) times the magnitude of its terms; no activation's slope exceeds
        // 1.2 (GELU's reaches 1.13), so f moves that error by at most 1.2 times, and adds its own rounding.
        Matrix magnitude = reference.zeros(s.m(), s.n());
        reference.affine(absolute(x), absolute(w), absolute(bias), Activation.IDENTITY, magnitude);
        backend.affine(x.actual(), w.actual(), bias.actual(), f, out.actual());
        reference.affine(x.expected(), w.expected(), bias.expected(), Activation.IDENTITY, out.expected());
        double[] affinePart = reference.toRowMajor(magnitude);
        double[] activationPart = activationMagnitude(f, reference.toRowMajor(out.expected()));
        reference.activate(f, out.expected(), out.expected()); // affine's definition: the activation of x · w + bias
        double[] tolerance = new double[affinePart.length];
        for (int i = 0; i < tolerance.length; i++) {
            tolerance[i] = eps() * ((s.k() + 2) * 1.2 * affinePart[i] + activationTerms(f) * activationPart[i]);
        }
        assertResultWithin("affine", shapes, out, tolerance);
        assertUnchanged("affine", shapes, "x", x);
        assertUnchanged("affine", shapes, "w", w);
        assertUnchanged("affine", shapes, "bias", bias);
        if (f == Activation.RELU) {
            for (double v : backend.toRowMajor(out.actual())) {
                assertTrue(v >= 0, () -> where(backend, "affine", shapes) + ": ReLU output has a negative element " + v);
            }
        }
    }

    // Every activation on pre-activations from all its regions (see activationInputs); out starts as NaN.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("activationGrid")
    public void activateMatchesReference(Activation f, Shape s) {
        Operand z = operand(s, activationInputs(s.rows() * s.cols()));
        Operand out = nanOperand(s);
        String shapes = f + ", z " + z.shape() + ", out " + out.shape();
        backend.activate(f, z.actual(), out.actual());
        reference.activate(f, z.expected(), out.expected());
        assertResult("activate", shapes, out, activationMagnitude(f, z.values()), activationTerms(f));
        assertUnchanged("activate", shapes, "z", z);
    }

    // The backward pass of every activation, with z from all its regions and a = f(z) as the backend stores it;
    // out starts as NaN. z and a are consistent, as the contract promises: tanh and sigmoid must take the
    // derivative from a, GELU from z, and a backend that takes it from the other one fails.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("activationGrid")
    public void activationBackwardMatchesReference(Activation f, Shape s) {
        Operand z = operand(s, activationInputs(s.rows() * s.cols()));
        checkActivationBackward(f, randomOperand(s), z, activated(f, z), nanOperand(s));
    }

    /** {@code a = f(z)} as the backend stores it: the reference's value, rounded to the backend's precision. */
    private Operand activated(Activation f, Operand z) {
        Matrix a = reference.zeros(z.rows(), z.cols());
        reference.activate(f, z.expected(), a);
        return operand(z.rows(), z.cols(), reference.toRowMajor(a));
    }

    private void checkActivationBackward(Activation f, Operand gradient, Operand z, Operand a, Operand out) {
        String shapes = f + ", gradient " + gradient.shape() + ", z " + z.shape() + ", a " + a.shape() + ", out "
                + out.shape();
        backend.activationBackward(f, gradient.actual(), z.actual(), a.actual(), out.actual());
        reference.activationBackward(f, gradient.expected(), z.expected(), a.expected(), out.expected());
        assertResult("activationBackward", shapes, out, derivativeMagnitude(f, gradient.values(), z.values(), a.values()),
                activationTerms(f));
        assertUnchanged("activationBackward", shapes, "gradient", gradient);
        assertUnchanged("activationBackward", shapes, "z", z);
        assertUnchanged("activationBackward", shapes, "a", a);
    }

    // Dropout multiplies activations and their gradients by its mask; out starts as NaN.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void multiplyElementsMatchesReference(Shape s) {
        Operand a = randomMixedSignOperand(s);
        Operand b = randomOperand(s);
        Operand out = nanOperand(s);
        String shapes = "a " + a.shape() + ", b " + b.shape() + ", out " + out.shape();
        double[] magnitude = new double[a.values().length];
        for (int i = 0; i < magnitude.length; i++) {
            magnitude[i] = Math.abs(a.values()[i] * b.values()[i]);
        }
        backend.multiplyElements(a.actual(), b.actual(), out.actual());
        reference.multiplyElements(a.expected(), b.expected(), out.expected());
        assertResult("multiplyElements", shapes, out, magnitude, 1);
        assertUnchanged("multiplyElements", shapes, "a", a);
        assertUnchanged("multiplyElements", shapes, "b", b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void reluBackwardMatchesReference(Shape s) {
        Operand gradient = randomOperand(s);
        double[] activationValues = randomMixedSignValues(s.rows() * s.cols());
        for (int i = 0; i < activationValues.length; i += 1 + random.nextInt(6)) {
            activationValues[i] = 0.0; // units exactly at the kink
        }
        Operand activation = operand(s, activationValues);
        Operand out = nanOperand(s);
        String shapes = "gradient " + gradient.shape() + ", activation " + activation.shape() + ", out " + out.shape();
        backend.activationBackward(Activation.RELU, gradient.actual(), activation.actual(), activation.actual(), out.actual());
        reference.activationBackward(Activation.RELU, gradient.expected(), activation.expected(), activation.expected(), out.expected());
        assertResult("reluBackward", shapes, out, absolute(gradient), 1);
        assertUnchanged("reluBackward", shapes, "gradient", gradient);
        assertUnchanged("reluBackward", shapes, "activation", activation);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void softmaxRowsMatchesReferenceAndRowsSumToOne(Shape s) {
        Operand z = randomOperand(s);
        Operand out = nanOperand(s);
        checkSoftmax(z, out);
        assertUnchanged("softmaxRows", "z " + z.shape() + ", out " + out.shape(), "z", z);
    }

    /**
     * Probabilities are compared with an absolute tolerance scaled by the row length (they are terms
     * of a sum that is 1); each row must be finite and sum to 1.
     */
    private void checkSoftmax(Operand z, Operand out) {
        String shapes = "z " + z.shape() + ", out " + out.shape();
        backend.softmaxRows(z.actual(), out.actual());
        reference.softmaxRows(z.expected(), out.expected());
        Matrix ones = reference.zeros(out.rows(), out.cols());
        reference.fill(ones, 1);
        assertResult("softmaxRows", shapes, out, ones, out.cols() + 2);
        double[] p = backend.toRowMajor(out.actual());
        double[] rowSums = new double[out.rows()];
        for (int i = 0; i < p.length; i++) {
            rowSums[i / out.cols()] += p[i];
        }
        double[] ones1 = new double[out.rows()];
        Arrays.fill(ones1, 1);
        assertMatrixClose(backend, "softmaxRows (row sums)", shapes, 1, ones1, rowSums, eps() * (out.cols() + 2));
    }

    // The batch loss: compared with the reference on ordinary data of every shape.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void sumNegativeLogSoftmaxMatchesReference(Shape s) {
        Operand logits = randomOperand(s);
        int[] labels = randomColumns(s.rows(), s.cols());
        checkSumNegativeLogSoftmax(logits, labels);
    }

    /**
     * The loss sums, per row, a log-sum-exp and a logit; the tolerance scales with the size of those
     * (row maximum, labelled logit, log of the row length) and with rows + cols.
     */
    private void checkSumNegativeLogSoftmax(Operand logits, int[] labels) {
        String shapes = "logits " + logits.shape() + ", labels " + Arrays.toString(labels);
        int[] labelsGiven = labels.clone();
        double actual = backend.sumNegativeLogSoftmax(logits.actual(), labels);
        double expected = reference.sumNegativeLogSoftmax(logits.expected(), labels);
        assertScalarClose(backend, "sumNegativeLogSoftmax", shapes, expected, actual, lossTolerance(logits, labels));
        assertUnchanged("sumNegativeLogSoftmax", shapes, "logits", logits);
        assertIndicesEqual(backend, "sumNegativeLogSoftmax (labels must stay unchanged)", shapes, labelsGiven, labels);
    }

    /** The summed loss's tolerance: row maximum, labelled logit and log of the row length, times rows + cols. */
    private double lossTolerance(Operand logits, int[] labels) {
        double magnitude = 0;
        for (int i = 0; i < logits.rows(); i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < logits.cols(); j++) {
                max = Math.max(max, logits.values()[i * logits.cols() + j]);
            }
            magnitude += Math.abs(max) + Math.abs(logits.values()[i * logits.cols() + labels[i]])
                    + Math.log(logits.cols()) + 1;
        }
        return eps() * (logits.rows() + logits.cols()) * magnitude;
    }

    // The fused output step of training: the loss and its gradient softmax(z) - y in one call. The
    // gradient is compared element by element and each of its rows must sum to 0 (probabilities sum
    // to 1, minus the one-hot 1); gradient starts as NaN because it is write-only.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void softmaxCrossEntropyMatchesReference(Shape s) {
        checkSoftmaxCrossEntropy(randomOperand(s), randomColumns(s.rows(), s.cols()));
    }

    private void checkSoftmaxCrossEntropy(Operand logits, int[] labels) {
        Operand gradient = nanOperand(logits.rows(), logits.cols());
        String shapes = "logits " + logits.shape() + ", labels " + Arrays.toString(labels) + ", gradient "
                + gradient.shape();
        int[] labelsGiven = labels.clone();
        double actual = backend.softmaxCrossEntropy(logits.actual(), labels, gradient.actual());
        double expected = reference.softmaxCrossEntropy(logits.expected(), labels, gradient.expected());
        assertScalarClose(backend, "softmaxCrossEntropy (loss)", shapes, expected, actual, lossTolerance(logits, labels));
        Matrix ones = reference.zeros(gradient.rows(), gradient.cols());
        reference.fill(ones, 1);
        assertResult("softmaxCrossEntropy (gradient)", shapes, gradient, ones, gradient.cols() + 3);
        double[] g = backend.toRowMajor(gradient.actual());
        double[] rowSums = new double[gradient.rows()];
        for (int i = 0; i < g.length; i++) {
            rowSums[i / gradient.cols()] += g[i];
        }
        assertMatrixClose(backend, "softmaxCrossEntropy (gradient row sums)", shapes, 1, new double[gradient.rows()],
                rowSums, eps() * (gradient.cols() + 3));
        assertUnchanged("softmaxCrossEntropy", shapes, "logits", logits);
        assertIndicesEqual(backend, "softmaxCrossEntropy (labels must stay unchanged)", shapes, labelsGiven, labels);
    }

    // Turns softmax probabilities into the cross-entropy gradient p - y (value -1).
    @ParameterizedTest(name = "{0} value={1}")
    @MethodSource("shapesAndValues")
    public void addAtColumnsMatchesReference(Shape s, double value) {
        Operand a = randomOperand(s);
        int[] columns = randomColumns(s.rows(), s.cols());
        int[] columnsGiven = columns.clone();
        String shapes = "a " + a.shape() + ", columns " + Arrays.toString(columns) + ", value=" + value;
        Matrix magnitude = absolute(a);
        reference.addAtColumns(magnitude, columns, Math.abs(value));
        backend.addAtColumns(a.actual(), columns, value);
        reference.addAtColumns(a.expected(), columns, value);
        assertResult("addAtColumns", shapes, a, magnitude, 1);
        assertIndicesEqual(backend, "addAtColumns (columns must stay unchanged)", shapes, columnsGiven, columns);
    }

    // The bias gradient; beta = 0 starts from NaN (ignored), beta != 0 accumulates.
    @ParameterizedTest(name = "{0} alpha={1} beta={2}")
    @MethodSource("columnSumsGrid")
    public void columnSumsMatchesReference(Shape s, double alpha, double beta) {
        Operand a = randomOperand(s);
        Operand out = beta == 0 ? nanOperand(1, s.cols()) : randomOperand(1, s.cols());
        checkColumnSums(alpha, a, beta, out);
    }

    // Same rule as for gemm: beta = 0 overwrites, NaN in the old output must not leak.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void columnSumsWithBetaZeroIgnoresNaNInOutput(Shape s) {
        checkColumnSums(1.0, randomOperand(s), 0.0, nanOperand(1, s.cols()));
    }

    private void checkColumnSums(double alpha, Operand a, double beta, Operand out) {
        String shapes = "a " + a.shape() + ", out " + out.shape() + ", alpha=" + alpha + ", beta=" + beta;
        Matrix magnitude = absolute(out);
        reference.columnSums(Math.abs(alpha), absolute(a), Math.abs(beta), magnitude);
        backend.columnSums(alpha, a.actual(), beta, out.actual());
        reference.columnSums(alpha, a.expected(), beta, out.expected());
        assertResult("columnSums", shapes, out, magnitude, a.rows() + 1);
        assertUnchanged("columnSums", shapes, "a", a);
    }

    // The SGD step w -= rate * gradient.
    @ParameterizedTest(name = "{0} alpha={1}")
    @MethodSource("shapesAndAlphas")
    public void axpyMatchesReference(Shape s, double alpha) {
        Operand x = randomOperand(s);
        Operand y = randomOperand(s);
        String shapes = "x " + x.shape() + ", y " + y.shape() + ", alpha=" + alpha;
        Matrix magnitude = absolute(y);
        reference.axpy(Math.abs(alpha), absolute(x), magnitude);
        backend.axpy(alpha, x.actual(), y.actual());
        reference.axpy(alpha, x.expected(), y.expected());
        assertResult("axpy", shapes, y, magnitude, 2);
        assertUnchanged("axpy", shapes, "x", x);
    }

    @ParameterizedTest(name = "{0} alpha={1}")
    @MethodSource("shapesAndAlphas")
    public void scaleMatchesReference(Shape s, double alpha) {
        Operand a = randomOperand(s);
        String shapes = "a " + a.shape() + ", alpha=" + alpha;
        Matrix magnitude = absolute(a);
        reference.scale(Math.abs(alpha), magnitude);
        backend.scale(alpha, a.actual());
        reference.scale(alpha, a.expected());
        assertResult("scale", shapes, a, magnitude, 1);
    }

    // Filling resets a buffer, whatever it held: NaN and infinity too (filling by "a·0 + value" would keep them).
    @ParameterizedTest(name = "{0} value={1}")
    @MethodSource("shapesAndValues")
    public void fillSetsEveryElement(Shape s, double value) {
        double[] old = randomValues(s.rows() * s.cols());
        for (int i = 0; i < old.length; i += 2) {
            old[i] = new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}[i / 2 % 3];
        }
        Operand a = operand(s, old);
        String shapes = "a " + a.shape() + ", value=" + value;
        backend.fill(a.actual(), value);
        reference.fill(a.expected(), value);
        Matrix magnitude = reference.zeros(s.rows(), s.cols());
        reference.fill(magnitude, Math.abs(value));
        assertResult("fill", shapes, a, magnitude, 1);
    }

    // Predictions: the out array is reused, so every entry must be written.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void argmaxRowsMatchesReference(Shape s) {
        Operand a = randomOperand(s);
        int[] actual = new int[s.rows()];
        Arrays.fill(actual, -1);
        int[] expected = new int[s.rows()];
        String shapes = "a " + a.shape();
        backend.argmaxRows(a.actual(), actual);
        reference.argmaxRows(a.expected(), expected);
        assertIndicesEqual(backend, "argmaxRows", shapes, expected, actual);
        assertUnchanged("argmaxRows", shapes, "a", a);
    }

    // =====================================================================================
    // Optimizer steps: several in a row, the state carried from one step to the next
    // =====================================================================================

    private List<Operand> randomGradients(Shape s, int steps) {
        List<Operand> gradients = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            gradients.add(randomOperand(s));
        }
        return gradients;
    }

    private List<Operand> zeroGradients(Shape s, int steps) {
        List<Operand> gradients = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            gradients.add(zerosOperand(s));
        }
        return gradients;
    }

    private static double[] abs(double[] values) {
        return Arrays.stream(values).map(Math::abs).toArray();
    }

    // SGD with and without momentum (classical and Nesterov's) and L2 decay, four steps from a zero velocity:
    // the velocity carries over from step to step, and it and the parameter are compared after each. The
    // gradient's contents afterwards are unspecified (a backend may use it as scratch space) and never read.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sgdGrid")
    public void sgdStepsMatchReference(SgdUpdate step, Shape s) {
        checkSgdSteps(step, randomOperand(s), step.hasMomentum() ? zerosOperand(s) : null, randomGradients(s, 4));
    }

    // Without momentum there is no velocity: null is allowed, and a velocity passed anyway is not touched.
    @Test
    public void sgdStepWithoutMomentumTakesANullVelocityAndLeavesAGivenOneAlone() {
        Shape s = new Shape(3, 4);
        for (SgdUpdate step : SGD_SETTINGS) {
            if (!step.hasMomentum()) {
                checkSgdSteps(step, randomOperand(s), null, randomGradients(s, 2));
                checkSgdSteps(step, randomOperand(s), randomOperand(s), randomGradients(s, 2));
            }
        }
    }

    /**
     * Steps the backend's and the reference's parameter and velocity with one gradient after another and compares
     * them after each step. Each element's tolerance follows the same formula on absolute values (the magnitude of
     * its terms) and grows with the steps, whose roundings add up.
     */
    private void checkSgdSteps(SgdUpdate step, Operand parameter, Operand velocity, List<Operand> gradients) {
        double[] parameterMagnitude = abs(parameter.values());
        double[] velocityMagnitude = velocity == null ? null : abs(velocity.values());
        double mu = step.momentum();
        for (int k = 0; k < gradients.size(); k++) {
            Operand gradient = gradients.get(k);
            for (int i = 0; i < parameterMagnitude.length; i++) {
                double g = Math.abs(gradient.values()[i]) + step.weightDecay() * parameterMagnitude[i];
                if (step.hasMomentum()) {
                    velocityMagnitude[i] = mu * velocityMagnitude[i] + g;
                    g = step.nesterov() ? g + mu * velocityMagnitude[i] : velocityMagnitude[i];
                }
                parameterMagnitude[i] += step.learningRate() * g;
            }
            backend.sgdStep(step, gradient.actual(), velocity == null ? null : velocity.actual(), parameter.actual());
            reference.sgdStep(step, gradient.expected(), velocity == null ? null : velocity.expected(), parameter.expected());
            String shapes = "step " + (k + 1) + " of " + gradients.size() + ", " + step + ", parameter " + parameter.shape()
                    + (velocity == null ? ", velocity null" : "");
            assertResult("sgdStep (parameter)", shapes, parameter, parameterMagnitude, 4 * (k + 1));
            if (step.hasMomentum()) {
                assertResult("sgdStep (velocity)", shapes, velocity, velocityMagnitude, 4 * (k + 1));
            } else if (velocity != null) {
                assertUnchanged("sgdStep (without momentum)", shapes, "velocity", velocity);
            }
        }
    }

    // Adam and AdamW from zero moments at steps t = 1, 2, 3, where the bias corrections 1 - β1ᵗ and 1 - β2ᵗ are
    // far from 1 and matter most; both moments and the parameter are compared after each step.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("adamGrid")
    public void adamStepsMatchReferenceFromTheFirstStep(AdamUpdate setting, Shape s) {
        checkAdamSteps(setting, new long[] {1, 2, 3}, randomOperand(s), zerosOperand(s), zerosOperand(s),
                randomGradients(s, 3));
    }

    // A run resumed from a checkpoint continues with its moments at a later t: the step count is the one given
    // (7, 8, then 1000, where 1 - 0.9ᵗ is 1 but 1 - 0.999ᵗ still 0.63), not one the backend counts itself.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("adamGrid")
    public void adamStepsMatchReferenceAtLaterStepCounts(AdamUpdate setting, Shape s) {
        Operand firstMoment = randomMixedSignOperand(s);
        checkAdamSteps(setting, new long[] {7, 8, 1000}, randomOperand(s), firstMoment, secondMomentFor(firstMoment),
                randomGradients(s, 3));
    }

    /** A second moment that goes with {@code m}: at least m², as for moments of real gradients. */
    private Operand secondMomentFor(Operand m) {
        double[] v = new double[m.values().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = m.values()[i] * m.values()[i] * uniform(1, 3);
        }
        return operand(m.rows(), m.cols(), v);
    }

    /** As {@link #checkSgdSteps}, for Adam at the step counts {@code steps}. */
    private void checkAdamSteps(AdamUpdate setting, long[] steps, Operand parameter, Operand firstMoment,
            Operand secondMoment, List<Operand> gradients) {
        double[] parameterMagnitude = abs(parameter.values());
        double[] firstMagnitude = abs(firstMoment.values());
        double[] secondMagnitude = abs(secondMoment.values());
        double rate = setting.learningRate();
        double decay = setting.weightDecay();
        double beta1 = setting.beta1();
        double beta2 = setting.beta2();
        for (int k = 0; k < steps.length; k++) {
            AdamUpdate step = atStep(setting, steps[k]);
            Operand gradient = gradients.get(k);
            backend.adamStep(step, gradient.actual(), firstMoment.actual(), secondMoment.actual(), parameter.actual());
            reference.adamStep(step, gradient.expected(), firstMoment.expected(), secondMoment.expected(),
                    parameter.expected());
            double[] secondNow = reference.toRowMajor(secondMoment.expected());
            for (int i = 0; i < parameterMagnitude.length; i++) {
                double g = Math.abs(gradient.values()[i]) + (setting.decoupledWeightDecay() ? 0 : decay * parameterMagnitude[i]);
                firstMagnitude[i] = beta1 * firstMagnitude[i] + (1 - beta1) * g;
                secondMagnitude[i] = beta2 * secondMagnitude[i] + (1 - beta2) * g * g;
                double kept = setting.decoupledWeightDecay() ? Math.abs(1 - rate * decay) : 1;
                parameterMagnitude[i] = kept * parameterMagnitude[i] + rate * (firstMagnitude[i] / step.firstMomentCorrection())
                        / (Math.sqrt(secondNow[i] / step.secondMomentCorrection()) + step.epsilon());
            }
            String shapes = "step t=" + steps[k] + ", " + step + ", parameter " + parameter.shape();
            assertResult("adamStep (parameter)", shapes, parameter, parameterMagnitude, 8 * (k + 1));
            assertResult("adamStep (firstMoment)", shapes, firstMoment, firstMagnitude, 4 * (k + 1));
            assertResult("adamStep (secondMoment)", shapes, secondMoment, secondMagnitude, 4 * (k + 1));
        }
    }

    // RMSProp, four steps from a zero mean square.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rmsPropGrid")
    public void rmsPropStepsMatchReference(RmsPropUpdate step, Shape s) {
        checkRmsPropSteps(step, randomOperand(s), zerosOperand(s), randomGradients(s, 4));
    }

    /** As {@link #checkSgdSteps}, for RMSProp. */
    private void checkRmsPropSteps(RmsPropUpdate step, Operand parameter, Operand meanSquare, List<Operand> gradients) {
        double[] parameterMagnitude = abs(parameter.values());
        double[] squareMagnitude = abs(meanSquare.values());
        for (int k = 0; k < gradients.size(); k++) {
            Operand gradient = gradients.get(k);
            backend.rmsPropStep(step, gradient.actual(), meanSquare.actual(), parameter.actual());
            reference.rmsPropStep(step, gradient.expected(), meanSquare.expected(), parameter.expected());
            double[] squareNow = reference.toRowMajor(meanSquare.expected());
            for (int i = 0; i < parameterMagnitude.length; i++) {
                double g = Math.abs(gradient.values()[i]) + step.weightDecay() * parameterMagnitude[i];
                squareMagnitude[i] = step.alpha() * squareMagnitude[i] + (1 - step.alpha()) * g * g;
                parameterMagnitude[i] += step.learningRate() * g / (Math.sqrt(squareNow[i]) + step.epsilon());
            }
            String shapes = "step " + (k + 1) + " of " + gradients.size() + ", " + step + ", parameter " + parameter.shape();
            assertResult("rmsPropStep (parameter)", shapes, parameter, parameterMagnitude, 4 * (k + 1));
            assertResult("rmsPropStep (meanSquare)", shapes, meanSquare, squareMagnitude, 4 * (k + 1));
        }
    }

    // A zero gradient from a zero state moves the parameter by its weight decay alone: without decay it stays
    // exactly as it was (Adam's m̂ / (sqrt(v̂) + ε) is 0 / ε = 0, not 0 / 0 = NaN) and the state stays exactly 0.
    @TestFactory
    public Stream<DynamicTest> zeroGradientFromAZeroStateMovesTheParameterOnlyByItsWeightDecay() {
        Shape s = new Shape(3, 4);
        List<DynamicTest> tests = new ArrayList<>();
        for (SgdUpdate step : SGD_SETTINGS) {
            tests.add(dynamicTest("sgdStep " + step, () -> {
                Operand parameter = randomOperand(s);
                Operand velocity = step.hasMomentum() ? zerosOperand(s) : null;
                checkSgdSteps(step, parameter, velocity, zeroGradients(s, 1));
                if (step.weightDecay() == 0) {
                    assertUnchangedByZeroGradient("sgdStep", step, "parameter", parameter);
                    assertUnchangedByZeroGradient("sgdStep", step, "velocity", velocity);
                }
            }));
        }
        for (AdamUpdate setting : ADAM_SETTINGS) {
            tests.add(dynamicTest("adamStep " + setting, () -> {
                Operand parameter = randomOperand(s);
                Operand m = zerosOperand(s);
                Operand v = zerosOperand(s);
                checkAdamSteps(setting, new long[] {1}, parameter, m, v, zeroGradients(s, 1));
                if (setting.weightDecay() == 0) {
                    assertUnchangedByZeroGradient("adamStep", setting, "parameter", parameter);
                }
                if (setting.weightDecay() == 0 || setting.decoupledWeightDecay()) {
                    assertUnchangedByZeroGradient("adamStep", setting, "firstMoment", m);
                    assertUnchangedByZeroGradient("adamStep", setting, "secondMoment", v);
                }
            }));
        }
        for (RmsPropUpdate step : RMS_PROP_SETTINGS) {
            tests.add(dynamicTest("rmsPropStep " + step, () -> {
                Operand parameter = randomOperand(s);
                Operand meanSquare = zerosOperand(s);
                checkRmsPropSteps(step, parameter, meanSquare, zeroGradients(s, 1));
                if (step.weightDecay() == 0) {
                    assertUnchangedByZeroGradient("rmsPropStep", step, "parameter", parameter);
                    assertUnchangedByZeroGradient("rmsPropStep", step, "meanSquare", meanSquare);
                }
            }));
        }
        return tests.stream();
    }

    /** {@code tensor} (unless null) holds exactly what it held before a step with a zero gradient. */
    private void assertUnchangedByZeroGradient(String operation, Object step, String argument, Operand tensor) {
        if (tensor != null) {
            assertUnchanged(operation + " (a zero gradient without weight decay)", step + ", " + tensor.shape(), argument,
                    tensor);
        }
    }

    // ... and from a state that holds something, a zero gradient lets it decay (v = μv, m = β1 m, v = β2 v) and
    // moves the parameter by what it still holds.
    @TestFactory
    public Stream<DynamicTest> zeroGradientLetsTheOptimizerStateDecay() {
        Shape s = new Shape(4, 3);
        List<DynamicTest> tests = new ArrayList<>();
        for (SgdUpdate step : SGD_SETTINGS) {
            if (step.hasMomentum()) {
                tests.add(dynamicTest("sgdStep " + step, () -> checkSgdSteps(step, randomOperand(s),
                        randomMixedSignOperand(s), zeroGradients(s, 2))));
            }
        }
        for (AdamUpdate setting : ADAM_SETTINGS) {
            tests.add(dynamicTest("adamStep " + setting, () -> {
                Operand m = randomMixedSignOperand(s);
                checkAdamSteps(setting, new long[] {5, 6}, randomOperand(s), m, secondMomentFor(m), zeroGradients(s, 2));
            }));
        }
        for (RmsPropUpdate step : RMS_PROP_SETTINGS) {
            tests.add(dynamicTest("rmsPropStep " + step, () -> checkRmsPropSteps(step, randomOperand(s),
                    operand(s, abs(randomValues(s.rows() * s.cols()))), zeroGradients(s, 2))));
        }
        return tests.stream();
    }

    // =====================================================================================
    // The operations at the network's sizes, again on one instance, and after their operands change
    // =====================================================================================

    // Libraries switch to other code (blocked, parallel, vectorised) for large operands: every operation
    // at the sizes a training step of the 784-200-200-10 network really uses, at batch sizes 64 and 1.
    @TestFactory
    public Stream<DynamicTest> everyOperationIsRightAtTheNetworksSizes() {
        Shape hidden = new Shape(64, 200);
        Shape logits = new Shape(64, 10);
        Shape weights = new Shape(784, 200);
        Stream<DynamicTest> activations = Arrays.stream(Activation.values()).flatMap(f -> Stream.of(
                dynamicTest("activate " + f + " 64×200", () -> activateMatchesReference(f, hidden)),
                dynamicTest("activationBackward " + f + " 64×200", () -> activationBackwardMatchesReference(f, hidden))));
        Stream<DynamicTest> others = Stream.of(
                dynamicTest("affine (64×784)·(784×200) RELU", () -> affineMatchesReference(new GemmShape(64, 784, 200),
                        Activation.RELU)),
                dynamicTest("affine (64×784)·(784×200) GELU", () -> affineMatchesReference(new GemmShape(64, 784, 200),
                        Activation.GELU)),
                dynamicTest("affine (1×784)·(784×200) RELU", () -> affineMatchesReference(new GemmShape(1, 784, 200),
                        Activation.RELU)),
                dynamicTest("rankOneUpdate 784×200", () -> rankOneUpdateMatchesReference(weights, Orientation.ROW,
                        Orientation.ROW, -0.01)),
                dynamicTest("addRowVector 64×200", () -> addRowVectorMatchesReference(hidden)),
                dynamicTest("reluBackward 64×200", () -> reluBackwardMatchesReference(hidden)),
                dynamicTest("multiplyElements 64×200", () -> multiplyElementsMatchesReference(hidden)),
                dynamicTest("sgdStep 784×200 " + SGD_SETTINGS.get(5), () -> checkSgdSteps(SGD_SETTINGS.get(5),
                        randomOperand(weights), zerosOperand(weights), randomGradients(weights, 2))),
                dynamicTest("adamStep 784×200 " + ADAM_SETTINGS.get(3), () -> checkAdamSteps(ADAM_SETTINGS.get(3),
                        new long[] {1, 2}, randomOperand(weights), zerosOperand(weights), zerosOperand(weights),
                        randomGradients(weights, 2))),
                dynamicTest("rmsPropStep 784×200 " + RMS_PROP_SETTINGS.get(2), () -> checkRmsPropSteps(
                        RMS_PROP_SETTINGS.get(2), randomOperand(weights), zerosOperand(weights), randomGradients(weights, 2))),
                dynamicTest("softmaxRows 64×10", () -> softmaxRowsMatchesReferenceAndRowsSumToOne(logits)),
                dynamicTest("sumNegativeLogSoftmax 64×10", () -> sumNegativeLogSoftmaxMatchesReference(logits)),
                dynamicTest("softmaxCrossEntropy 64×10", () -> softmaxCrossEntropyMatchesReference(logits)),
                dynamicTest("addAtColumns 64×10", () -> addAtColumnsMatchesReference(logits, -1)),
                dynamicTest("columnSums 64×200", () -> columnSumsMatchesReference(hidden, -0.01, 1)),
                dynamicTest("axpy 784×200", () -> axpyMatchesReference(weights, -0.01)),
                dynamicTest("scale 784×200", () -> scaleMatchesReference(weights, 0.5)),
                dynamicTest("fill 784×200", () -> fillSetsEveryElement(weights, 0.37)),
                dynamicTest("argmaxRows 64×10", () -> argmaxRowsMatchesReference(logits)),
                dynamicTest("fromRowMajor, toRowMajor 784×200", () -> fromRowMajorAndToRowMajorRoundTripInRowMajorOrder(weights)),
                dynamicTest("setRowMajor 64×784", () -> setRowMajorOverwritesEveryElementAndNeitherModifiesNorKeepsTheArray(
                        new Shape(64, 784))),
                dynamicTest("copy 784×200", () -> copyIsIndependentOfItsSource(weights)));
        return Stream.concat(activations, others);
    }

    /** Every operation's comparison with the reference, on matrices of (about) the given shape. */
    private List<Map.Entry<String, Consumer<Shape>>> operationChecks() {
        List<Map.Entry<String, Consumer<Shape>>> checks = new ArrayList<>();
        for (Activation f : Activation.values()) {
            checks.add(Map.entry("affine " + f, s -> affineMatchesReference(new GemmShape(s.rows(), s.cols(), 3), f)));
            checks.add(Map.entry("activate " + f, s -> activateMatchesReference(f, s)));
            checks.add(Map.entry("activationBackward " + f, s -> activationBackwardMatchesReference(f, s)));
        }
        checks.addAll(List.of(
                Map.entry("multiplyElements", this::multiplyElementsMatchesReference),
                Map.entry("sgdStep", s -> sgdStepsMatchReference(SGD_SETTINGS.get(3), s)),
                Map.entry("adamStep", s -> adamStepsMatchReferenceFromTheFirstStep(ADAM_SETTINGS.get(1), s)),
                Map.entry("rmsPropStep", s -> rmsPropStepsMatchReference(RMS_PROP_SETTINGS.get(0), s)),
                Map.entry("gemm", s -> gemmMatchesReference(new GemmShape(s.rows(), s.cols(), s.rows() + 1), false, true,
                        0.5, -0.75)),
                Map.entry("gemm transposed a", s -> gemmMatchesReference(new GemmShape(s.rows(), s.cols(), 2), true, false,
                        -2, 1)),
                Map.entry("rankOneUpdate", s -> rankOneUpdateMatchesReference(s, Orientation.COLUMN, Orientation.ROW, -0.5)),
                Map.entry("addRowVector", this::addRowVectorMatchesReference),
                Map.entry("reluBackward", this::reluBackwardMatchesReference),
                Map.entry("softmaxRows", this::softmaxRowsMatchesReferenceAndRowsSumToOne),
                Map.entry("sumNegativeLogSoftmax", this::sumNegativeLogSoftmaxMatchesReference),
                Map.entry("softmaxCrossEntropy", this::softmaxCrossEntropyMatchesReference),
                Map.entry("addAtColumns", s -> addAtColumnsMatchesReference(s, -1)),
                Map.entry("columnSums", s -> columnSumsMatchesReference(s, 1, 1)),
                Map.entry("axpy", s -> axpyMatchesReference(s, -0.5)),
                Map.entry("scale", s -> scaleMatchesReference(s, -2)),
                Map.entry("fill", s -> fillSetsEveryElement(s, 0.37)),
                Map.entry("argmaxRows", this::argmaxRowsMatchesReference),
                Map.entry("fromRowMajor, toRowMajor", this::fromRowMajorAndToRowMajorRoundTripInRowMajorOrder),
                Map.entry("toRowMajor into an array", this::toRowMajorIntoAnArrayOverwritesEveryElement),
                Map.entry("setRowMajor", this::setRowMajorOverwritesEveryElementAndNeitherModifiesNorKeepsTheArray),
                Map.entry("copy", this::copyIsIndependentOfItsSource)));
        return checks;
    }

    // Backends keep scratch space between calls (one instance per thread): each call must be right
    // whatever came before it, on one instance, through larger and smaller shapes.
    @TestFactory
    public Stream<DynamicTest> everyOperationIsRightWhenCalledAgainOnOtherShapes() {
        List<Shape> sequence = List.of(new Shape(2, 3), new Shape(7, 5), new Shape(1, 4), new Shape(7, 5), new Shape(2, 3),
                new Shape(5, 1));
        return operationChecks().stream().map(check -> dynamicTest(check.getKey() + " on " + sequence + " in turn",
                () -> sequence.forEach(check.getValue())));
    }

    /** The operand as it is now in the backend, with a reference matrix of the same values. */
    private Operand refreshed(Operand o) {
        double[] now = backend.toRowMajor(o.actual());
        return new Operand(o.rows(), o.cols(), now, o.actual(), reference.fromRowMajor(o.rows(), o.cols(), now));
    }

    /** Every way an operation changes a matrix in place or writes it. */
    private List<Map.Entry<String, Consumer<Matrix>>> changes() {
        return List.of(
                Map.entry("setRowMajor", m -> backend.setRowMajor(m, stored(randomValues(m.rows() * m.cols())))),
                Map.entry("fill", m -> backend.fill(m, 0.25)),
                Map.entry("scale", m -> backend.scale(-2, m)),
                Map.entry("axpy", m -> backend.axpy(1, mine(m.rows(), m.cols()), m)),
                Map.entry("rankOneUpdate", m -> backend.rankOneUpdate(1, mine(m.rows(), 1), mine(1, m.cols()), m)),
                Map.entry("addAtColumns", m -> backend.addAtColumns(m, randomColumns(m.rows(), m.cols()), 1)),
                Map.entry("gemm (as c)", m -> backend.gemm(1, mine(m.rows(), 2), false, mine(2, m.cols()), false, 0, m)),
                Map.entry("affine (as out)", m -> backend.affine(mine(m.rows(), 2), mine(2, m.cols()), mine(1, m.cols()), Activation.IDENTITY, m)),
                Map.entry("addRowVector (in place)", m -> backend.addRowVector(m, mine(1, m.cols()), m)),
                Map.entry("affine TANH (as out)", m -> backend.affine(mine(m.rows(), 2), mine(2, m.cols()), mine(1, m.cols()),
                        Activation.TANH, m)),
                Map.entry("activate RELU (in place)", m -> backend.activate(Activation.RELU, m, m)),
                Map.entry("activate GELU (in place)", m -> backend.activate(Activation.GELU, m, m)),
                Map.entry("activationBackward RELU (as out)", m -> backend.activationBackward(Activation.RELU,
                        mine(m.rows(), m.cols()), mine(m.rows(), m.cols()), mine(m.rows(), m.cols()), m)),
                Map.entry("activationBackward SIGMOID (in place, as out and gradient)", m -> backend.activationBackward(
                        Activation.SIGMOID, m, mine(m.rows(), m.cols()), mine(m.rows(), m.cols()), m)),
                Map.entry("multiplyElements (in place)", m -> backend.multiplyElements(m, mine(m.rows(), m.cols()), m)),
                Map.entry("sgdStep (as parameter)", m -> backend.sgdStep(SGD_SETTINGS.get(4), mine(m.rows(), m.cols()),
                        backend.zeros(m.rows(), m.cols()), m)),
                Map.entry("adamStep (as parameter)", m -> backend.adamStep(ADAM_SETTINGS.get(4), mine(m.rows(), m.cols()),
                        backend.zeros(m.rows(), m.cols()), backend.zeros(m.rows(), m.cols()), m)),
                Map.entry("rmsPropStep (as parameter)", m -> backend.rmsPropStep(RMS_PROP_SETTINGS.get(1),
                        mine(m.rows(), m.cols()), backend.zeros(m.rows(), m.cols()), m)),
                Map.entry("softmaxRows (in place)", m -> backend.softmaxRows(m, m)),
                Map.entry("softmaxCrossEntropy (as gradient)", m -> backend.softmaxCrossEntropy(mine(m.rows(), m.cols()),
                        randomColumns(m.rows(), m.cols()), m)));
    }

    // A backend may keep something derived from an operand between products (a transpose, a packed
    // copy), but must see every change to it, by any operation.
    @TestFactory
    public Stream<DynamicTest> gemmSeesEveryChangeToItsOperandsBetweenCalls() {
        return changes().stream().map(change -> dynamicTest("gemm, " + change.getKey() + " of a or b, gemm again", () -> {
            for (boolean changeA : FLAGS) {
                for (boolean transposeA : FLAGS) {
                    for (boolean transposeB : FLAGS) {
                        Operand a = transposeA ? randomOperand(3, 4) : randomOperand(4, 3);
                        Operand b = transposeB ? randomOperand(5, 3) : randomOperand(3, 5);
                        checkGemm(1, a, transposeA, b, transposeB, 0, nanOperand(4, 5));
                        change.getValue().accept(changeA ? a.actual() : b.actual());
                        checkGemm(1, refreshed(a), transposeA, refreshed(b), transposeB, 0, nanOperand(4, 5));
                    }
                }
            }
        }));
    }

    // =====================================================================================
    // Traps that broke other libraries
    // =====================================================================================

    // A backward pass that returns the 0/1 mask instead of gradient ⊙ mask trains, but wrongly; it
    // only shows with gradients other than 1, so these are 0.5, -2, 3, ...
    @Test
    public void reluBackwardMultipliesIncomingGradientNotJustMask() {
        Operand gradient = operand(2, 4, 0.5, -2, 3, 0.25, -1.5, 4, 0.125, -8);
        Operand activation = operand(2, 4, 1, 2, -1, 0.5, 3, -0.5, 7, 1e-3);
        Operand out = nanOperand(2, 4);
        backend.activationBackward(Activation.RELU, gradient.actual(), activation.actual(), activation.actual(), out.actual());
        assertMatrixClose(backend, "reluBackward", "gradient 2×4, activation 2×4, out 2×4", 4,
                new double[] {0.5, -2, 0, 0.25, -1.5, 0, 0.125, -8}, backend.toRowMajor(out.actual()), 0.0);
    }

    // max(0, z) at z = 0 (and -0) is 0; an implementation based on z >= 0 ? z : 0 is fine, one based
    // on a sign function or a smoothed approximation is not.
    @Test
    public void reluIsZeroAtExactlyZero() {
        Operand z = operand(1, 5, 0.0, -0.0, -1, 2, 0.0);
        Operand out = nanOperand(1, 5);
        backend.activate(Activation.RELU, z.actual(), out.actual());
        assertMatrixClose(backend, "relu", "z 1×5, out 1×5", 5, new double[] {0, 0, 0, 2, 0},
                backend.toRowMajor(out.actual()), 0.0);
    }

    // The derivative at the kink is taken as 0 (activation > 0, not >= 0): a unit with output exactly 0
    // passes no gradient.
    @Test
    public void reluBackwardIsZeroAtExactlyZeroActivation() {
        Operand gradient = operand(1, 4, 5, -3, 2, 7);
        Operand activation = operand(1, 4, 0.0, -0.0, 0.0, 1);
        Operand out = nanOperand(1, 4);
        backend.activationBackward(Activation.RELU, gradient.actual(), activation.actual(), activation.actual(), out.actual());
        assertMatrixClose(backend, "reluBackward", "gradient 1×4, activation 1×4 (zeros), out 1×4", 4,
                new double[] {0, 0, 0, 7}, backend.toRowMajor(out.actual()), 0.0);
    }

    // The javadoc lets a caller that keeps only a pass it for z as well, for ReLU and leaky ReLU, whose z and a are
    // positive at the same places.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kinkedActivationGrid")
    public void reluAndLeakyReluBackwardGiveTheSameForZAndForA(Activation f, Shape s) {
        Operand gradient = randomOperand(s);
        Operand z = randomMixedSignOperand(s);
        Matrix activated = backend.zeros(s.rows(), s.cols());
        backend.activate(f, z.actual(), activated);
        Matrix fromZ = backend.zeros(s.rows(), s.cols());
        Matrix fromA = backend.zeros(s.rows(), s.cols());
        backend.activationBackward(f, gradient.actual(), z.actual(), z.actual(), fromZ);
        backend.activationBackward(f, gradient.actual(), activated, activated, fromA);
        assertMatrixClose(backend, "activationBackward (z = a = f(z) vs z = a = z)", f + ", gradient " + s + ", z = a " + s,
                s.cols(), backend.toRowMajor(fromZ), backend.toRowMajor(fromA), 0.0);
    }

    static Stream<Arguments> kinkedActivationGrid() {
        return Stream.of(Activation.RELU, Activation.LEAKY_RELU).flatMap(f -> SHAPES.stream().map(s -> arguments(f, s)));
    }

    // e^-z overflows below -709 (-88 in float) and e^z above: 1 / (1 + e^-z) survives that, but e^z / (1 + e^z) is
    // inf / inf = NaN, and so are tanh written with exponentials and GELU written with e^(2u). Every activation and
    // its derivative stay finite and right far out: sigmoid(-1000) = 0, sigmoid(1000) = 1, tanh(±1000) = ±1,
    // GELU(-30) = 0 and GELU(1000) = 1000, with derivatives 0 or 1.
    @ParameterizedTest(name = "{0}")
    @EnumSource(Activation.class)
    public void activationsAndTheirDerivativesStayFiniteAndRightForLargeInputs(Activation f) {
        double[] far = {-1000, -710, -100, -89, -30, -10, -1e-3, 0, 1e-3, 10, 30, 89, 100, 710, 1000};
        Operand z = operand(3, 5, far);
        Operand out = nanOperand(3, 5);
        String shapes = f + ", z 3×5 " + Arrays.toString(far);
        backend.activate(f, z.actual(), out.actual());
        reference.activate(f, z.expected(), out.expected());
        assertResult("activate", shapes, out, activationMagnitude(f, z.values()), activationTerms(f));
        Operand gradient = operand(3, 5, 1.5, -2, 0.5, 3, -1, 2, -0.5, 4, 1, -3, 0.25, 2, -1.5, 1, -2);
        checkActivationBackward(f, gradient, z, activated(f, z), nanOperand(3, 5));
    }

    // A backward pass that returns f'(z) alone (ReLU's mask, tanh's 1 - a²) trains, but wrongly; only gradients
    // other than 1 show it.
    @ParameterizedTest(name = "{0}")
    @EnumSource(Activation.class)
    public void activationBackwardMultipliesTheIncomingGradient(Activation f) {
        Operand gradient = operand(2, 4, 0.5, -2, 3, 0.25, -1.5, 4, 0.125, -8);
        Operand z = operand(2, 4, 1, 2, -1, 0.5, 3, -0.5, 0.7, -2);
        checkActivationBackward(f, gradient, z, activated(f, z), nanOperand(2, 4));
    }

    // Leaky ReLU's slope is PyTorch's 0.01 (other libraries use 0.1, 0.2 or 0.3, which train differently), below 0
    // and at 0 itself, where the derivative is the slope (z > 0, not z >= 0, as for ReLU): a unit whose inputs are
    // all zero has z = bias, exactly 0 at initialisation.
    @Test
    public void leakyReluHasSlopeOneHundredthBelowZeroAndAtZero() {
        Operand z = operand(1, 6, -1, -250, -0.5, 0.0, 3, 1e-3);
        Operand out = nanOperand(1, 6);
        backend.activate(Activation.LEAKY_RELU, z.actual(), out.actual());
        double[] expected = stored(-0.01, -2.5, -0.005, 0, 3, 1e-3);
        assertMatrixClose(backend, "activate", "LEAKY_RELU, z 1×6 (-1, -250, -0.5, 0, 3, 0.001)", 6, expected,
                backend.toRowMajor(out.actual()), tolerances(backend.precision(), 1, abs(expected)));
        Operand gradient = operand(1, 6, 2, -4, 8, 5, -3, 7);
        double[] expectedGradient = stored(0.02, -0.04, 0.08, 0.05, -3, 7);
        for (boolean aForBoth : FLAGS) {
            Matrix backward = backend.zeros(1, 6);
            backend.activationBackward(Activation.LEAKY_RELU, gradient.actual(), aForBoth ? out.actual() : z.actual(),
                    out.actual(), backward);
            assertMatrixClose(backend, "activationBackward", "LEAKY_RELU, gradient 1×6, z 1×6 (-1, -250, -0.5, 0, 3, 0.001)"
                    + (aForBoth ? " passed as a = f(z) for both" : ""), 6, expectedGradient, backend.toRowMajor(backward),
                    tolerances(backend.precision(), 1, abs(expectedGradient)));
        }
    }

    // The backward pass is the derivative of the forward pass: with a gradient of ones it agrees with central
    // differences (f(z + h) - f(z - h)) / 2h of the backend's own activate (relative error below 1e-6 in f64, with
    // h = 1e-6; 1e-2 in f32, with h = 1e-2), away from the kinks of ReLU and leaky ReLU.
    @ParameterizedTest(name = "{0}")
    @EnumSource(Activation.class)
    public void activationBackwardIsTheDerivativeOfActivate(Activation f) {
        boolean f64 = backend.precision() == Precision.F64;
        double h = f64 ? 1e-6 : 1e-2;
        double limit = f64 ? 1e-6 : 1e-2;
        int n = 40;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = (i % 2 == 0 ? 1 : -1) * uniform(0.1, 3); // |z| ≥ 0.1, far from the kinks for both values of h
        }
        double[] zStored = stored(z);
        double[] plus = stored(Arrays.stream(zStored).map(v -> v + h).toArray());
        double[] minus = stored(Arrays.stream(zStored).map(v -> v - h).toArray());
        double[] fPlus = activateOnBackend(f, plus);
        double[] fMinus = activateOnBackend(f, minus);
        Matrix zm = backend.fromRowMajor(1, n, zStored);
        Matrix a = backend.zeros(1, n);
        backend.activate(f, zm, a);
        double[] ones = new double[n];
        Arrays.fill(ones, 1);
        Matrix derivative = backend.zeros(1, n);
        backend.activationBackward(f, backend.fromRowMajor(1, n, ones), zm, a, derivative);
        double[] analytic = backend.toRowMajor(derivative);
        for (int i = 0; i < n; i++) {
            double numeric = (fPlus[i] - fMinus[i]) / (plus[i] - minus[i]);
            double error = Math.abs(analytic[i] - numeric) / Math.max(Math.abs(analytic[i]) + Math.abs(numeric), 1e-3);
            int at = i;
            assertTrue(error < limit, () -> where(backend, "activationBackward", f + ", z 1×" + n) + ": the derivative at z = "
                    + zStored[at] + " is " + analytic[at] + " but the central difference of activate is " + numeric
                    + " (relative error " + error + ", limit " + limit + ", h " + h + ")");
        }
    }

    private double[] activateOnBackend(Activation f, double[] z) {
        Matrix out = backend.zeros(1, z.length);
        backend.activate(f, backend.fromRowMajor(1, z.length, z), out);
        return backend.toRowMajor(out);
    }

    // exp(1000) overflows and exp(-1000) underflows: without subtracting the row maximum, softmax
    // gives NaN (inf/inf, 0/0) or a wrong distribution. Every finite row must give finite
    // probabilities summing to 1. (700, 710) overflows exp in double only; (-745, -750) is subnormal.
    // Rows whose maximum comes after a far smaller first element catch a shift by the first element
    // (or any element but the maximum), which is right whenever the first element is the largest.
    @Test
    public void softmaxRowsStaysFiniteForExtremeLogits() {
        double[][][] cases = {
            {{1000, -1000, 0}},
            {{-1000, -1000}},
            {{700, 710}},
            {{1000, -1000, 0}, {-1000, -1000, -1000}, {700, 710, 705}, {-745, -750, -1000}},
            {{0, 1000}},
            {{-1000, 0, 1000}},
            {{-800, 800, 0}, {0, -5, 900}, {3, 1000, -1000}},
            {{-1000}, {1000}},
        };
        for (double[][] rows : cases) {
            int cols = rows[0].length;
            Operand z = operand(rows.length, cols, Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray());
            checkSoftmax(z, nanOperand(rows.length, cols));
        }
    }

    // A confident wrong answer costs about 2000, which the log-sum-exp shift keeps finite; without
    // the shift it is inf or NaN and training diverges on the first bad batch.
    @Test
    public void sumNegativeLogSoftmaxOfConfidentWrongAnswerIsLargeButFinite() {
        Operand logits = operand(1, 2, 1000, -1000);
        double loss = backend.sumNegativeLogSoftmax(logits.actual(), new int[] {1});
        assertScalarClose(backend, "sumNegativeLogSoftmax", "logits 1×2 (1000, -1000), labels [1]", 2000, loss,
                eps() * 3 * 2001);
        checkSumNegativeLogSoftmax(
                operand(3, 2, 1000, -1000, -1000, 1000, -1000, -1000), new int[] {1, 0, 0});
        // the maximum after a far smaller first element: a shift by the first element overflows
        checkSumNegativeLogSoftmax(operand(3, 3, 0, 1000, -5, -1000, 0, 1000, -800, 800, 0), new int[] {0, 2, 0});
    }

    // The fused loss and gradient on the same extreme rows: finite loss, finite gradient, rows summing to 0.
    @Test
    public void softmaxCrossEntropyStaysFiniteForExtremeLogits() {
        checkSoftmaxCrossEntropy(operand(1, 3, 1000, -1000, 0), new int[] {1});
        checkSoftmaxCrossEntropy(operand(4, 3, 1000, -1000, 0, -1000, -1000, -1000, 700, 710, 705, -745, -750, -1000),
                new int[] {1, 2, 0, 0});
        checkSoftmaxCrossEntropy(operand(3, 3, 0, 1000, -5, -1000, 0, 1000, -800, 800, 0), new int[] {0, 2, 0});
    }

    // ... and a confident right answer costs about 0, not inf - inf.
    @Test
    public void sumNegativeLogSoftmaxOfConfidentRightAnswerIsNearZero() {
        Operand logits = operand(1, 2, 1000, -1000);
        double loss = backend.sumNegativeLogSoftmax(logits.actual(), new int[] {0});
        assertScalarClose(backend, "sumNegativeLogSoftmax", "logits 1×2 (1000, -1000), labels [0]", 0, loss,
                eps() * 3 * 2001);
    }

    // Every column can hold a row's maximum, the last one too (a loop bound one short shows only when
    // the maximum is there, and on a 1×n matrix never by chance): row i has its maximum in column
    // (i + shift) mod cols, for every shift.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void argmaxRowsFindsTheMaximumInEveryColumn(Shape s) {
        for (int shift = 0; shift < s.cols(); shift++) {
            double[] values = randomValues(s.rows() * s.cols(), 0); // in [-1, 1]
            int[] expected = new int[s.rows()];
            for (int i = 0; i < s.rows(); i++) {
                expected[i] = (i + shift) % s.cols();
                values[i * s.cols() + expected[i]] = 1.5;
            }
            Operand a = operand(s, values);
            int[] actual = new int[s.rows()];
            Arrays.fill(actual, -1);
            backend.argmaxRows(a.actual(), actual);
            assertIndicesEqual(backend, "argmaxRows", "a " + s + " with row i's maximum in column (i + " + shift
                    + ") mod " + s.cols(), expected, actual);
        }
    }

    // Accuracy counts must not depend on the backend: on ties the first index wins (argmax of some
    // libraries returns the last, or any).
    @Test
    public void argmaxRowsPicksFirstIndexOnTies() {
        Operand a = operand(5, 4,
                3, 5, 5, 1,
                2, 2, 2, 2,
                -1, -1, -4, -1,
                0, 7, 7, 7,
                -3, -2, -2, -2.5);
        int[] actual = new int[5];
        Arrays.fill(actual, -1);
        backend.argmaxRows(a.actual(), actual);
        assertIndicesEqual(backend, "argmaxRows", "a 5×4 with ties", new int[] {1, 0, 0, 1, 1}, actual);
    }

    // =====================================================================================
    // Allowed aliasing: same result as with separate matrices
    // =====================================================================================

    // aᵀ·a (Gram matrix) with the same handle twice must not be mistaken for forbidden aliasing.
    @ParameterizedTest(name = "a {0} transposeA={1} transposeB={2}")
    @MethodSource("gemmSameMatrixGrid")
    public void gemmAllowsAAndBToBeTheSameMatrix(Shape s, boolean transposeA, boolean transposeB) {
        Operand a = randomOperand(s);
        int m = transposeA ? s.cols() : s.rows();
        int n = transposeB ? s.rows() : s.cols();
        Operand cOld = randomOperand(m, n);
        Matrix aliased = backend.copy(cOld.actual());
        Matrix separate = backend.copy(cOld.actual());
        backend.gemm(0.5, a.actual(), transposeA, a.actual(), transposeB, -0.75, aliased);
        backend.gemm(0.5, a.actual(), transposeA, backend.copy(a.actual()), transposeB, -0.75, separate);
        Matrix magnitude = absolute(cOld);
        Matrix absA = absolute(a);
        reference.gemm(0.5, absA, transposeA, absA, transposeB, 0.75, magnitude);
        String shapes = "a " + shapeOf(a, transposeA) + ", b = a" + (transposeB ? " transposed" : "")
                + ", c " + m + "×" + n;
        assertMatrixClose(backend, "gemm (b = a, compared with b a separate copy)", shapes, n,
                backend.toRowMajor(separate), backend.toRowMajor(aliased),
                tolerances(backend.precision(), (transposeA ? s.rows() : s.cols()) + 1, reference.toRowMajor(magnitude)));
        assertUnchanged("gemm", shapes, "a", a);
    }

    // x·xᵀ with the same vector twice.
    @ParameterizedTest(name = "a {0}, x = y as {1}")
    @MethodSource("shapesAndOrientations")
    public void rankOneUpdateAllowsXAndYToBeTheSameVector(Shape s, Orientation as) {
        Operand v = randomOperand(as.of(s.rows()));
        Operand a = randomOperand(s);
        Matrix aliased = backend.copy(a.actual());
        Matrix separate = backend.copy(a.actual());
        backend.rankOneUpdate(-2, v.actual(), v.actual(), aliased);
        backend.rankOneUpdate(-2, v.actual(), backend.copy(v.actual()), separate);
        Matrix magnitude = absolute(a);
        reference.rankOneUpdate(2, absolute(v), absolute(v), magnitude);
        String shapes = "x = y " + v.shape() + ", a " + a.shape();
        assertMatrixClose(backend, "rankOneUpdate (y = x, compared with y a separate copy)", shapes, s.cols(),
                backend.toRowMajor(separate), backend.toRowMajor(aliased),
                tolerances(backend.precision(), 2, reference.toRowMajor(magnitude)));
        assertUnchanged("rankOneUpdate", shapes, "x = y", v);
    }

    // The forward pass adds the bias in place: z = x·W, then z += b.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void addRowVectorAllowsOutputToBeA(Shape s) {
        Operand a = randomOperand(s);
        Operand v = randomOperand(1, s.cols());
        Matrix separate = backend.zeros(s.rows(), s.cols());
        backend.addRowVector(a.actual(), v.actual(), separate);
        Matrix inPlace = backend.copy(a.actual());
        backend.addRowVector(inPlace, v.actual(), inPlace);
        Matrix magnitude = reference.zeros(s.rows(), s.cols());
        reference.addRowVector(absolute(a), absolute(v), magnitude);
        String shapes = "a = out " + a.shape() + ", v " + v.shape();
        assertMatrixClose(backend, "addRowVector (out = a, compared with a separate out)", shapes, s.cols(),
                backend.toRowMajor(separate), backend.toRowMajor(inPlace),
                tolerances(backend.precision(), 1, reference.toRowMajor(magnitude)));
        assertUnchanged("addRowVector", shapes, "v", v);
    }

    // A layer that does not keep z applies its activation in place.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("activationGrid")
    public void activateAllowsOutputToBeZ(Activation f, Shape s) {
        Operand z = operand(s, activationInputs(s.rows() * s.cols()));
        Matrix separate = backend.zeros(s.rows(), s.cols());
        backend.activate(f, z.actual(), separate);
        Matrix inPlace = backend.copy(z.actual());
        backend.activate(f, inPlace, inPlace);
        assertMatrixClose(backend, "activate (out = z, compared with a separate out)", f + ", z = out " + s, s.cols(),
                backend.toRowMajor(separate), backend.toRowMajor(inPlace),
                tolerances(backend.precision(), activationTerms(f), activationMagnitude(f, z.values())));
    }

    // The network writes dL/dz over dL/da (out = gradient) and, for ReLU, passes a as z too (z = a); any of the
    // inputs may be the same matrix. Each must give what separate matrices with the same values give.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("activationGrid")
    public void activationBackwardAllowsOutToBeTheGradientAndZToBeA(Activation f, Shape s) {
        Operand g = randomMixedSignOperand(s);
        Operand z = operand(s, activationInputs(s.rows() * s.cols()));
        Operand a = activated(f, z);
        String shapes = f + ", gradient " + s + ", z " + s + ", a " + s + ", out " + s;

        Matrix separate = backend.zeros(s.rows(), s.cols());
        backend.activationBackward(f, g.actual(), z.actual(), a.actual(), separate);
        Matrix outIsGradient = backend.copy(g.actual());
        backend.activationBackward(f, outIsGradient, z.actual(), a.actual(), outIsGradient);
        assertSameResult(f, "out = gradient", shapes, s, separate, outIsGradient, g, z, a);

        // z = a: the values of a read for both, from one matrix or from two
        Matrix fromCopies = backend.zeros(s.rows(), s.cols());
        backend.activationBackward(f, g.actual(), a.actual(), backend.copy(a.actual()), fromCopies);
        Matrix zIsA = backend.zeros(s.rows(), s.cols());
        backend.activationBackward(f, g.actual(), a.actual(), a.actual(), zIsA);
        assertSameResult(f, "z = a", shapes, s, fromCopies, zIsA, g, a, a);
        Matrix both = backend.copy(g.actual());
        backend.activationBackward(f, both, a.actual(), a.actual(), both);
        assertSameResult(f, "out = gradient and z = a", shapes, s, fromCopies, both, g, a, a);

        // gradient = z = a
        Matrix gradientCopies = backend.zeros(s.rows(), s.cols());
        backend.activationBackward(f, g.actual(), backend.copy(g.actual()), backend.copy(g.actual()), gradientCopies);
        Matrix allOne = backend.zeros(s.rows(), s.cols());
        backend.activationBackward(f, g.actual(), g.actual(), g.actual(), allOne);
        assertSameResult(f, "gradient = z = a", shapes, s, gradientCopies, allOne, g, g, g);
        assertUnchanged("activationBackward", shapes, "gradient", g);
        assertUnchanged("activationBackward", shapes, "z", z);
        assertUnchanged("activationBackward", shapes, "a", a);
    }

    /** Aliased and separate calls agree within the tolerance of the values they read. */
    private void assertSameResult(Activation f, String aliasing, String shapes, Shape s, Matrix separate, Matrix aliased,
            Operand gradient, Operand z, Operand a) {
        assertMatrixClose(backend, "activationBackward (" + aliasing + ", compared with separate matrices)", shapes,
                s.cols(), backend.toRowMajor(separate), backend.toRowMajor(aliased), tolerances(backend.precision(),
                        activationTerms(f), derivativeMagnitude(f, gradient.values(), z.values(), a.values())));
    }

    // Dropout multiplies in place: the activations (out = a) and their gradients (out = a, or the mask's
    // matrix itself, out = b); a = b squares.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void multiplyElementsAllowsOutputToBeAOrBAndAToBeB(Shape s) {
        Operand a = randomMixedSignOperand(s);
        Operand b = randomOperand(s);
        String shapes = "a " + s + ", b " + s + ", out " + s;
        double[] product = new double[a.values().length];
        double[] square = new double[a.values().length];
        for (int i = 0; i < product.length; i++) {
            product[i] = Math.abs(a.values()[i] * b.values()[i]);
            square[i] = a.values()[i] * a.values()[i];
        }
        double[] productTolerance = tolerances(backend.precision(), 1, product);
        double[] squareTolerance = tolerances(backend.precision(), 1, square);
        Matrix separate = backend.zeros(s.rows(), s.cols());
        backend.multiplyElements(a.actual(), b.actual(), separate);
        Matrix outIsA = backend.copy(a.actual());
        backend.multiplyElements(outIsA, b.actual(), outIsA);
        assertMatrixClose(backend, "multiplyElements (out = a, compared with a separate out)", shapes, s.cols(),
                backend.toRowMajor(separate), backend.toRowMajor(outIsA), productTolerance);
        Matrix outIsB = backend.copy(b.actual());
        backend.multiplyElements(a.actual(), outIsB, outIsB);
        assertMatrixClose(backend, "multiplyElements (out = b, compared with a separate out)", shapes, s.cols(),
                backend.toRowMajor(separate), backend.toRowMajor(outIsB), productTolerance);
        Matrix squared = backend.zeros(s.rows(), s.cols());
        backend.multiplyElements(a.actual(), backend.copy(a.actual()), squared);
        Matrix aIsB = backend.zeros(s.rows(), s.cols());
        backend.multiplyElements(a.actual(), a.actual(), aIsB);
        assertMatrixClose(backend, "multiplyElements (b = a, compared with b a separate copy)", shapes, s.cols(),
                backend.toRowMajor(squared), backend.toRowMajor(aIsB), squareTolerance);
        Matrix allOne = backend.copy(a.actual());
        backend.multiplyElements(allOne, allOne, allOne);
        assertMatrixClose(backend, "multiplyElements (out = a = b, compared with separate matrices)", shapes, s.cols(),
                backend.toRowMajor(squared), backend.toRowMajor(allOne), squareTolerance);
        assertUnchanged("multiplyElements", shapes, "a", a);
        assertUnchanged("multiplyElements", shapes, "b", b);
    }

    // The output layer turns logits into probabilities in place; the row must be read before it is
    // overwritten.
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    public void softmaxRowsAllowsOutputToBeZ(Shape s) {
        Operand z = randomOperand(s);
        Matrix separate = backend.zeros(s.rows(), s.cols());
        backend.softmaxRows(z.actual(), separate);
        Matrix inPlace = backend.copy(z.actual());
        backend.softmaxRows(inPlace, inPlace);
        assertMatrixClose(backend, "softmaxRows (out = z, compared with a separate out)", "z = out " + s, s.cols(),
                backend.toRowMajor(separate), backend.toRowMajor(inPlace), eps() * (s.cols() + 2));
    }

    // y += alpha * y is (1 + alpha) * y; a backend must not, e.g., zero y before reading x.
    @ParameterizedTest(name = "{0} alpha={1}")
    @MethodSource("shapesAndAlphas")
    public void axpyAllowsXToBeY(Shape s, double alpha) {
        Operand y = randomOperand(s);
        Matrix separate = backend.copy(y.actual());
        backend.axpy(alpha, backend.copy(y.actual()), separate);
        Matrix aliased = backend.copy(y.actual());
        backend.axpy(alpha, aliased, aliased);
        Matrix magnitude = absolute(y);
        reference.scale(1 + Math.abs(alpha), magnitude);
        assertMatrixClose(backend, "axpy (x = y, compared with x a separate copy)", "x = y " + s + ", alpha=" + alpha,
                s.cols(), backend.toRowMajor(separate), backend.toRowMajor(aliased),
                tolerances(backend.precision(), 2, reference.toRowMajor(magnitude)));
    }

    // =====================================================================================
    // Forbidden aliasing: IllegalArgumentException, nothing modified
    // =====================================================================================

    // A product written over one of its factors corrupts the factor while it is still being read.
    @Test
    public void gemmRejectsOutputAliasingA() {
        Operand a = randomOperand(3, 3);
        Operand b = randomOperand(3, 3);
        assertRejected("gemm", "c = a 3×3, b 3×3", () -> backend.gemm(1, a.actual(), false, b.actual(), false, 0, a.actual()));
        assertUnchanged("gemm (rejected)", "c = a 3×3, b 3×3", "a", a);
    }

    @Test
    public void gemmRejectsOutputAliasingB() {
        Operand a = randomOperand(3, 3);
        Operand b = randomOperand(3, 3);
        assertRejected("gemm", "a 3×3, c = b 3×3", () -> backend.gemm(1, a.actual(), true, b.actual(), false, 1, b.actual()));
        assertUnchanged("gemm (rejected)", "a 3×3, c = b 3×3", "b", b);
    }

    @Test
    public void rankOneUpdateRejectsOutputAliasingX() {
        Operand a = randomOperand(4, 1);
        Operand y = randomOperand(1, 1);
        assertRejected("rankOneUpdate", "x = a 4×1, y 1×1", () -> backend.rankOneUpdate(1, a.actual(), y.actual(), a.actual()));
        assertUnchanged("rankOneUpdate (rejected)", "x = a 4×1, y 1×1", "a", a);
    }

    @Test
    public void rankOneUpdateRejectsOutputAliasingY() {
        Operand a = randomOperand(1, 4);
        Operand x = randomOperand(1, 1);
        assertRejected("rankOneUpdate", "x 1×1, y = a 1×4", () -> backend.rankOneUpdate(1, x.actual(), a.actual(), a.actual()));
        assertUnchanged("rankOneUpdate (rejected)", "x 1×1, y = a 1×4", "a", a);
    }

    // Adding v to every row while overwriting v changes what later rows receive.
    @Test
    public void addRowVectorRejectsOutputAliasingVector() {
        Operand a = randomOperand(1, 4);
        Operand v = randomOperand(1, 4);
        assertRejected("addRowVector", "a 1×4, out = v 1×4", () -> backend.addRowVector(a.actual(), v.actual(), v.actual()));
        assertUnchanged("addRowVector (rejected)", "a 1×4, out = v 1×4", "v", v);
    }

    // Writing the layer's output over its input (or its weights) would read overwritten values.
    @Test
    public void affineRejectsOutputAliasingAnInput() {
        Operand x = randomOperand(3, 3);
        Operand w = randomOperand(3, 3);
        Operand bias = randomOperand(1, 3);
        assertRejected("affine", "out = x 3×3", () -> backend.affine(x.actual(), w.actual(), bias.actual(), Activation.RELU, x.actual()));
        assertRejected("affine", "out = w 3×3", () -> backend.affine(x.actual(), w.actual(), bias.actual(), Activation.RELU, w.actual()));
        Operand row = randomOperand(1, 3);
        Operand square = randomOperand(3, 3);
        assertRejected("affine", "out = bias 1×3",
                () -> backend.affine(randomOperand(1, 3).actual(), square.actual(), row.actual(), Activation.IDENTITY, row.actual()));
        assertUnchanged("affine (rejected)", "out = x 3×3", "x", x);
        assertUnchanged("affine (rejected)", "out = w 3×3", "w", w);
        assertUnchanged("affine (rejected)", "out = bias 1×3", "bias", row);
    }

    @Test
    public void softmaxCrossEntropyRejectsGradientAliasingLogits() {
        Operand logits = randomOperand(2, 4);
        assertRejected("softmaxCrossEntropy", "gradient = logits 2×4",
                () -> backend.softmaxCrossEntropy(logits.actual(), new int[] {0, 3}, logits.actual()));
        assertUnchanged("softmaxCrossEntropy (rejected)", "gradient = logits 2×4", "logits", logits);
    }

    @Test
    public void columnSumsRejectsOutputAliasingInput() {
        Operand a = randomOperand(1, 4);
        assertRejected("columnSums", "out = a 1×4", () -> backend.columnSums(1, a.actual(), 0, a.actual()));
        assertUnchanged("columnSums (rejected)", "out = a 1×4", "a", a);
    }

    // out = z or out = a would overwrite what the derivative is still read from (GELU's z, tanh's a) in a backend
    // that does not go element by element.
    @ParameterizedTest(name = "{0}")
    @EnumSource(Activation.class)
    public void activationBackwardRejectsOutputAliasingZOrA(Activation f) {
        Operand g = randomOperand(3, 3);
        Operand z = operand(3, 3, activationInputs(9));
        Operand a = activated(f, z);
        assertRejected("activationBackward", f + ", out = z 3×3", () -> backend.activationBackward(f, g.actual(), z.actual(),
                a.actual(), z.actual()));
        assertRejected("activationBackward", f + ", out = a 3×3", () -> backend.activationBackward(f, g.actual(), z.actual(),
                a.actual(), a.actual()));
        assertRejected("activationBackward", f + ", out = z = a 3×3", () -> backend.activationBackward(f, g.actual(),
                a.actual(), a.actual(), a.actual()));
        assertUnchanged("activationBackward (rejected)", f + ", out = z or a 3×3", "gradient", g);
        assertUnchanged("activationBackward (rejected)", f + ", out = z or a 3×3", "z", z);
        assertUnchanged("activationBackward (rejected)", f + ", out = z or a 3×3", "a", a);
    }

    /** The same matrix as two arguments of an optimizer step: {@code call} gets it, then a fresh one. */
    private DynamicTest rejectsTwice(String name, BiConsumer<Matrix, Supplier<Matrix>> call) {
        return rejects(name, () -> call.accept(mine(3, 4), () -> mine(3, 4)));
    }

    // Parameter, gradient and state are separate tensors: the same matrix twice would read values the step has
    // already overwritten. Refused, and nothing changes.
    @TestFactory
    public Stream<DynamicTest> optimizerStepsRejectTheSameMatrixTwice() {
        SgdUpdate momentum = SGD_SETTINGS.get(3);
        SgdUpdate plain = SGD_SETTINGS.get(0);
        AdamUpdate adam = ADAM_SETTINGS.get(1);
        RmsPropUpdate rmsProp = RMS_PROP_SETTINGS.get(2);
        return Stream.of(
                rejectsTwice("sgdStep gradient = velocity", (m, fresh) -> backend.sgdStep(momentum, m, m, fresh.get())),
                rejectsTwice("sgdStep gradient = parameter", (m, fresh) -> backend.sgdStep(momentum, m, fresh.get(), m)),
                rejectsTwice("sgdStep velocity = parameter", (m, fresh) -> backend.sgdStep(momentum, fresh.get(), m, m)),
                rejectsTwice("sgdStep without momentum, gradient = parameter", (m, fresh) -> backend.sgdStep(plain, m, null, m)),
                rejectsTwice("adamStep gradient = firstMoment",
                        (m, fresh) -> backend.adamStep(adam, m, m, fresh.get(), fresh.get())),
                rejectsTwice("adamStep gradient = secondMoment",
                        (m, fresh) -> backend.adamStep(adam, m, fresh.get(), m, fresh.get())),
                rejectsTwice("adamStep gradient = parameter",
                        (m, fresh) -> backend.adamStep(adam, m, fresh.get(), fresh.get(), m)),
                rejectsTwice("adamStep firstMoment = secondMoment",
                        (m, fresh) -> backend.adamStep(adam, fresh.get(), m, m, fresh.get())),
                rejectsTwice("adamStep firstMoment = parameter",
                        (m, fresh) -> backend.adamStep(adam, fresh.get(), m, fresh.get(), m)),
                rejectsTwice("adamStep secondMoment = parameter",
                        (m, fresh) -> backend.adamStep(adam, fresh.get(), fresh.get(), m, m)),
                rejectsTwice("rmsPropStep gradient = meanSquare", (m, fresh) -> backend.rmsPropStep(rmsProp, m, m, fresh.get())),
                rejectsTwice("rmsPropStep gradient = parameter", (m, fresh) -> backend.rmsPropStep(rmsProp, m, fresh.get(), m)),
                rejectsTwice("rmsPropStep meanSquare = parameter",
                        (m, fresh) -> backend.rmsPropStep(rmsProp, fresh.get(), m, m)));
    }

    // =====================================================================================
    // Shape and index checks: IllegalArgumentException naming both shapes
    // =====================================================================================

    /** The matrices {@link #mine} created for the call under test, which a rejected call must leave unchanged. */
    private final List<Operand> arguments = new ArrayList<>();

    private Matrix mine(int rows, int cols) {
        Operand argument = randomOperand(rows, cols);
        arguments.add(argument);
        return argument.actual();
    }

    /** The call is rejected with IllegalArgumentException naming every one of {@code mentions}, and changes nothing. */
    private DynamicTest rejects(String name, Executable call, String... mentions) {
        return dynamicTest(name, () -> {
            arguments.clear();
            String shapes = String.join(", ", mentions);
            assertRejected(name, shapes, call, mentions);
            for (int i = 0; i < arguments.size(); i++) {
                assertUnchanged(name + " (rejected)", shapes, "argument " + (i + 1) + " of " + arguments.size(),
                        arguments.get(i));
            }
        });
    }

    // A shape mismatch caught early, with both shapes in the message, saves an hour of debugging a
    // silently broadcast or truncated result.
    @TestFactory
    public Stream<DynamicTest> shapeMismatchIsRejectedNamingBothShapes() {
        return Stream.of(
                rejects("gemm inner dimensions", () -> backend.gemm(1, mine(3, 4), false, mine(5, 6), false, 0, mine(3, 6)),
                        "3×4", "5×6"),
                rejects("gemm inner dimensions with a transposed",
                        () -> backend.gemm(1, mine(4, 3), true, mine(5, 6), false, 0, mine(3, 6)), "4×3", "5×6"),
                rejects("gemm inner dimensions with b transposed",
                        () -> backend.gemm(1, mine(3, 4), false, mine(5, 6), true, 0, mine(3, 5)), "3×4", "5×6"),
                rejects("gemm output", () -> backend.gemm(1, mine(3, 4), false, mine(4, 5), false, 0, mine(3, 6)),
                        "3×6", "3×5"),
                rejects("gemm output not transposed", () -> backend.gemm(1, mine(3, 4), false, mine(4, 5), false, 0, mine(5, 3)),
                        "5×3", "3×5"),
                rejects("rankOneUpdate x", () -> backend.rankOneUpdate(1, mine(5, 1), mine(1, 4), mine(3, 4)), "3×4", "5×1"),
                rejects("rankOneUpdate y", () -> backend.rankOneUpdate(1, mine(3, 1), mine(1, 5), mine(3, 4)), "3×4", "1×5"),
                rejects("rankOneUpdate x not a vector",
                        () -> backend.rankOneUpdate(1, mine(3, 2), mine(1, 4), mine(3, 4)), "3×4", "3×2"),
                rejects("rankOneUpdate x a 2×2 matrix of a.rows() elements",
                        () -> backend.rankOneUpdate(1, mine(2, 2), mine(1, 3), mine(4, 3)), "4×3", "2×2"),
                rejects("rankOneUpdate y a 2×2 matrix of a.cols() elements",
                        () -> backend.rankOneUpdate(1, mine(3, 1), mine(2, 2), mine(3, 4)), "3×4", "2×2"),
                rejects("affine inner dimensions", () -> backend.affine(mine(3, 4), mine(5, 6), mine(1, 6), Activation.RELU, mine(3, 6)),
                        "3×4", "5×6"),
                rejects("affine bias", () -> backend.affine(mine(3, 4), mine(4, 6), mine(1, 5), Activation.RELU, mine(3, 6)),
                        "4×6", "1×5"),
                rejects("affine bias as a column", () -> backend.affine(mine(3, 4), mine(4, 6), mine(6, 1), Activation.IDENTITY, mine(3, 6)),
                        "4×6", "6×1"),
                rejects("affine out", () -> backend.affine(mine(3, 4), mine(4, 6), mine(1, 6), Activation.IDENTITY, mine(6, 3)),
                        "6×3", "3×6"),
                rejects("softmaxCrossEntropy gradient",
                        () -> backend.softmaxCrossEntropy(mine(3, 4), new int[3], mine(3, 5)), "3×4", "3×5"),
                rejects("addRowVector v", () -> backend.addRowVector(mine(3, 4), mine(1, 5), mine(3, 4)), "3×4", "1×5"),
                rejects("addRowVector v as a column", () -> backend.addRowVector(mine(3, 4), mine(4, 1), mine(3, 4)),
                        "3×4", "4×1"),
                rejects("addRowVector out", () -> backend.addRowVector(mine(3, 4), mine(1, 4), mine(4, 3)), "3×4", "4×3"),
                rejects("relu out", () -> backend.activate(Activation.RELU, mine(3, 4), mine(4, 3)), "3×4", "4×3"),
                rejects("reluBackward activation", () -> {
                    Matrix activation = mine(3, 5); // passed for z and a, as the network does for ReLU
                    backend.activationBackward(Activation.RELU, mine(3, 4), activation, activation, mine(3, 4));
                }, "3×4", "3×5"),
                rejects("reluBackward out", () -> {
                    Matrix activation = mine(3, 4);
                    backend.activationBackward(Activation.RELU, mine(3, 4), activation, activation, mine(2, 4));
                }, "3×4", "2×4"),
                rejects("reluBackward out transposed", () -> {
                    Matrix activation = mine(3, 4);
                    backend.activationBackward(Activation.RELU, mine(3, 4), activation, activation, mine(4, 3));
                }, "3×4", "4×3"),
                rejects("reluBackward activation transposed", () -> {
                    Matrix activation = mine(4, 3);
                    backend.activationBackward(Activation.RELU, mine(3, 4), activation, activation, mine(3, 4));
                }, "3×4", "4×3"),
                rejects("softmaxRows out", () -> backend.softmaxRows(mine(3, 4), mine(3, 5)), "3×4", "3×5"),
                rejects("softmaxRows out transposed", () -> backend.softmaxRows(mine(3, 4), mine(4, 3)), "3×4", "4×3"),
                rejects("columnSums out", () -> backend.columnSums(1, mine(3, 4), 0, mine(1, 5)), "3×4", "1×5"),
                rejects("columnSums out not a row", () -> backend.columnSums(1, mine(3, 4), 0, mine(4, 1)), "3×4", "4×1"),
                rejects("axpy", () -> backend.axpy(1, mine(3, 4), mine(4, 3)), "3×4", "4×3"),
                rejects("axpy other shape", () -> backend.axpy(1, mine(3, 4), mine(3, 5)), "3×4", "3×5"),
                rejects("columnSums out with the rows' count", () -> backend.columnSums(1, mine(3, 4), 0, mine(1, 3)),
                        "3×4", "1×3"),
                rejects("affine out transposed", () -> backend.affine(mine(2, 4), mine(4, 3), mine(1, 3), Activation.RELU, mine(3, 2)),
                        "3×2", "2×3"),
                rejects("softmaxCrossEntropy gradient transposed",
                        () -> backend.softmaxCrossEntropy(mine(3, 4), new int[3], mine(4, 3)), "3×4", "4×3"),
                rejects("activate TANH out", () -> backend.activate(Activation.TANH, mine(3, 4), mine(4, 3)), "3×4", "4×3"),
                rejects("activate GELU out of the same count",
                        () -> backend.activate(Activation.GELU, mine(3, 4), mine(2, 6)), "3×4", "2×6"),
                rejects("activationBackward TANH z", () -> backend.activationBackward(Activation.TANH, mine(3, 4), mine(3, 5),
                        mine(3, 4), mine(3, 4)), "3×4", "3×5"),
                rejects("activationBackward SIGMOID a", () -> backend.activationBackward(Activation.SIGMOID, mine(3, 4),
                        mine(3, 4), mine(4, 3), mine(3, 4)), "3×4", "4×3"),
                rejects("activationBackward GELU out", () -> backend.activationBackward(Activation.GELU, mine(3, 4),
                        mine(3, 4), mine(3, 4), mine(2, 4)), "3×4", "2×4"),
                rejects("activationBackward LEAKY_RELU z and a", () -> backend.activationBackward(Activation.LEAKY_RELU,
                        mine(3, 4), mine(2, 6), mine(2, 6), mine(3, 4)), "3×4", "2×6"),
                rejects("multiplyElements b", () -> backend.multiplyElements(mine(3, 4), mine(4, 3), mine(3, 4)), "3×4", "4×3"),
                rejects("multiplyElements b of the same count",
                        () -> backend.multiplyElements(mine(3, 4), mine(2, 6), mine(3, 4)), "3×4", "2×6"),
                rejects("multiplyElements out", () -> backend.multiplyElements(mine(3, 4), mine(3, 4), mine(3, 5)), "3×4", "3×5"),
                rejects("sgdStep velocity", () -> backend.sgdStep(SGD_SETTINGS.get(2), mine(3, 4), mine(4, 3), mine(3, 4)),
                        "3×4", "4×3"),
                rejects("sgdStep parameter", () -> backend.sgdStep(SGD_SETTINGS.get(2), mine(3, 4), mine(3, 4), mine(3, 5)),
                        "3×4", "3×5"),
                rejects("sgdStep parameter without momentum",
                        () -> backend.sgdStep(SGD_SETTINGS.get(1), mine(3, 4), null, mine(2, 6)), "3×4", "2×6"),
                rejects("adamStep firstMoment", () -> backend.adamStep(ADAM_SETTINGS.get(0), mine(3, 4), mine(4, 3),
                        mine(3, 4), mine(3, 4)), "3×4", "4×3"),
                rejects("adamStep secondMoment", () -> backend.adamStep(ADAM_SETTINGS.get(0), mine(3, 4), mine(3, 4),
                        mine(3, 5), mine(3, 4)), "3×4", "3×5"),
                rejects("adamStep parameter of the same count", () -> backend.adamStep(ADAM_SETTINGS.get(3), mine(3, 4),
                        mine(3, 4), mine(3, 4), mine(1, 12)), "3×4", "1×12"),
                rejects("rmsPropStep meanSquare", () -> backend.rmsPropStep(RMS_PROP_SETTINGS.get(0), mine(3, 4), mine(4, 3),
                        mine(3, 4)), "3×4", "4×3"),
                rejects("rmsPropStep parameter", () -> backend.rmsPropStep(RMS_PROP_SETTINGS.get(2), mine(3, 4), mine(3, 4),
                        mine(2, 6)), "3×4", "2×6"));
    }

    // Arrays crossing the API must have exactly one entry per element (or per row): longer is as wrong as
    // shorter (a longer array means the caller has the shape wrong).
    @TestFactory
    public Stream<DynamicTest> arrayLengthMismatchIsRejectedNamingShapeAndLength() {
        return Stream.of(
                rejects("fromRowMajor shorter", () -> backend.fromRowMajor(3, 4, new double[11]), "3×4", "11"),
                rejects("fromRowMajor longer", () -> backend.fromRowMajor(3, 4, new double[13]), "3×4", "13"),
                rejects("fromRowMajor 65536×65536 (rows × cols overflows an int)",
                        () -> backend.fromRowMajor(65536, 65536, new double[0]), "65536×65536", "0"),
                rejects("setRowMajor shorter", () -> backend.setRowMajor(mine(3, 4), new double[11]), "3×4", "11"),
                rejects("setRowMajor longer", () -> backend.setRowMajor(mine(3, 4), new double[13]), "3×4", "13"),
                rejects("toRowMajor shorter", () -> backend.toRowMajor(mine(3, 4), new double[11]), "3×4", "11"),
                rejects("toRowMajor longer", () -> backend.toRowMajor(mine(3, 4), new double[13]), "3×4", "13"),
                rejects("argmaxRows shorter", () -> backend.argmaxRows(mine(3, 4), new int[2]), "3×4", "2"),
                rejects("argmaxRows longer", () -> backend.argmaxRows(mine(3, 4), new int[5]), "3×4", "5"),
                rejects("sumNegativeLogSoftmax labels shorter",
                        () -> backend.sumNegativeLogSoftmax(mine(3, 4), new int[] {0, 1}), "3×4", "2"),
                rejects("sumNegativeLogSoftmax labels longer",
                        () -> backend.sumNegativeLogSoftmax(mine(3, 4), new int[] {0, 1, 2, 3}), "3×4", "4"),
                rejects("addAtColumns columns shorter", () -> backend.addAtColumns(mine(3, 4), new int[2], -1), "3×4", "2"),
                rejects("addAtColumns columns longer", () -> backend.addAtColumns(mine(3, 4), new int[5], -1), "3×4", "5"),
                rejects("softmaxCrossEntropy labels shorter",
                        () -> backend.softmaxCrossEntropy(mine(3, 4), new int[] {0, 1}, mine(3, 4)), "3×4", "2"),
                rejects("softmaxCrossEntropy labels longer",
                        () -> backend.softmaxCrossEntropy(mine(3, 4), new int[] {0, 1, 2, 3}, mine(3, 4)), "3×4", "4"));
    }

    /** The call throws NullPointerException whose message names {@code argument}, and changes nothing. */
    private DynamicTest rejectsNull(String operation, String argument, Executable call) {
        return dynamicTest(operation + " " + argument, () -> {
            arguments.clear();
            NullPointerException e = assertThrows(NullPointerException.class, call, () -> where(backend, operation,
                    argument + " = null") + " must throw NullPointerException");
            assertTrue(String.valueOf(e.getMessage()).contains(argument), () -> where(backend, operation, argument
                    + " = null") + ": the message should name the argument '" + argument + "' but is: " + e.getMessage());
            for (Operand given : arguments) {
                assertUnchanged(operation + " (rejected)", argument + " = null", given.shape(), given);
            }
        });
    }

    // A null where a matrix or an array belongs is a NullPointerException naming the argument, thrown
    // before anything is written (LinearAlgebra's conventions).
    @TestFactory
    public Stream<DynamicTest> nullArgumentIsRejectedNamingIt() {
        return Stream.of(
                rejectsNull("fromRowMajor", "data", () -> backend.fromRowMajor(2, 3, null)),
                rejectsNull("copy", "source", () -> backend.copy(null)),
                rejectsNull("setRowMajor", "destination", () -> backend.setRowMajor(null, new double[6])),
                rejectsNull("setRowMajor", "data", () -> backend.setRowMajor(mine(2, 3), null)),
                rejectsNull("toRowMajor", "source", () -> backend.toRowMajor(null, new double[6])),
                rejectsNull("toRowMajor", "destination", () -> backend.toRowMajor(mine(2, 3), null)),
                rejectsNull("gemm", "a", () -> backend.gemm(1, null, false, mine(3, 2), false, 0, mine(2, 2))),
                rejectsNull("gemm", "b", () -> backend.gemm(1, mine(2, 3), false, null, false, 0, mine(2, 2))),
                rejectsNull("gemm", "c", () -> backend.gemm(1, mine(2, 3), false, mine(3, 2), false, 0, null)),
                rejectsNull("rankOneUpdate", "x", () -> backend.rankOneUpdate(1, null, mine(1, 3), mine(2, 3))),
                rejectsNull("rankOneUpdate", "y", () -> backend.rankOneUpdate(1, mine(2, 1), null, mine(2, 3))),
                rejectsNull("rankOneUpdate", "a", () -> backend.rankOneUpdate(1, mine(2, 1), mine(1, 3), null)),
                rejectsNull("affine", "x", () -> backend.affine(null, mine(3, 2), mine(1, 2), Activation.RELU, mine(2, 2))),
                rejectsNull("affine", "w", () -> backend.affine(mine(2, 3), null, mine(1, 2), Activation.RELU, mine(2, 2))),
                rejectsNull("affine", "bias", () -> backend.affine(mine(2, 3), mine(3, 2), null, Activation.RELU, mine(2, 2))),
                rejectsNull("affine", "out", () -> backend.affine(mine(2, 3), mine(3, 2), mine(1, 2), Activation.RELU, null)),
                rejectsNull("softmaxCrossEntropy", "logits", () -> backend.softmaxCrossEntropy(null, new int[2], mine(2, 3))),
                rejectsNull("softmaxCrossEntropy", "labels", () -> backend.softmaxCrossEntropy(mine(2, 3), null, mine(2, 3))),
                rejectsNull("softmaxCrossEntropy", "gradient", () -> backend.softmaxCrossEntropy(mine(2, 3), new int[2], null)),
                rejectsNull("addRowVector", "a", () -> backend.addRowVector(null, mine(1, 3), mine(2, 3))),
                rejectsNull("addRowVector", "v", () -> backend.addRowVector(mine(2, 3), null, mine(2, 3))),
                rejectsNull("addRowVector", "out", () -> backend.addRowVector(mine(2, 3), mine(1, 3), null)),
                rejectsNull("relu", "z", () -> backend.activate(Activation.RELU, null, mine(2, 3))),
                rejectsNull("relu", "out", () -> backend.activate(Activation.RELU, mine(2, 3), null)),
                rejectsNull("reluBackward", "gradient", () -> backend.activationBackward(Activation.RELU, null, mine(2, 3), mine(2, 3), mine(2, 3))),
                rejectsNull("reluBackward", "activation", () -> backend.activationBackward(Activation.RELU, mine(2, 3), null, null, mine(2, 3))),
                rejectsNull("reluBackward", "out", () -> backend.activationBackward(Activation.RELU, mine(2, 3), mine(2, 3), mine(2, 3), null)),
                rejectsNull("softmaxRows", "z", () -> backend.softmaxRows(null, mine(2, 3))),
                rejectsNull("softmaxRows", "out", () -> backend.softmaxRows(mine(2, 3), null)),
                rejectsNull("sumNegativeLogSoftmax", "logits", () -> backend.sumNegativeLogSoftmax(null, new int[2])),
                rejectsNull("sumNegativeLogSoftmax", "labels", () -> backend.sumNegativeLogSoftmax(mine(2, 3), null)),
                rejectsNull("addAtColumns", "a", () -> backend.addAtColumns(null, new int[2], -1)),
                rejectsNull("addAtColumns", "columns", () -> backend.addAtColumns(mine(2, 3), null, -1)),
                rejectsNull("columnSums", "a", () -> backend.columnSums(1, null, 0, mine(1, 3))),
                rejectsNull("columnSums", "out", () -> backend.columnSums(1, mine(2, 3), 0, null)),
                rejectsNull("axpy", "x", () -> backend.axpy(1, null, mine(2, 3))),
                rejectsNull("axpy", "y", () -> backend.axpy(1, mine(2, 3), null)),
                rejectsNull("scale", "a", () -> backend.scale(2, null)),
                rejectsNull("fill", "a", () -> backend.fill(null, 1)),
                rejectsNull("argmaxRows", "a", () -> backend.argmaxRows(null, new int[2])),
                rejectsNull("argmaxRows", "out", () -> backend.argmaxRows(mine(2, 3), null)),
                rejectsNull("affine", "activation", () -> backend.affine(mine(2, 3), mine(3, 2), mine(1, 2), null, mine(2, 2))),
                rejectsNull("activate", "activation", () -> backend.activate(null, mine(2, 3), mine(2, 3))),
                rejectsNull("activate TANH", "z", () -> backend.activate(Activation.TANH, null, mine(2, 3))),
                rejectsNull("activate SIGMOID", "out", () -> backend.activate(Activation.SIGMOID, mine(2, 3), null)),
                rejectsNull("activationBackward", "activation",
                        () -> backend.activationBackward(null, mine(2, 3), mine(2, 3), mine(2, 3), mine(2, 3))),
                rejectsNull("activationBackward GELU", "gradient",
                        () -> backend.activationBackward(Activation.GELU, null, mine(2, 3), mine(2, 3), mine(2, 3))),
                rejectsNull("activationBackward GELU", "z",
                        () -> backend.activationBackward(Activation.GELU, mine(2, 3), null, mine(2, 3), mine(2, 3))),
                rejectsNull("activationBackward TANH", "a",
                        () -> backend.activationBackward(Activation.TANH, mine(2, 3), mine(2, 3), null, mine(2, 3))),
                rejectsNull("activationBackward SIGMOID", "out",
                        () -> backend.activationBackward(Activation.SIGMOID, mine(2, 3), mine(2, 3), mine(2, 3), null)),
                rejectsNull("multiplyElements", "a", () -> backend.multiplyElements(null, mine(2, 3), mine(2, 3))),
                rejectsNull("multiplyElements", "b", () -> backend.multiplyElements(mine(2, 3), null, mine(2, 3))),
                rejectsNull("multiplyElements", "out", () -> backend.multiplyElements(mine(2, 3), mine(2, 3), null)),
                rejectsNull("sgdStep", "step", () -> backend.sgdStep(null, mine(2, 3), mine(2, 3), mine(2, 3))),
                rejectsNull("sgdStep", "gradient", () -> backend.sgdStep(SGD_SETTINGS.get(2), null, mine(2, 3), mine(2, 3))),
                rejectsNull("sgdStep with momentum", "velocity",
                        () -> backend.sgdStep(SGD_SETTINGS.get(2), mine(2, 3), null, mine(2, 3))),
                rejectsNull("sgdStep", "parameter", () -> backend.sgdStep(SGD_SETTINGS.get(2), mine(2, 3), mine(2, 3), null)),
                rejectsNull("adamStep", "step", () -> backend.adamStep(null, mine(2, 3), mine(2, 3), mine(2, 3), mine(2, 3))),
                rejectsNull("adamStep", "gradient",
                        () -> backend.adamStep(ADAM_SETTINGS.get(0), null, mine(2, 3), mine(2, 3), mine(2, 3))),
                rejectsNull("adamStep", "firstMoment",
                        () -> backend.adamStep(ADAM_SETTINGS.get(0), mine(2, 3), null, mine(2, 3), mine(2, 3))),
                rejectsNull("adamStep", "secondMoment",
                        () -> backend.adamStep(ADAM_SETTINGS.get(0), mine(2, 3), mine(2, 3), null, mine(2, 3))),
                rejectsNull("adamStep", "parameter",
                        () -> backend.adamStep(ADAM_SETTINGS.get(0), mine(2, 3), mine(2, 3), mine(2, 3), null)),
                rejectsNull("rmsPropStep", "step", () -> backend.rmsPropStep(null, mine(2, 3), mine(2, 3), mine(2, 3))),
                rejectsNull("rmsPropStep", "gradient",
                        () -> backend.rmsPropStep(RMS_PROP_SETTINGS.get(0), null, mine(2, 3), mine(2, 3))),
                rejectsNull("rmsPropStep", "meanSquare",
                        () -> backend.rmsPropStep(RMS_PROP_SETTINGS.get(0), mine(2, 3), null, mine(2, 3))),
                rejectsNull("rmsPropStep", "parameter",
                        () -> backend.rmsPropStep(RMS_PROP_SETTINGS.get(0), mine(2, 3), mine(2, 3), null)));
    }

    // Matrices have at least one row and one column.
    @TestFactory
    public Stream<DynamicTest> emptyShapesAreRejected() {
        return Stream.of(
                rejects("zeros 0×3", () -> backend.zeros(0, 3), "0×3"),
                rejects("zeros 3×0", () -> backend.zeros(3, 0), "3×0"),
                rejects("zeros -1×2", () -> backend.zeros(-1, 2), "-1×2"),
                rejects("fromRowMajor 0×0", () -> backend.fromRowMajor(0, 0, new double[0]), "0×0"));
    }

    // A label outside the class range would read another row's memory (or throw deep inside a
    // native library); it is caught before anything is computed.
    @Test
    public void softmaxCrossEntropyRejectsOutOfRangeLabels() {
        Operand logits = randomOperand(3, 4);
        for (int[] labels : new int[][] {{0, 4, 1}, {-1, 0, 0}}) {
            String shapes = "logits 3×4, labels " + Arrays.toString(labels);
            assertRejected("softmaxCrossEntropy", shapes,
                    () -> backend.softmaxCrossEntropy(logits.actual(), labels, mine(3, 4)), "3×4");
        }
    }

    @Test
    public void sumNegativeLogSoftmaxRejectsOutOfRangeLabels() {
        Operand logits = randomOperand(3, 4);
        for (int[] labels : new int[][] {{0, 4, 1}, {-1, 0, 0}, {0, 1, Integer.MAX_VALUE}}) {
            String shapes = "logits 3×4, labels " + Arrays.toString(labels);
            assertRejected("sumNegativeLogSoftmax", shapes, () -> backend.sumNegativeLogSoftmax(logits.actual(), labels),
                    "3×4");
        }
    }

    // ... and all indices are checked before the first row is modified.
    @Test
    public void addAtColumnsRejectsOutOfRangeColumnsAndChangesNothing() {
        Operand a = randomOperand(3, 4);
        for (int[] columns : new int[][] {{0, 1, 4}, {-1, 0, 0}, {3, 3, Integer.MIN_VALUE}}) {
            String shapes = "a 3×4, columns " + Arrays.toString(columns);
            assertRejected("addAtColumns", shapes, () -> backend.addAtColumns(a.actual(), columns, -1), "3×4");
            assertUnchanged("addAtColumns (rejected)", shapes, "a", a);
        }
    }

    // =====================================================================================
    // Ownership: matrices of another backend are rejected naming both backends
    // =====================================================================================

    private Matrix theirs(int rows, int cols) {
        return reference.fromRowMajor(rows, cols, randomValues(rows * cols));
    }

    private DynamicTest rejectsForeign(String name, Executable call) {
        return rejects(name, call, Backends.label(backend), Backends.label(reference));
    }

    // Mixing handles of two libraries would be a ClassCastException (or worse, a wrong cast) deep in
    // the library; the SPI promises a clear message naming both backends instead.
    @TestFactory
    public Stream<DynamicTest> matrixOfAnotherBackendIsRejectedNamingBothBackends() {
        return Stream.of(
                rejectsForeign("copy source", () -> backend.copy(theirs(2, 3))),
                rejectsForeign("setRowMajor destination", () -> backend.setRowMajor(theirs(2, 3), new double[6])),
                rejectsForeign("toRowMajor source", () -> backend.toRowMajor(theirs(2, 3), new double[6])),
                rejectsForeign("toRowMajor source (new array)", () -> backend.toRowMajor(theirs(2, 3))),
                rejectsForeign("gemm a", () -> backend.gemm(1, theirs(2, 3), false, mine(3, 2), false, 0, mine(2, 2))),
                rejectsForeign("gemm b", () -> backend.gemm(1, mine(2, 3), false, theirs(3, 2), false, 0, mine(2, 2))),
                rejectsForeign("gemm c", () -> backend.gemm(1, mine(2, 3), false, mine(3, 2), false, 0, theirs(2, 2))),
                rejectsForeign("rankOneUpdate x", () -> backend.rankOneUpdate(1, theirs(2, 1), mine(1, 3), mine(2, 3))),
                rejectsForeign("rankOneUpdate y", () -> backend.rankOneUpdate(1, mine(2, 1), theirs(1, 3), mine(2, 3))),
                rejectsForeign("rankOneUpdate a", () -> backend.rankOneUpdate(1, mine(2, 1), mine(1, 3), theirs(2, 3))),
                rejectsForeign("affine x", () -> backend.affine(theirs(2, 3), mine(3, 2), mine(1, 2), Activation.RELU, mine(2, 2))),
                rejectsForeign("affine w", () -> backend.affine(mine(2, 3), theirs(3, 2), mine(1, 2), Activation.RELU, mine(2, 2))),
                rejectsForeign("affine bias", () -> backend.affine(mine(2, 3), mine(3, 2), theirs(1, 2), Activation.RELU, mine(2, 2))),
                rejectsForeign("affine out", () -> backend.affine(mine(2, 3), mine(3, 2), mine(1, 2), Activation.RELU, theirs(2, 2))),
                rejectsForeign("softmaxCrossEntropy logits",
                        () -> backend.softmaxCrossEntropy(theirs(2, 3), new int[2], mine(2, 3))),
                rejectsForeign("softmaxCrossEntropy gradient",
                        () -> backend.softmaxCrossEntropy(mine(2, 3), new int[2], theirs(2, 3))),
                rejectsForeign("addRowVector a", () -> backend.addRowVector(theirs(2, 3), mine(1, 3), mine(2, 3))),
                rejectsForeign("addRowVector v", () -> backend.addRowVector(mine(2, 3), theirs(1, 3), mine(2, 3))),
                rejectsForeign("addRowVector out", () -> backend.addRowVector(mine(2, 3), mine(1, 3), theirs(2, 3))),
                rejectsForeign("relu z", () -> backend.activate(Activation.RELU, theirs(2, 3), mine(2, 3))),
                rejectsForeign("relu out", () -> backend.activate(Activation.RELU, mine(2, 3), theirs(2, 3))),
                rejectsForeign("reluBackward gradient", () -> backend.activationBackward(Activation.RELU, theirs(2, 3), mine(2, 3), mine(2, 3), mine(2, 3))),
                rejectsForeign("reluBackward activation", () -> backend.activationBackward(Activation.RELU, mine(2, 3), theirs(2, 3), theirs(2, 3), mine(2, 3))),
                rejectsForeign("reluBackward out", () -> backend.activationBackward(Activation.RELU, mine(2, 3), mine(2, 3), mine(2, 3), theirs(2, 3))),
                rejectsForeign("softmaxRows z", () -> backend.softmaxRows(theirs(2, 3), mine(2, 3))),
                rejectsForeign("softmaxRows out", () -> backend.softmaxRows(mine(2, 3), theirs(2, 3))),
                rejectsForeign("sumNegativeLogSoftmax logits", () -> backend.sumNegativeLogSoftmax(theirs(2, 3), new int[2])),
                rejectsForeign("addAtColumns a", () -> backend.addAtColumns(theirs(2, 3), new int[2], -1)),
                rejectsForeign("columnSums a", () -> backend.columnSums(1, theirs(2, 3), 0, mine(1, 3))),
                rejectsForeign("columnSums out", () -> backend.columnSums(1, mine(2, 3), 0, theirs(1, 3))),
                rejectsForeign("axpy x", () -> backend.axpy(1, theirs(2, 3), mine(2, 3))),
                rejectsForeign("axpy y", () -> backend.axpy(1, mine(2, 3), theirs(2, 3))),
                rejectsForeign("scale a", () -> backend.scale(2, theirs(2, 3))),
                rejectsForeign("fill a", () -> backend.fill(theirs(2, 3), 1)),
                rejectsForeign("argmaxRows a", () -> backend.argmaxRows(theirs(2, 3), new int[2])),
                rejectsForeign("activate TANH z", () -> backend.activate(Activation.TANH, theirs(2, 3), mine(2, 3))),
                rejectsForeign("activate GELU out", () -> backend.activate(Activation.GELU, mine(2, 3), theirs(2, 3))),
                rejectsForeign("activationBackward SIGMOID gradient", () -> backend.activationBackward(Activation.SIGMOID,
                        theirs(2, 3), mine(2, 3), mine(2, 3), mine(2, 3))),
                rejectsForeign("activationBackward GELU z", () -> backend.activationBackward(Activation.GELU, mine(2, 3),
                        theirs(2, 3), mine(2, 3), mine(2, 3))),
                rejectsForeign("activationBackward TANH a", () -> backend.activationBackward(Activation.TANH, mine(2, 3),
                        mine(2, 3), theirs(2, 3), mine(2, 3))),
                rejectsForeign("activationBackward LEAKY_RELU out", () -> backend.activationBackward(Activation.LEAKY_RELU,
                        mine(2, 3), mine(2, 3), mine(2, 3), theirs(2, 3))),
                rejectsForeign("multiplyElements a", () -> backend.multiplyElements(theirs(2, 3), mine(2, 3), mine(2, 3))),
                rejectsForeign("multiplyElements b", () -> backend.multiplyElements(mine(2, 3), theirs(2, 3), mine(2, 3))),
                rejectsForeign("multiplyElements out", () -> backend.multiplyElements(mine(2, 3), mine(2, 3), theirs(2, 3))),
                rejectsForeign("sgdStep gradient", () -> backend.sgdStep(SGD_SETTINGS.get(2), theirs(2, 3), mine(2, 3),
                        mine(2, 3))),
                rejectsForeign("sgdStep velocity", () -> backend.sgdStep(SGD_SETTINGS.get(2), mine(2, 3), theirs(2, 3),
                        mine(2, 3))),
                rejectsForeign("sgdStep parameter", () -> backend.sgdStep(SGD_SETTINGS.get(2), mine(2, 3), mine(2, 3),
                        theirs(2, 3))),
                rejectsForeign("adamStep gradient", () -> backend.adamStep(ADAM_SETTINGS.get(0), theirs(2, 3), mine(2, 3),
                        mine(2, 3), mine(2, 3))),
                rejectsForeign("adamStep firstMoment", () -> backend.adamStep(ADAM_SETTINGS.get(0), mine(2, 3), theirs(2, 3),
                        mine(2, 3), mine(2, 3))),
                rejectsForeign("adamStep secondMoment", () -> backend.adamStep(ADAM_SETTINGS.get(0), mine(2, 3), mine(2, 3),
                        theirs(2, 3), mine(2, 3))),
                rejectsForeign("adamStep parameter", () -> backend.adamStep(ADAM_SETTINGS.get(0), mine(2, 3), mine(2, 3),
                        mine(2, 3), theirs(2, 3))),
                rejectsForeign("rmsPropStep gradient", () -> backend.rmsPropStep(RMS_PROP_SETTINGS.get(0), theirs(2, 3),
                        mine(2, 3), mine(2, 3))),
                rejectsForeign("rmsPropStep meanSquare", () -> backend.rmsPropStep(RMS_PROP_SETTINGS.get(0), mine(2, 3),
                        theirs(2, 3), mine(2, 3))),
                rejectsForeign("rmsPropStep parameter", () -> backend.rmsPropStep(RMS_PROP_SETTINGS.get(0), mine(2, 3),
                        mine(2, 3), theirs(2, 3))));
    }

    // An F32 matrix handed to the F64 instance of the same library (or the reverse) is a different
    // backend too (AbstractLinearAlgebra.own: "or of this backend in another precision").
    @Test
    public void matrixOfTheSameBackendInAnotherPrecisionIsRejected() {
        List<Precision> others = backend.supportedPrecisions().stream().filter(p -> p != backend.precision()).toList();
        Assumptions.assumeFalse(others.isEmpty(), () -> Backends.label(backend) + " supports only one precision");
        for (Precision other : others) {
            LinearAlgebra otherBackend = backend.withPrecision(other);
            String ours = Backends.label(backend);
            String theirs = Backends.label(otherBackend);
            if (ours.equals(theirs)) {
                fail(ours + ": withPrecision(" + other.id() + ") returned a backend labelled " + theirs);
            }
            Matrix foreign = otherBackend.zeros(2, 3);
            assertRejected("gemm", "a from " + theirs, () -> backend.gemm(1, foreign, false, mine(3, 2), false, 0, mine(2, 2)),
                    ours, theirs);
            assertRejected("relu", "out from " + theirs, () -> backend.activate(Activation.RELU, mine(2, 3), foreign), ours, theirs);
            assertRejected("copy", "source from " + theirs, () -> backend.copy(foreign), ours, theirs);
            assertRejected("adamStep", "secondMoment from " + theirs, () -> backend.adamStep(ADAM_SETTINGS.get(0), mine(2, 3),
                    mine(2, 3), foreign, mine(2, 3)), ours, theirs);
        }
    }
}
