package org.jnn.cli;

/**
 * The current rate of a count, in units per second: an exponentially weighted average of the rate
 * between successive observations, in which an observation {@code dt} seconds old weighs
 * {@code exp(-dt / window)}. Dividing the count by the whole seconds elapsed jumps about (5,160, then
 * 10,560, then 6,240 while the true rate stays near 7,260) and lags behind a change of speed; this does
 * neither.
 */
final class SmoothedRate {

    private final double windowSeconds;
    private long lastCount;
    private long lastNanos;
    private boolean started;
    private double perSecond = Double.NaN;

    /** @param windowSeconds roughly how far back the average looks */
    SmoothedRate(double windowSeconds) {
        this.windowSeconds = windowSeconds;
    }

    /** The count has reached {@code count} at time {@code nanos} (any monotonic clock, in nanoseconds). */
    synchronized void observe(long count, long nanos) {
        if (!started) {
            started = true;
            lastCount = count;
            lastNanos = nanos;
            return;
        }
        double seconds = (nanos - lastNanos) / 1e9;
        if (seconds <= 0 || count == lastCount && Double.isNaN(perSecond)) {
            return; // nothing to learn yet
        }
        double rate = (count - lastCount) / seconds;
        double weight = 1 - Math.exp(-seconds / windowSeconds);
        perSecond = Double.isNaN(perSecond) ? rate : perSecond + weight * (rate - perSecond);
        lastCount = count;
        lastNanos = nanos;
    }

    /** Units per second, or NaN before there is a rate. */
    synchronized double perSecond() {
        return perSecond;
    }
}
