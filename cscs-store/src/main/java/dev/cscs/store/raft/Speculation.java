package dev.cscs.store.raft;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.core.trust.Accepted;
import dev.cscs.core.trust.ChainState;
import dev.cscs.store.ConfigStore;
import java.util.HashSet;
import java.util.Set;

/**
 * The leader's view of the chains including entries it accepted into the log but that are not
 * applied yet, so that two submissions racing for the same seq cannot both reach the log.
 * Anything unexpected (an entry it did not start, a leader change, a cancelled append)
 * drops the view, and the next check starts again from the applied state: always safe,
 * because every replica re-verifies on apply.
 */
final class Speculation {
    private ChainState view;
    private final Set<Digest> pending = new HashSet<>();

    synchronized Accepted check(ConfigStore store, Changeset cs) {
        ChainState base = view != null ? view : store.chainState();
        Accepted a = base.accept(cs);
        view = base;
        pending.add(a.digest());
        return a;
    }

    /** An entry was applied; {@code digest} is its changeset body's digest, or null for other entries. */
    synchronized void applied(Digest digest, boolean accepted) {
        if (digest == null) {
            return;
        }
        if (!accepted || !pending.remove(digest)) {
            reset();
        } else if (pending.isEmpty()) {
            view = null;
        }
    }

    synchronized void reset() {
        view = null;
        pending.clear();
    }
}
