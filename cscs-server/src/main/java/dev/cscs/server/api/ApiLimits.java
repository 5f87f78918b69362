package dev.cscs.server.api;

/**
 * Per-client limits of the API.
 *
 * @param writesPerSecond steady submissions per second per client address (0: unlimited)
 * @param writeBurst submissions a client may make at once before the steady rate applies
 * @param watchesPerClient open watch streams per client address
 */
public record ApiLimits(double writesPerSecond, double writeBurst, int watchesPerClient) {
    public static final ApiLimits DEFAULT = new ApiLimits(20, 100, 16);
}
