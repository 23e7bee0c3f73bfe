package org.jnn.core.conformance.mutation;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips every test after the first failure of a mutation run: one failing test is all it takes to count
 * a planted bug as caught, and the rest of the suite would only cost time.
 */
final class StopAtFirstFailure implements ExecutionCondition {

    private static volatile boolean stopAtFirst;
    private static volatile boolean failed;

    /** Before each run: whether to stop at its first failure. */
    static void reset(boolean stopAtFirstFailure) {
        stopAtFirst = stopAtFirstFailure;
        failed = false;
    }

    /** When a test fails. */
    static void failed() {
        failed = true;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return stopAtFirst && failed ? ConditionEvaluationResult.disabled("a test has failed already")
                : ConditionEvaluationResult.enabled("no test has failed yet");
    }
}
