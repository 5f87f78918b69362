package dev.cscs.store;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.trust.Accepted;
import dev.cscs.core.trust.ChainState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Re-verifies every stored chain from the genesis, in revision order, with a fresh verifier:
 * signatures, thresholds, scopes, seq and prev links, and the stored digests.
 */
public final class ChainAudit {
    /** One place where a chain does not hold. */
    public record Break(long revision, String domain, long seq, String code, String message) {
    }

    public record Result(int checked, Map<String, Head> heads, List<Break> breaks) {
        public boolean ok() {
            return breaks.isEmpty();
        }
    }

    private ChainAudit() {
    }

    public static Result run(ConfigStore store) {
        List<StoredChangeset> all = store.allChangesets();
        List<Break> breaks = new ArrayList<>();
        ChainState state;
        try {
            state = ChainState.fromGenesis(all.get(0).changeset(), all.get(0).digest());
        } catch (CscsException e) {
            return new Result(0, Map.of(), List.of(new Break(0, "_trust", 1, e.code().code(), "genesis: " + e.getMessage())));
        }
        long lastRevision = 0;
        for (StoredChangeset s : all.subList(1, all.size())) {
            if (s.revision() <= lastRevision) {
                breaks.add(new Break(s.revision(), s.domain(), s.seq(), "order", "revision does not increase"));
            }
            lastRevision = s.revision();
            try {
                Accepted a = state.accept(s.changeset());
                Digest stored = s.digest();
                if (!a.digest().matches(stored)) {
                    breaks.add(new Break(s.revision(), s.domain(), s.seq(), "digest", "stored digest " + stored
                            + " is not the changeset's digest " + a.digest()));
                }
            } catch (CscsException e) {
                breaks.add(new Break(s.revision(), s.domain(), s.seq(), e.code().code(), e.getMessage()));
            }
        }
        Map<String, Head> heads = new TreeMap<>(state.heads());
        if (!heads.equals(store.heads())) {
            breaks.add(new Break(store.lastRevision(), "*", 0, "heads", "the store's heads " + store.heads()
                    + " differ from the verified heads " + heads));
        }
        return new Result(all.size(), heads, breaks);
    }
}
