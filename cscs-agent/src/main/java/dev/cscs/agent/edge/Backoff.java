package dev.cscs.agent.edge;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter, between {@code min} and {@code max}: after {@code n}
 * consecutive failures the wait is drawn from [base/2, base] with base = min·2<sup>n-1</sup>
 * (capped), so a fleet that lost its server does not come back in lockstep.
 */
record Backoff(Duration min, Duration max, DoubleSupplier random) {
    Duration delay(int failures) {
        if (failures <= 0) {
            return min;
        }
        long minMs = min.toMillis();
        long maxMs = max.toMillis();
        long base = minMs << Math.min(failures - 1, 30);
        if (base <= 0 || base > maxMs) {
            base = maxMs;
        }
        long ms = base / 2 + (long) (random.getAsDouble() * (base - base / 2));
        return Duration.ofMillis(Math.max(minMs, Math.min(maxMs, ms)));
    }
}
