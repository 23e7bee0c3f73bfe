/**
 * The {@code nn} command line, and nothing else: one class per command ({@code TrainCommand},
 * {@code EvaluateCommand}, ...), the option groups they share as picocli mixins ({@code DataOptions},
 * {@code BackendOptions}, {@code PrecisionOption}, {@code TrainingSettings}, {@code OutputOptions}), and
 * the output for people and scripts ({@code Format}, {@code Charts}, {@code ProgressOutput}, {@code Json}).
 *
 * <p>It decides nothing the library decides: backends are found and chosen by nn-api's
 * {@code BackendSelector}, option values are checked by the library objects they become (a rejected
 * value becomes a {@link org.jnn.cli.UsageException} naming the option), data come from nn-mnist, and
 * {@code ErrorHandler} turns every failure into a message and an exit status. It depends on nn-api,
 * nn-core, nn-mnist and, at run time, the backends.
 */
package org.jnn.cli;
