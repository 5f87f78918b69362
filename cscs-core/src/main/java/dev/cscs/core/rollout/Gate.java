package dev.cscs.core.rollout;

import java.time.Duration;

/**
 * The gate between a wave and the next: from what the wave's devices reported, advance, wait or
 * halt. Too many failures halt at once, soak or not; the next wave opens once enough devices
 * applied the change without failure and the wave has been open for the plan's soak time. A wave
 * bound by a selector that has no device halts (a mistyped label would otherwise skip the canary);
 * a percentage that took no device has nothing to wait for.
 */
public final class Gate {
    /** What a wave's devices reported: how many there are, applied the change without failure, and failed. */
    public record Tally(int members, int applied, int failed) {
        public Tally {
            if (members < 0 || applied < 0 || failed < 0 || applied + failed > members) {
                throw new IllegalArgumentException("a tally of " + applied + " applied and " + failed + " failed of " + members);
            }
        }
    }

    /** The gate's verdict. */
    public sealed interface Verdict permits Advance, Wait, Halt {
        String why();
    }

    public record Advance(String why) implements Verdict {
    }

    public record Wait(String why) implements Verdict {
    }

    public record Halt(String why) implements Verdict {
    }

    private Gate() {
    }

    public static Verdict judge(RolloutPlan plan, int wave, Tally t, Duration open) {
        RolloutPlan.Wave w = plan.waves().get(wave);
        String name = "wave " + w.name();
        if (t.members() == 0) {
            return w.selector().isPresent()
                    ? new Halt(name + " has no device (selector " + w.selector().get() + "): nothing to judge it by")
                    : new Advance(name + " took no device");
        }
        String counts = t.applied() + " applied, " + t.failed() + " failed of " + t.members() + " devices";
        // in whole numbers: failed/members > max% exactly when 100·failed > max·members
        if (100L * t.failed() > (long) plan.maxFailedPercent() * t.members()) {
            return new Halt(name + ": " + counts + " (" + percent(t.failed(), t.members()) + " failed; the plan allows "
                    + plan.maxFailedPercent() + "%)");
        }
        if (100L * t.applied() < (long) plan.minAppliedPercent() * t.members()) {
            return new Wait(name + ": " + counts + " (needs " + plan.minAppliedPercent() + "% applied)");
        }
        if (open.compareTo(plan.soak()) < 0) {
            return new Wait(name + ": " + counts + "; soaking " + open.toSeconds() + " of " + plan.soak().toSeconds() + " s");
        }
        return new Advance(name + ": " + counts + " after " + open.toSeconds() + " s");
    }

    private static String percent(int part, int whole) {
        return Math.round(1000.0 * part / whole) / 10.0 + "%";
    }
}
