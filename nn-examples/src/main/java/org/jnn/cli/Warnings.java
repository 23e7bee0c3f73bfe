package org.jnn.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Locale;
import org.jnn.core.Dataset;
import org.jnn.core.Evaluation;
import org.jnn.mnist.DatasetKind;

/** What a user would want pointed out about a result that looks fine but is not. */
final class Warnings {

    /** An accuracy below this many times chance level counts as chance level. */
    private static final double NEAR_CHANCE = 1.25;

    private Warnings() {
    }

    /**
     * The accuracy of always answering the test data's most common class: what a network that learned
     * nothing reaches (1/classes when the classes are balanced).
     */
    static double chanceLevel(Evaluation evaluation) {
        long most = 0;
        long all = 0;
        for (int[] row : evaluation.confusionMatrix()) {
            long count = 0;
            for (int n : row) {
                count += n;
            }
            most = Math.max(most, count);
            all += count;
        }
        return all == 0 ? 0 : (double) most / all;
    }

    /** The share of {@code data}'s most common label: the accuracy of a network that learned nothing. */
    static double chanceLevel(Dataset data) {
        int[] counts = new int[data.classCount()];
        int most = 0;
        for (int i = 0; i < data.size(); i++) {
            most = Math.max(most, ++counts[data.label(i)]);
        }
        return data.size() == 0 ? 0 : (double) most / data.size();
    }

    /**
     * A warning if {@code accuracy} (what it is: "validation accuracy", or "test accuracy" for a run
     * without a validation set) is no better than {@code chance}, suggesting a smaller learning rate;
     * else null.
     */
    static String chance(String what, double accuracy, double chance, double learningRate) {
        if (accuracy >= NEAR_CHANCE * chance) {
            return null;
        }
        return String.format(Locale.ROOT, "warning: %s %s is chance level (always answering the most "
                + "common class gives %s): the network learned nothing. A learning rate that is too large does "
                + "that; try a smaller one, e.g. --lr %s (this run: %s).", what, Format.percent(accuracy),
                Format.percent(chance), tenth(learningRate), learningRate);
    }

    /** 0.3 → 0.03, written as a person would. */
    private static String tenth(double value) {
        return new BigDecimal(Double.toString(value)).movePointLeft(1).stripTrailingZeros().toPlainString();
    }

    /**
     * A warning if a model trained on {@code trainedOn} is evaluated on {@code evaluatedOn} (data set ids
     * as model files record them: mnist, fashion, or a folder's path); else null.
     */
    static String otherData(Path model, String trainedOn, String evaluatedOn) {
        if (trainedOn == null || sameData(trainedOn, evaluatedOn)) {
            return null;
        }
        return "warning: " + model + " was trained on " + trainedOn + " but is evaluated here on " + evaluatedOn
                + ": the accuracy says how well it carries over to other data, not how well it learned its own";
    }

    private static boolean sameData(String a, String b) {
        DatasetKind kind = DataOptions.kindOf(a);
        if (kind != null) {
            return kind.id().equals(b);
        }
        return Path.of(a).toAbsolutePath().normalize().toString().equals(b);
    }
}
