package org.jnn.core.conformance.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.jnn.api.LinearAlgebra;
import org.jnn.core.conformance.LinearAlgebraConformance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * Proves, on every build, that the conformance suite can fail where it matters: for a bug planted in an
 * otherwise correct backend, the suite test meant to catch it fails, with a message that names the
 * backend and precision and says what is wrong, while the same test passes without the bug. (The full
 * measurement over every planted bug is {@link MutationRun}, {@code -Pmutation}.)
 */
class ConformanceSelfTest {

    private static final String EXPECTED_AND_ACTUAL = "expected ";

    static Stream<Arguments> bugsAndTheTestsThatCatchThem() {
        return Stream.of(
                // a softmax or loss shifted by the row's first element, not its maximum
                arguments(PlantedBug.SOFTMAX_SHIFTED_BY_THE_FIRST_ELEMENT, "softmaxRowsStaysFiniteForExtremeLogits",
                        List.of("softmaxRows on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.LOSS_SHIFTED_BY_THE_FIRST_ELEMENT,
                        "sumNegativeLogSoftmaxOfConfidentWrongAnswerIsLargeButFinite",
                        List.of("sumNegativeLogSoftmax on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.SOFTMAX_CROSS_ENTROPY_SHIFTED_BY_THE_FIRST_ELEMENT,
                        "softmaxCrossEntropyStaysFiniteForExtremeLogits",
                        List.of("softmaxCrossEntropy (loss) on planted (f64)", EXPECTED_AND_ACTUAL)),
                // a bug in the second precision only, found without a second test class
                arguments(PlantedBug.F32_GEMM_IGNORES_BETA, "gemmMatchesReference",
                        List.of("gemm on planted (f32)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.F32_SOFTMAX_WITHOUT_SHIFT, "softmaxRowsStaysFiniteForExtremeLogits",
                        List.of("softmaxRows on planted (f32)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.F32_STORES_DOUBLE, "storesAndComputesInItsOwnPrecision",
                        List.of("on planted (f32)", "as f32 stores them", EXPECTED_AND_ACTUAL)),
                // registration
                arguments(PlantedBug.NOT_REGISTERED, "isFoundThroughServiceLoaderWithTheSameMetadata",
                        List.of("planted (f64)", "META-INF/services/org.jnn.api.LinearAlgebra",
                                PlantedBugBackend.class.getName())),
                arguments(PlantedBug.REGISTERED_CLASS_MISSPELT, "isFoundThroughServiceLoaderWithTheSameMetadata",
                        List.of("planted (f64)", "cannot be loaded", PlantedBugBackend.class.getName() + "s")),
                arguments(PlantedBug.PRIORITY_DIFFERS_WHEN_LOADED, "isFoundThroughServiceLoaderWithTheSameMetadata",
                        List.of("planted (f64)", "priority()")),
                // the interface's rules, for a backend that checks its arguments itself
                arguments(PlantedBug.RANK_ONE_VECTORS_CHECKED_BY_COUNT, "shapeMismatchIsRejectedNamingBothShapes",
                        List.of("rankOneUpdate x a 2×2 matrix", "planted (f64)", "IllegalArgumentException")),
                arguments(PlantedBug.FROM_ROW_MAJOR_LONGER_ACCEPTED, "arrayLengthMismatchIsRejectedNamingShapeAndLength",
                        List.of("fromRowMajor longer", "planted (f64)", "IllegalArgumentException")),
                arguments(PlantedBug.TO_ROW_MAJOR_LONGER_ACCEPTED, "arrayLengthMismatchIsRejectedNamingShapeAndLength",
                        List.of("toRowMajor longer", "planted (f64)", "IllegalArgumentException")),
                arguments(PlantedBug.NULL_MATRIX_REPORTED_AS_FOREIGN, "nullArgumentIsRejectedNamingIt",
                        List.of("planted (f64)", "NullPointerException")),
                arguments(PlantedBug.COLUMNS_CHECKED_WHILE_WRITING, "addAtColumnsRejectsOutOfRangeColumnsAndChangesNothing",
                        List.of("addAtColumns (rejected)", "must stay unchanged", EXPECTED_AND_ACTUAL)),
                // an operation-level rule fails at operation level, naming the operation
                arguments(PlantedBug.ARGMAX_NEVER_LOOKS_AT_THE_LAST_COLUMN, "argmaxRowsFindsTheMaximumInEveryColumn",
                        List.of("argmaxRows on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.RELU_BACKWARD_RETURNS_THE_MASK, "reluBackwardMultipliesIncomingGradientNotJustMask",
                        List.of("reluBackward on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.RELU_BACKWARD_PASSES_AT_ZERO, "reluBackwardIsZeroAtExactlyZeroActivation",
                        List.of("reluBackward on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.SOFTMAX_WITHOUT_SHIFT, "softmaxRowsStaysFiniteForExtremeLogits",
                        List.of("softmaxRows on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.LOSS_WITHOUT_SHIFT, "sumNegativeLogSoftmaxOfConfidentWrongAnswerIsLargeButFinite",
                        List.of("sumNegativeLogSoftmax on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.ARGMAX_TAKES_THE_LAST_OF_TIES, "argmaxRowsPicksFirstIndexOnTies",
                        List.of("argmaxRows on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.GEMM_IGNORES_BETA, "gemmMatchesReference",
                        List.of("gemm on planted (f64)", "beta=", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.GEMM_READS_C_WHEN_BETA_IS_ZERO, "gemmWithBetaZeroIgnoresNaNInOutput",
                        List.of("gemm on planted (f64)", "actual NaN")),
                arguments(PlantedBug.GEMM_USES_A_TRANSPOSE_FLAG_FOR_B, "gemmMatchesReference",
                        List.of("gemm: inner dimensions differ", "transposeB=true")),
                arguments(PlantedBug.GEMM_KEEPS_A_STALE_TRANSPOSE_OF_B, "gemmSeesEveryChangeToItsOperandsBetweenCalls",
                        List.of("gemm on planted (f64)", "transposed", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.COLUMN_SUMS_READS_OUT_WHEN_BETA_IS_ZERO, "columnSumsWithBetaZeroIgnoresNaNInOutput",
                        List.of("columnSums on planted (f64)", "actual NaN")),
                arguments(PlantedBug.COLUMN_SUMS_SCRATCH_NOT_CLEARED, "everyOperationIsRightWhenCalledAgainOnOtherShapes",
                        List.of("columnSums on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.RANK_ONE_IGNORES_ALPHA, "rankOneUpdateMatchesReference",
                        List.of("rankOneUpdate on planted (f64)", "alpha=", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.SOFTMAX_IN_PLACE_REREADS_Z, "softmaxRowsAllowsOutputToBeZ",
                        List.of("softmaxRows (out = z", "planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.COPY_SHARES_STORAGE, "copyIsIndependentOfItsSource",
                        List.of("copy (after filling", "planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.LARGE_AFFINE_IGNORES_RELU, "everyOperationIsRightAtTheNetworksSizes",
                        List.of("affine on planted (f64)", "RELU", EXPECTED_AND_ACTUAL)),
                // the operations of training beyond plain SGD and ReLU
                arguments(PlantedBug.SIGMOID_WITHOUT_THE_STABLE_BRANCH,
                        "activationsAndTheirDerivativesStayFiniteAndRightForLargeInputs",
                        List.of("activate on planted (f64)", "SIGMOID", "actual NaN")),
                arguments(PlantedBug.F32_SIGMOID_OVERFLOWS_IN_FLOAT,
                        "activationsAndTheirDerivativesStayFiniteAndRightForLargeInputs",
                        List.of("activate on planted (f32)", "SIGMOID", "actual NaN")),
                arguments(PlantedBug.GELU_BACKWARD_FROM_A, "activationBackwardMatchesReference",
                        List.of("activationBackward on planted (f64)", "GELU", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.TANH_BACKWARD_FROM_Z, "activationBackwardIsTheDerivativeOfActivate",
                        List.of("activationBackward on planted (f64)", "TANH", "central difference of activate")),
                arguments(PlantedBug.ACTIVATION_BACKWARD_DROPS_THE_GRADIENT, "activationBackwardMultipliesTheIncomingGradient",
                        List.of("activationBackward on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.LEAKY_RELU_SLOPE_A_TENTH, "leakyReluHasSlopeOneHundredthBelowZeroAndAtZero",
                        List.of("activate on planted (f64)", "LEAKY_RELU", "expected -0.01")),
                arguments(PlantedBug.LEAKY_RELU_BACKWARD_ONE_AT_ZERO, "leakyReluHasSlopeOneHundredthBelowZeroAndAtZero",
                        List.of("activationBackward on planted (f64)", "expected 0.05, actual 5.0")),
                arguments(PlantedBug.MULTIPLY_ELEMENTS_COPIES_A_FIRST, "multiplyElementsAllowsOutputToBeAOrBAndAToBeB",
                        List.of("multiplyElements (out = b", "planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.SGD_NESTEROV_AS_CLASSICAL, "sgdStepsMatchReference",
                        List.of("sgdStep (parameter) on planted (f64)", "nesterov=true", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.SGD_VELOCITY_NOT_STORED, "sgdStepsMatchReference",
                        List.of("sgdStep (velocity) on planted (f64)", "step 1 of 4", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.ADAM_WITHOUT_BIAS_CORRECTION, "adamStepsMatchReferenceFromTheFirstStep",
                        List.of("adamStep (parameter) on planted (f64)", "t=1", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.ADAM_COUNTS_ITS_OWN_STEPS, "adamStepsMatchReferenceAtLaterStepCounts",
                        List.of("adamStep (parameter) on planted (f64)", "t=7", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.RMS_PROP_EPSILON_INSIDE_THE_SQRT, "rmsPropStepsMatchReference",
                        List.of("rmsPropStep (parameter) on planted (f64)", EXPECTED_AND_ACTUAL)),
                arguments(PlantedBug.ADAM_CHECKS_THE_PARAMETER_AFTER_THE_MOMENTS, "shapeMismatchIsRejectedNamingBothShapes",
                        List.of("adamStep parameter of the same count (rejected)", "must stay unchanged")));
    }

    @ParameterizedTest(name = "{0} is caught by {1}")
    @MethodSource("bugsAndTheTestsThatCatchThem")
    void theTestMeantToCatchTheBugFailsWithAMessageSayingWhatIsWrong(PlantedBug bug, String test, List<String> mentions) {
        List<SuiteRun.Failure> withBug = run(bug, true, PlantedBugOperationSuite.class, test);
        assertFalse(withBug.isEmpty(), () -> test + " did not catch " + bug + ": " + bug.description());
        String message = withBug.get(0).test() + ": " + withBug.get(0).message();
        for (String part : mentions) {
            assertTrue(message.contains(part), () -> "the failure should mention '" + part + "' but is: " + message);
        }
        assertEquals(List.of(), PASSED_WITHOUT_A_BUG.computeIfAbsent(test,
                t -> run(PlantedBug.NONE, true, PlantedBugOperationSuite.class, t)), () -> test + " fails even without a bug");
    }

    /** The failures of each test without a bug (none), run once per test. */
    private static final Map<String, List<SuiteRun.Failure>> PASSED_WITHOUT_A_BUG = new ConcurrentHashMap<>();

    // The random grid catches the bug too, at every shape where it shows (a 1×1 matrix has one sign only).
    @Test
    void reluBackwardReturningTheMaskFailsEveryShapeWithMoreThanOneElementInBothPrecisions() {
        List<SuiteRun.Failure> failures = run(PlantedBug.RELU_BACKWARD_RETURNS_THE_MASK, false,
                PlantedBugOperationSuite.class, "reluBackwardMatchesReference");
        List<String> shapes = List.of("1×9", "9×1", "2×3", "3×2", "4×4", "7×5", "16×16", "17×33", "37×53", "53×37");
        for (String precision : List.of("[f64]", "[f32]")) {
            for (String shape : shapes) {
                assertTrue(failures.stream().anyMatch(f -> f.test().startsWith(precision) && f.test().endsWith(" " + shape)),
                        () -> "reluBackwardMatchesReference " + precision + " " + shape + " passed: " + failures);
            }
        }
    }

    /** A suite subclass that forgot to return its backend. */
    static class SuiteWithoutABackend extends LinearAlgebraConformance {
        @Override
        protected LinearAlgebra createBackend() {
            return null;
        }
    }

    // Zero backends is a failure that says what to do, not a run of zero tests.
    @Test
    void aSuiteWithoutABackendFailsInsteadOfRunningNothing() {
        List<SuiteRun.Failure> failures = SuiteRun.run(PlantedBug.NONE, true,
                DiscoverySelectors.selectClass(SuiteWithoutABackend.class));
        assertFalse(failures.isEmpty(), "a suite whose createBackend() returns null passed");
        assertTrue(failures.get(0).message().contains("createBackend() returned null"), failures.get(0)::toString);
    }

    @Test
    void gradientCheckCatchesReluBackwardReturningTheMask() {
        assertNetworkTestCatches(PlantedBug.F64_RELU_BACKWARD_RETURNS_THE_MASK,
                "wholeNetworkGradientMatchesCentralDifferences", "planted (f64): gradient check failed");
    }

    @Test
    void sgdStepCheckCatchesRankOneUpdateIgnoringAlpha() {
        assertNetworkTestCatches(PlantedBug.F32_RANK_ONE_IGNORES_ALPHA,
                "sgdStepAtBatchSizeOneMovesEveryParameterAgainstTheGradient", "planted (f32): after one SGD step");
    }

    @Test
    void gradientCheckCatchesGeluBackwardWithTheWrongInnerDerivative() {
        assertNetworkTestCatches(PlantedBug.GELU_BACKWARD_INNER_DERIVATIVE_WITHOUT_THE_3,
                "wholeNetworkGradientMatchesCentralDifferences", "planted (f64): gradient check failed for the 6-8(gelu)-7(gelu)-4");
    }

    @Test
    void trainingAgainstTheReferenceCatchesAdamWDecayingAfterTheUpdate() {
        assertNetworkTestCatches(PlantedBug.ADAMW_DECAYS_AFTER_THE_UPDATE,
                "trainingFollowsTheReferenceWithEveryOptimizerActivationAndDropout", "planted (f64), adamw");
    }

    // The other side of the f32 tolerances: a backend computing honestly in float (every intermediate a float, the
    // optimizers' settings cast to float) passes the operations of training.
    @Test
    void aBackendComputingInFloatPassesTheOperationsOfTraining() {
        for (String test : List.of("activateMatchesReference", "activationBackwardMatchesReference",
                "activationsAndTheirDerivativesStayFiniteAndRightForLargeInputs", "activationBackwardIsTheDerivativeOfActivate",
                "multiplyElementsMatchesReference", "sgdStepsMatchReference", "adamStepsMatchReferenceFromTheFirstStep",
                "adamStepsMatchReferenceAtLaterStepCounts", "rmsPropStepsMatchReference")) {
            assertEquals(List.of(), run(PlantedBug.FLOAT_ARITHMETIC, false, PlantedBugOperationSuite.class, test), test);
        }
    }

    private static void assertNetworkTestCatches(PlantedBug bug, String test, String mention) {
        List<SuiteRun.Failure> failures = run(bug, true, PlantedBugNetworkSuite.class, test);
        assertFalse(failures.isEmpty(), () -> test + " did not catch " + bug);
        assertTrue(failures.get(0).message().contains(mention), () -> "the failure should mention '" + mention
                + "' but is: " + failures.get(0));
        assertEquals(List.of(), run(PlantedBug.NONE, true, PlantedBugNetworkSuite.class, test),
                () -> test + " fails even without a bug");
    }

    /** The failures of one test method of the suite, in every precision, against the backend with {@code bug}. */
    private static List<SuiteRun.Failure> run(PlantedBug bug, boolean stopAtFirstFailure,
            Class<? extends LinearAlgebraConformance> suite, String test) {
        Method method = Arrays.stream(suite.getMethods()).filter(m -> m.getName().equals(test)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the suite has no test " + test));
        return SuiteRun.run(bug, stopAtFirstFailure, DiscoverySelectors.selectMethod(suite, method));
    }
}
