package dev.cscs.store.raft;

import java.time.Duration;

/**
 * What the leader's autopilot keeps true ({@code raft.autopilot} in cscsd.yaml): {@code voters}
 * votes among the members, a voter silent for {@code replaceAfter} handed over to a healthy,
 * caught-up registered replica, and a non-voting member silent for {@code removeDeadAfter} taken
 * out of the Raft configuration (its signed registry record stays).
 *
 * @param minInterval the least time between two autopilot actions, and how long a member must have
 *                    answered without a break before it may be given a vote: the hysteresis that keeps a
 *                    flapping node from swapping the votes back and forth
 */
public record AutopilotSettings(int voters, Duration replaceAfter, Duration removeDeadAfter, Duration minInterval) {
    public static final Duration REPLACE_AFTER = Duration.ofSeconds(30);
    public static final Duration REMOVE_DEAD_AFTER = Duration.ofHours(24);
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
    /**
     * A member that answered the leader within this is live. The leader heartbeats every half
     * election timeout (100 ms by default), so a second of silence is already many lost beats.
     */
    public static final Duration LIVE_WITHIN = Duration.ofSeconds(1);

    /** Checks the settings; the message names the field and the rule, for the config loader to place. */
    public AutopilotSettings {
        if (voters != 3 && voters != 5) {
            throw new IllegalArgumentException("voters: " + voters + " is not 3 or 5");
        }
        if (replaceAfter.compareTo(LIVE_WITHIN.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("replaceAfter: needs at least " + LIVE_WITHIN.multipliedBy(3).toSeconds()
                    + "s (a voter must miss many heartbeats before it is replaced)");
        }
        if (removeDeadAfter.compareTo(replaceAfter) <= 0) {
            throw new IllegalArgumentException("removeDeadAfter: needs to be longer than replaceAfter");
        }
        if (minInterval.isNegative() || minInterval.compareTo(replaceAfter) > 0) {
            throw new IllegalArgumentException("minInterval: needs 0s <= minInterval <= replaceAfter");
        }
    }
}
