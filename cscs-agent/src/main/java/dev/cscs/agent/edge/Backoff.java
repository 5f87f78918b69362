package dev.cscs.agent.edge;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter, between {@code min} and {@code max}: after {@code n}
 * consecutive failures (0 after a connection that worked) the wait is drawn from
 * [ceiling/2, ceiling] with ceiling = min·2<sup>n+1</sup>, capped at {@code max}, and never
 * below {@code min}. Every wait is jittered, the first one too: when a server dies, all of its
 * agents see the drop at the same instant and retry after their first wait, so a fixed first
 * wait would bring them back in lockstep onto the next server.
 */
record Backoff(Duration min, Duration max, DoubleSupplier random) {
    Duration delay(int failures) {
        long minMs = min.toMillis();
        long maxMs = max.toMillis();
        long ceiling = minMs << Math.min(Math.max(failures, 0) + 1, 30);
        if (ceiling <= 0 || ceiling > maxMs) {
            ceiling = maxMs;
        }
        long ms = ceiling / 2 + (long) (random.getAsDouble() * (ceiling - ceiling / 2));
        return Duration.ofMillis(Math.max(minMs, Math.min(maxMs, ms)));
    }
}
