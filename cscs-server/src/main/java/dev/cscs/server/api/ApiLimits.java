package dev.cscs.server.api;

import java.time.Duration;

/**
 * Per-client limits of the API.
 *
 * @param writesPerSecond steady submissions per second per client (0: unlimited)
 * @param writeBurst submissions a client may make at once before the steady rate applies
 * @param watchesPerClient open watch streams per client
 * @param requestTimeout the longest a request body may take to arrive once its handler reads it
 * @param concurrentPerClient requests of one client in handlers at once; more get 429
 */
public record ApiLimits(double writesPerSecond, double writeBurst, int watchesPerClient, Duration requestTimeout,
                        int concurrentPerClient) {
    public static final ApiLimits DEFAULT = new ApiLimits(20, 100, 16, Duration.ofSeconds(10), 16);
}
