package dev.cscs.store.raft;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.core.trust.Accepted;
import dev.cscs.core.trust.ChainState;
import dev.cscs.store.ConfigStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The leader's view of the chains including entries it accepted into the log but that are not
 * applied yet, so that two submissions racing for the same seq cannot both reach the log.
 *
 * <p>When one of those entries does not go as expected (it was cancelled before the log, or
 * rejected on apply) or an entry it did not start is applied, the view is rebuilt from the
 * applied state and the entries still pending, in the order they were accepted; dropping the
 * pending ones instead would let a racing submission for their seq into the log. A submission
 * it refused was never part of the view: its cancellation changes nothing. Only a leader change
 * or a restore drops everything (a new leader accepts nothing before its predecessors' entries
 * are applied). Always safe either way, because every replica re-verifies on apply.
 */
final class Speculation {
    private ChainState view;
    private final Map<Digest, Changeset> pending = new LinkedHashMap<>();

    synchronized Accepted check(ConfigStore store, Changeset cs) {
        ChainState base = view != null ? view : store.chainState();
        Accepted a = base.accept(cs);
        view = base;
        pending.put(a.digest(), cs);
        return a;
    }

    /** An entry was applied; {@code digest} is its changeset body's digest, or null for other entries. */
    synchronized void applied(ConfigStore store, Digest digest, boolean accepted) {
        if (digest == null) {
            return;
        }
        if (pending.remove(digest) == null || !accepted) {
            rebuild(store);
        } else if (pending.isEmpty()) {
            view = null;
        }
    }

    /** An entry {@link #check} accepted will not reach the log after all. */
    synchronized void cancelled(ConfigStore store, Digest digest) {
        if (pending.remove(digest) != null) {
            rebuild(store);
        }
    }

    synchronized void reset() {
        view = null;
        pending.clear();
    }

    private void rebuild(ConfigStore store) {
        if (pending.isEmpty()) {
            view = null;
            return;
        }
        ChainState base = store.chainState();
        for (Changeset cs : pending.values()) {
            try {
                base.accept(cs);
            } catch (CscsException e) {
                // applied meanwhile, or built on what was cancelled: the apply decides, as it always does
            }
        }
        view = base;
    }
}
