package org.jnn.cli;

import java.util.List;
import org.jnn.core.TrainingOptions;
import org.jnn.core.optim.LearningRateSchedule;
import org.jnn.core.optim.Optimizer;
import picocli.CommandLine.Option;

/**
 * The optimizer and learning-rate schedule options, named as PyTorch, Keras and scikit-learn name them,
 * and how they become the library's {@link Optimizer} and {@link LearningRateSchedule}. An option of
 * another optimizer or schedule than the one chosen is refused rather than ignored.
 */
final class OptimizerSettings {

    static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw", "rmsprop");
    static final List<String> SCHEDULES = List.of("constant", "step", "exponential", "cosine", "plateau");

    /** PyTorch's AdamW default decay, used when {@code --optimizer adamw} comes without {@code --weight-decay}. */
    static final double ADAMW_WEIGHT_DECAY = 0.01;
    static final double ADAM_LEARNING_RATE = 0.001;
    static final int STEP_EVERY_EPOCHS = 10;
    static final double STEP_FACTOR = 0.1;
    static final double EXPONENTIAL_FACTOR = 0.9;
    static final double PLATEAU_FACTOR = 0.1;
    static final int PLATEAU_PATIENCE = 10;

    private OptimizerSettings() {
    }

    static final class OptimizerOptions {
        @Option(names = "--optimizer", paramLabel = "NAME",
                description = "sgd, adam, adamw (Adam with decoupled weight decay) or rmsprop; PyTorch's formulas. "
                        + "Default: sgd.")
        String name;

        @Option(names = "--lr", paramLabel = "RATE",
                description = "Learning rate. Default: 0.01 for sgd (the reference experiment) and rmsprop, "
                        + "0.001 for adam and adamw.")
        Double learningRate;

        @Option(names = "--momentum", paramLabel = "M",
                description = "sgd: momentum in [0, 1), e.g. 0.9. Default: 0 (none).")
        Double momentum;

        @Option(names = "--nesterov",
                description = "sgd: Nesterov's momentum instead of the classical one (momentum 0.9 unless --momentum says).")
        boolean nesterov;

        @Option(names = "--weight-decay", paramLabel = "L",
                description = "L2 weight decay λ on the weights (not the biases); for adamw decoupled. "
                        + "Default: 0.01 for adamw, else 0.")
        Double weightDecay;

        @Option(names = "--beta1", paramLabel = "B", description = "adam, adamw: β1 in [0, 1). Default: 0.9.")
        Double beta1;

        @Option(names = "--beta2", paramLabel = "B", description = "adam, adamw: β2 in [0, 1). Default: 0.999.")
        Double beta2;

        @Option(names = "--epsilon", paramLabel = "E", description = "adam, adamw, rmsprop: ε above 0. Default: 1e-8.")
        Double epsilon;

        @Option(names = "--alpha", paramLabel = "A",
                description = "rmsprop: smoothing constant α in [0, 1). Default: 0.99.")
        Double alpha;
    }

    static final class ScheduleOptions {
        @Option(names = "--schedule", paramLabel = "NAME",
                description = "constant; step (× --lr-decay every --lr-step epochs); exponential (× --lr-decay every "
                        + "epoch); cosine (annealing to --lr-min after --warmup epochs of linear warm-up, every step); "
                        + "plateau (× --lr-decay after --lr-patience epochs without a better validation loss; needs "
                        + "--validation). Default: constant.")
        String name;

        @Option(names = "--lr-step", paramLabel = "N",
                description = "step: epochs between reductions. Default: " + STEP_EVERY_EPOCHS + ".")
        Integer stepEpochs;

        @Option(names = "--lr-decay", paramLabel = "F",
                description = "step, exponential, plateau: the factor of each reduction. Default: " + STEP_FACTOR
                        + " (step, plateau), " + EXPONENTIAL_FACTOR + " (exponential).")
        Double decay;

        @Option(names = "--warmup", paramLabel = "EPOCHS",
                description = "cosine: epochs of linear warm-up (fractions allowed). Default: 0.")
        Double warmupEpochs;

        @Option(names = "--lr-min", paramLabel = "RATE",
                description = "cosine, plateau: the lowest learning rate. Default: 0.")
        Double minimumRate;

        @Option(names = "--lr-patience", paramLabel = "N",
                description = "plateau: epochs without improvement before a reduction. Default: " + PLATEAU_PATIENCE + ".")
        Integer patience;
    }

    /**
     * Sets the optimizer, learning rate and schedule of {@code builder} from the options, each value
     * checked by the library on its own.
     *
     * @param epochs the run's epochs, which a cosine warm-up must leave room in
     * @param validation whether the run has a validation set (the plateau schedule needs one)
     */
    static void apply(OptimizerOptions o, ScheduleOptions s, int epochs, boolean validation,
            TrainingOptions.Builder builder) {
        Optimizer optimizer = optimizer(o);
        double rate = o.learningRate != null ? o.learningRate
                : optimizer instanceof Optimizer.Adam ? ADAM_LEARNING_RATE : TrainingOptions.REFERENCE_EXPERIMENT.learningRate();
        TrainingSettings.checkLearningRate("--lr", rate);
        builder.optimizer(optimizer).learningRate(rate).schedule(schedule(s, rate, epochs, validation));
    }

    static Optimizer optimizer(OptimizerOptions o) {
        String id = o.name == null ? "sgd" : o.name.trim().toLowerCase(java.util.Locale.ROOT);
        if (!OPTIMIZERS.contains(id)) {
            throw new UsageException("--optimizer " + o.name + ": unknown optimizer; use " + or(OPTIMIZERS));
        }
        boolean sgd = id.equals("sgd");
        boolean adam = id.startsWith("adam");
        onlyWith("--momentum", o.momentum, sgd, "--optimizer sgd", id);
        onlyWith("--nesterov", o.nesterov ? "" : null, sgd, "--optimizer sgd", id);
        onlyWith("--beta1", o.beta1, adam, "--optimizer adam or adamw", id);
        onlyWith("--beta2", o.beta2, adam, "--optimizer adam or adamw", id);
        onlyWith("--epsilon", o.epsilon, !sgd, "--optimizer adam, adamw or rmsprop", id);
        onlyWith("--alpha", o.alpha, id.equals("rmsprop"), "--optimizer rmsprop", id);
        double decay = o.weightDecay != null ? o.weightDecay : id.equals("adamw") ? ADAMW_WEIGHT_DECAY : 0;
        TrainingSettings.checked("--weight-decay " + decay, () -> Optimizer.sgd().withWeightDecay(decay));
        if (sgd) {
            Optimizer.Sgd plain = Optimizer.sgd().withWeightDecay(decay);
            Optimizer.Sgd withMomentum = o.momentum == null ? plain
                    : TrainingSettings.checked("--momentum " + o.momentum, () -> plain.withMomentum(o.momentum));
            if (o.nesterov && o.momentum != null && o.momentum == 0) {
                throw new UsageException("--nesterov: Nesterov's momentum needs --momentum above 0 (e.g. 0.9), got 0");
            }
            return o.nesterov ? withMomentum.withNesterov() : withMomentum;
        }
        if (adam) {
            Optimizer.Adam defaults = id.equals("adamw") ? Optimizer.adamW(decay) : Optimizer.adam().withWeightDecay(decay);
            double beta1 = o.beta1 != null ? o.beta1 : defaults.beta1();
            double beta2 = o.beta2 != null ? o.beta2 : defaults.beta2();
            double epsilon = o.epsilon != null ? o.epsilon : defaults.epsilon();
            TrainingSettings.checked("--beta1 " + beta1, () -> new Optimizer.Adam(beta1, defaults.beta2(),
                    defaults.epsilon(), decay, defaults.decoupledWeightDecay()));
            TrainingSettings.checked("--beta2 " + beta2, () -> new Optimizer.Adam(defaults.beta1(), beta2,
                    defaults.epsilon(), decay, defaults.decoupledWeightDecay()));
            TrainingSettings.checked("--epsilon " + epsilon, () -> new Optimizer.Adam(defaults.beta1(), defaults.beta2(),
                    epsilon, decay, defaults.decoupledWeightDecay()));
            return new Optimizer.Adam(beta1, beta2, epsilon, decay, defaults.decoupledWeightDecay());
        }
        Optimizer.RmsProp defaults = Optimizer.rmsProp();
        double alpha = o.alpha != null ? o.alpha : defaults.alpha();
        double epsilon = o.epsilon != null ? o.epsilon : defaults.epsilon();
        TrainingSettings.checked("--alpha " + alpha, () -> new Optimizer.RmsProp(alpha, defaults.epsilon(), decay));
        TrainingSettings.checked("--epsilon " + epsilon, () -> new Optimizer.RmsProp(defaults.alpha(), epsilon, decay));
        return new Optimizer.RmsProp(alpha, epsilon, decay);
    }

    static LearningRateSchedule schedule(ScheduleOptions s, double rate, int epochs, boolean validation) {
        String id = s.name == null ? "constant" : s.name.trim().toLowerCase(java.util.Locale.ROOT);
        if (!SCHEDULES.contains(id)) {
            throw new UsageException("--schedule " + s.name + ": unknown schedule; use " + or(SCHEDULES));
        }
        onlyWith("--lr-step", s.stepEpochs, id.equals("step"), "--schedule step", id);
        onlyWith("--lr-decay", s.decay, List.of("step", "exponential", "plateau").contains(id),
                "--schedule step, exponential or plateau", id);
        onlyWith("--warmup", s.warmupEpochs, id.equals("cosine"), "--schedule cosine", id);
        onlyWith("--lr-min", s.minimumRate, id.equals("cosine") || id.equals("plateau"), "--schedule cosine or plateau", id);
        onlyWith("--lr-patience", s.patience, id.equals("plateau"), "--schedule plateau", id);
        switch (id) {
            case "step" -> {
                int every = s.stepEpochs != null ? s.stepEpochs : STEP_EVERY_EPOCHS;
                double factor = s.decay != null ? s.decay : STEP_FACTOR;
                TrainingSettings.checked("--lr-step " + every, () -> LearningRateSchedule.stepDecay(every, STEP_FACTOR));
                return TrainingSettings.checked("--lr-decay " + factor, () -> LearningRateSchedule.stepDecay(every, factor));
            }
            case "exponential" -> {
                double factor = s.decay != null ? s.decay : EXPONENTIAL_FACTOR;
                return TrainingSettings.checked("--lr-decay " + factor, () -> LearningRateSchedule.exponential(factor));
            }
            case "cosine" -> {
                double minimum = s.minimumRate != null ? s.minimumRate : 0;
                double warmup = s.warmupEpochs != null ? s.warmupEpochs : 0;
                LearningRateSchedule floor = TrainingSettings.checked("--lr-min " + minimum,
                        () -> LearningRateSchedule.cosine(minimum, 0));
                // The schedule's own checks against the run: a floor below the rate, a warm-up shorter than the run.
                TrainingSettings.checked("--lr-min " + minimum, () -> floor.start(rate, epochs, 1));
                LearningRateSchedule cosine = TrainingSettings.checked("--warmup " + warmup,
                        () -> LearningRateSchedule.cosine(minimum, warmup));
                TrainingSettings.checked("--warmup " + warmup, () -> cosine.start(rate, epochs, 1));
                return cosine;
            }
            case "plateau" -> {
                if (!validation) {
                    throw new UsageException("--schedule plateau follows the validation loss, so it needs a validation "
                            + "set; add --validation 0.1");
                }
                double factor = s.decay != null ? s.decay : PLATEAU_FACTOR;
                int patience = s.patience != null ? s.patience : PLATEAU_PATIENCE;
                double minimum = s.minimumRate != null ? s.minimumRate : 0;
                TrainingSettings.checked("--lr-decay " + factor,
                        () -> new LearningRateSchedule.ReduceOnPlateau(factor, PLATEAU_PATIENCE, 0, 0));
                TrainingSettings.checked("--lr-patience " + patience,
                        () -> new LearningRateSchedule.ReduceOnPlateau(PLATEAU_FACTOR, patience, 0, 0));
                return TrainingSettings.checked("--lr-min " + minimum,
                        () -> new LearningRateSchedule.ReduceOnPlateau(factor, patience, 0, minimum));
            }
            default -> {
                return LearningRateSchedule.constant();
            }
        }
    }

    /**
     * Refuses {@code option} (given when {@code value} is not null) unless it {@code applies}: "--warmup
     * applies to --schedule cosine only; this run's schedule is constant".
     */
    private static void onlyWith(String option, Object value, boolean applies, String where, String chosen) {
        if (value != null && !applies) {
            String kind = where.substring(2, where.indexOf(' '));
            throw new UsageException(option + " applies to " + where + " only; this run's " + kind + " is " + chosen);
        }
    }

    /** "sgd, adam, adamw or rmsprop" */
    static String or(List<String> names) {
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
