package org.jnn.cli;

import org.jnn.api.Precision;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --precision}: the floating-point precision of the arithmetic. */
final class PrecisionOption {

    @Option(names = "--precision", paramLabel = "f64|f32", converter = Converter.class, defaultValue = "f64",
            description = "Floating-point precision of the arithmetic; compare skips backends without it. "
                    + "Default: ${DEFAULT-VALUE}.")
    Precision precision = Precision.F64;

    /** Parses f64/f32 (also double/float). */
    static final class Converter implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            try {
                return Precision.fromId(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
