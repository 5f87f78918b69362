package dev.cscs.chaos;

import dev.cscs.chaos.History.Outcome;
import dev.cscs.chaos.Linearizability.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Linearizability of the single-key reads, key by key (a register per key: P-compositionality).
 * Writes enter with their chain seq as version: acknowledged ones with their completion time,
 * unknown ones that the agreed chain holds as unknown (any time after invocation); unknown ones
 * the chain does not hold never took effect and are left out, as are refused ones.
 */
final class ReadCheck {
    private static final long MAX_STEPS = 20_000_000;
    final List<String> issues = new ArrayList<>();
    boolean linearizable = true;

    ReadCheck(History history, ChainCheck chain) {
        for (String d : World.DOMAINS) {
            for (String k : World.KEYS) {
                List<Op> ops = new ArrayList<>();
                for (History.Write w : history.writes()) {
                    if (!w.domain().equals(d) || !w.key().equals(k) || !chain.committed(w.nonce())) {
                        continue;
                    }
                    long complete = w.outcome() == Outcome.ACKED ? w.complete() : Linearizability.UNKNOWN;
                    ops.add(Op.write(w.nonce(), w.nonce(), w.seq(), w.invoke(), complete));
                }
                history.reads().stream().filter(r -> r.domain().equals(d) && r.key().equals(k))
                        .forEach(r -> ops.add(Op.read("read via " + r.via(), r.nonce(), r.invoke(), r.complete())));
                Linearizability.Result r = Linearizability.check(ops, MAX_STEPS);
                if (r.verdict() != Linearizability.Verdict.LINEARIZABLE) {
                    linearizable = false;
                    issues.add(d + "/" + k + ": " + r.verdict() + " (" + ops.size() + " ops, " + r.steps() + " steps): " + r.detail());
                }
            }
        }
    }
}
