package dev.cscs.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The seeded fault schedule: the same seed and length give the same list (kinds, targets, hold
 * and gap times). The first faults are every kind once, in a seeded order, so that a short run
 * still exercises each; the rest are drawn by weight. Targets are indices (a server, a voter, an
 * agent); the leader is whoever leads when the fault starts.
 */
final class Schedule {
    enum Kind {
        KILL("kill", 3), STOP("stop", 2), PARTITION("partition", 2), ISOLATE_LEADER("isolate-leader", 1),
        POWER_CUT("power-cut", 1), AGENT_FILES("agent-files", 2), AGENT_KILL("agent-kill", 1);

        final String wire;
        final int weight;

        Kind(String wire, int weight) {
            this.wire = wire;
            this.weight = weight;
        }
    }

    /** {@code target}: server, voter or agent index; {@code aux}: minority size, or file mode; times in ms. */
    record Fault(Kind kind, int target, int aux, long holdMs, long gapMs, long seed) {
        @Override
        public String toString() {
            return kind.wire + "(target " + target + ", aux " + aux + ", hold " + holdMs + " ms, then " + gapMs + " ms)";
        }
    }

    private Schedule() {
    }

    static List<Fault> of(long seed, long millis) {
        Random rnd = new Random(seed);
        List<Kind> first = new ArrayList<>(List.of(Kind.values()));
        Collections.shuffle(first, rnd);
        List<Fault> out = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 200 && t < millis; i++) {
            Kind k = i < first.size() ? first.get(i) : draw(rnd);
            Fault f = new Fault(k, rnd.nextInt(k == Kind.POWER_CUT ? 3 : k.name().startsWith("AGENT") ? 2 : 5),
                    k == Kind.PARTITION ? 1 + rnd.nextInt(2) : rnd.nextInt(3), 2000 + rnd.nextInt(3000), 3000 + rnd.nextInt(3000),
                    rnd.nextLong());
            out.add(f);
            t += f.holdMs() + f.gapMs();
        }
        return out;
    }

    private static Kind draw(Random rnd) {
        int total = 0;
        for (Kind k : Kind.values()) {
            total += k.weight;
        }
        int x = rnd.nextInt(total);
        for (Kind k : Kind.values()) {
            x -= k.weight;
            if (x < 0) {
                return k;
            }
        }
        throw new IllegalStateException();
    }
}
