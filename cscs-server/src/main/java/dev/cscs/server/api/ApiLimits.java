package dev.cscs.server.api;

import java.time.Duration;

/**
 * Per-client limits of the API, and when a silent node counts as stale.
 *
 * @param writesPerSecond steady submissions per second per client (0: unlimited)
 * @param writeBurst submissions a client may make at once before the steady rate applies
 * @param watchesPerClient open watch streams per client
 * @param requestTimeout the longest a request body may take to arrive once its handler reads it
 * @param concurrentPerClient requests of one client in handlers at once; more get 429
 * @param staleAfter a node not heard from for this long is {@code stale} in the fleet view ({@code api.staleAfter})
 */
public record ApiLimits(double writesPerSecond, double writeBurst, int watchesPerClient, Duration requestTimeout,
                        int concurrentPerClient, Duration staleAfter) {
    public static final Duration STALE_AFTER = Duration.ofMinutes(3);
    public static final ApiLimits DEFAULT = new ApiLimits(20, 100, 16, Duration.ofSeconds(10), 16, STALE_AFTER);

    public ApiLimits withStaleAfter(Duration stale) {
        return new ApiLimits(writesPerSecond, writeBurst, watchesPerClient, requestTimeout, concurrentPerClient, stale);
    }
}
