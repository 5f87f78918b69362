package dev.cscs.server.api;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per client ({@link ClientKey}) for the write endpoints: a steady rate with a burst on
 * top. A flood from one origin gets 429 without costing the node anything beyond this map;
 * the map is bounded, and idle buckets are forgotten.
 */
final class RateLimiter {
    private static final int MAX_CLIENTS = 10_000;
    private final Clock clock;
    private final double perSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }
    }

    RateLimiter(Clock clock, double perSecond, double burst) {
        this.clock = clock;
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Whether one more request from {@code origin} may pass now. */
    boolean allow(String origin) {
        if (perSecond <= 0) {
            return true;
        }
        long now = clock.millis() * 1_000_000L;
        if (buckets.size() > MAX_CLIENTS) {
            buckets.entrySet().removeIf(e -> now - e.getValue().lastNanos > 60_000_000_000L);
            if (buckets.size() > MAX_CLIENTS) {
                buckets.clear();
            }
        }
        Bucket b = buckets.computeIfAbsent(origin, o -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.lastNanos) / 1e9 * perSecond);
            b.lastNanos = now;
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        }
    }
}
