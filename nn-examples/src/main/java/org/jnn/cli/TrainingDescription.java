package org.jnn.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jnn.core.EarlyStopping;
import org.jnn.core.TrainingOptions;
import org.jnn.core.optim.LearningRateSchedule;
import org.jnn.core.optim.Optimizer;

/**
 * How a run was trained, for JSON, model files and people: the optimizer, schedule and early stopping
 * as maps with the option's snake_case names ({@code {"id":"adam","beta1":0.9,...}}), and in words
 * ({@code adam (beta1 0.9, beta2 0.999, epsilon 1e-8)}).
 */
final class TrainingDescription {

    private TrainingDescription() {
    }

    /** {@code {"id":"sgd","momentum":0.9,"nesterov":true,"weight_decay":0.0}} */
    static Map<String, Object> optimizer(Optimizer optimizer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", optimizer.id());
        if (optimizer instanceof Optimizer.Sgd s) {
            m.put("momentum", s.momentum());
            m.put("nesterov", s.nesterov());
        } else if (optimizer instanceof Optimizer.Adam a) {
            m.put("beta1", a.beta1());
            m.put("beta2", a.beta2());
            m.put("epsilon", a.epsilon());
        } else if (optimizer instanceof Optimizer.RmsProp r) {
            m.put("alpha", r.alpha());
            m.put("epsilon", r.epsilon());
        }
        m.put("weight_decay", optimizer.weightDecay());
        return m;
    }

    /** {@code {"id":"cosine","minimum_rate":0.0,"warmup_epochs":1.0}} */
    static Map<String, Object> schedule(LearningRateSchedule schedule) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", schedule.id());
        if (schedule instanceof LearningRateSchedule.StepDecay s) {
            m.put("every_epochs", s.everyEpochs());
            m.put("factor", s.factor());
        } else if (schedule instanceof LearningRateSchedule.Exponential e) {
            m.put("factor", e.factor());
        } else if (schedule instanceof LearningRateSchedule.Cosine c) {
            m.put("minimum_rate", c.minimumRate());
            m.put("warmup_epochs", c.warmupEpochs());
        } else if (schedule instanceof LearningRateSchedule.ReduceOnPlateau p) {
            m.put("factor", p.factor());
            m.put("patience", p.patience());
            m.put("minimum_rate", p.minimumRate());
        }
        return m;
    }

    /** {@code {"patience":5,"min_delta":0.0,"restore_best_weights":true}}, or null without early stopping. */
    static Map<String, Object> earlyStopping(EarlyStopping stopping) {
        if (stopping == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("patience", stopping.patience());
        m.put("min_delta", stopping.minDelta());
        m.put("restore_best_weights", stopping.restoreBestWeights());
        return m;
    }

    /**
     * A map of the above in words: its id, then the settings that are not zero or false
     * ({@code adam (beta1 0.9, beta2 0.999, epsilon 1e-8)}; plain {@code sgd}).
     */
    static String words(Map<String, ?> settings) {
        StringBuilder text = new StringBuilder();
        Object id = settings.get("id");
        if (id != null) {
            text.append(id);
        }
        StringBuilder details = new StringBuilder();
        for (Map.Entry<String, ?> e : settings.entrySet()) {
            Object value = e.getValue();
            if (e.getKey().equals("id") || value == null || Boolean.FALSE.equals(value)
                    || value instanceof Number n && n.doubleValue() == 0) {
                continue;
            }
            details.append(details.length() == 0 ? "" : ", ").append(e.getKey().replace('_', ' '));
            if (!(value instanceof Boolean)) {
                details.append(' ').append(value instanceof Number n ? Format.number(n.doubleValue()) : value);
            }
        }
        if (details.length() > 0) {
            text.append(text.length() == 0 ? "" : " ").append('(').append(details).append(')');
        }
        return text.toString();
    }

    /**
     * A run's settings as maps and numbers, from {@link TrainingOptions} or a model file's metadata; in
     * the latter any of them may be missing (null), from an earlier version or another program.
     */
    record Settings(Map<String, Object> optimizer, Double learningRate, Map<String, Object> schedule, Integer batch,
            Integer epochs, Long seed, Double validationFraction, Map<String, Object> earlyStopping) {

        static Settings of(TrainingOptions o) {
            return new Settings(TrainingDescription.optimizer(o.optimizer()), o.learningRate(),
                    TrainingDescription.schedule(o.schedule()), o.batchSize(), o.epochs(), o.seed(),
                    o.validationFraction(), TrainingDescription.earlyStopping(o.earlyStopping()));
        }
    }

    /** The run's settings in one line; see {@link #line(Settings)}. */
    static String line(TrainingOptions o) {
        return line(Settings.of(o));
    }

    /**
     * The run's settings in one line: {@code adam (beta1 0.9, ...), learning rate 0.001, cosine schedule
     * (warmup epochs 1), batch size 64, 30 epochs, seed 42}, then validation and early stopping if any;
     * what is missing is left out.
     */
    static String line(Settings s) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (s.optimizer() != null) {
            parts.add(words(s.optimizer()));
        }
        if (s.learningRate() != null) {
            parts.add("learning rate " + Format.number(s.learningRate()));
        }
        if (s.schedule() != null && !"constant".equals(s.schedule().get("id"))) {
            Map<String, Object> rest = new LinkedHashMap<>(s.schedule());
            Object id = rest.remove("id");
            String details = words(rest);
            parts.add(id + " schedule" + (details.isEmpty() ? "" : " " + details));
        }
        if (s.batch() != null) {
            parts.add("batch size " + s.batch());
        }
        if (s.epochs() != null) {
            parts.add(s.epochs() + (s.epochs() == 1 ? " epoch" : " epochs"));
        }
        if (s.seed() != null) {
            parts.add("seed " + s.seed());
        }
        StringBuilder text = new StringBuilder(String.join(", ", parts));
        if (s.validationFraction() != null && s.validationFraction() > 0) {
            text.append("; validation on ").append(Format.number(100 * s.validationFraction()))
                    .append("% of the training data");
        }
        if (s.earlyStopping() != null && s.earlyStopping().get("patience") instanceof Number patience) {
            text.append("; early stopping after ").append(patience).append(patience.intValue() == 1 ? " epoch" : " epochs")
                    .append(" without improvement");
            if (s.earlyStopping().get("min_delta") instanceof Number delta && delta.doubleValue() > 0) {
                text.append(" of more than ").append(Format.number(delta.doubleValue()));
            }
        }
        return text.toString();
    }
}
