package dev.cscs.store.raft;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps a flood of bad input from becoming a flood of log entries: at most one alert per
 * origin and reason per interval; the ones held back are counted into the next.
 */
final class AlertThrottle {
    private final Clock clock;
    private final Duration interval;
    private final Map<String, Instant> last = new HashMap<>();
    private final Map<String, Integer> heldBack = new HashMap<>();

    AlertThrottle(Clock clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
    }

    /** Returns how many were held back before this one (so the alert can say so), or -1 to hold this one back. */
    synchronized int admit(String origin, String code) {
        String key = origin + "\u0000" + code;
        Instant now = clock.instant();
        Instant prev = last.get(key);
        if (prev != null && now.isBefore(prev.plus(interval))) {
            heldBack.merge(key, 1, Integer::sum);
            return -1;
        }
        last.put(key, now);
        if (last.size() > 10_000) {
            last.clear();
            heldBack.clear();
        }
        Integer n = heldBack.remove(key);
        return n == null ? 0 : n;
    }
}
