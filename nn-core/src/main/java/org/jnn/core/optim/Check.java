package org.jnn.core.optim;

/** Argument checks with messages that name the setting and the allowed range. */
final class Check {

    private Check() {
    }

    static void range(String name, double value, double low, double high, boolean highIncluded) {
        if (!(value >= low && (highIncluded ? value <= high : value < high))) {
            throw new IllegalArgumentException(name + " must be in [" + low + ", " + high + (highIncluded ? "]" : ")")
                    + ", got " + value);
        }
    }

    /** A factor in (0, 1], or (0, 1) when 1 is not {@code oneIncluded}. */
    static void fraction(String name, double value, boolean oneIncluded) {
        if (!(value > 0 && (oneIncluded ? value <= 1 : value < 1))) {
            throw new IllegalArgumentException(name + " must be in (0, 1" + (oneIncluded ? "]" : ")") + ", got " + value);
        }
    }

    static void positive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number above 0, got " + value);
        }
    }

    static void nonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number of at least 0, got " + value);
        }
    }

    static void atLeast(String name, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", got " + value);
        }
    }
}
