package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.ChainState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A domain's chain as the cluster committed it, verified on this machine from the genesis the
 * operator holds before anything is derived from it: {@link ClientAudit} replays {@code _trust}
 * and the domain through {@link ChainState}, so every changeset's signatures, threshold, scope,
 * seq, {@code prev} link and digest are checked, and the head the node claims must be the last
 * one. A node that edits, drops, reorders or forges a changeset cannot make {@code revert} sign
 * values of its own choosing.
 */
final class ChainReplay {
    private final String domain;
    private final List<Changeset> chain;

    private ChainReplay(String domain, List<Changeset> chain) {
        this.domain = domain;
        this.chain = chain;
    }

    static ChainReplay verified(ApiClient api, Changeset genesis, String domain) {
        api.get("/v1/changesets/" + domain + "?limit=0"); // an unknown domain is the node's own precise error
        ClientAudit.Result r = ClientAudit.run(api, genesis, domain);
        r.domains().forEach((d, v) -> {
            if (!v.ok()) {
                throw new CscsException(ErrorCode.BAD_SIGNATURE, "the history " + api.base() + " sent does not verify from the "
                        + "genesis: " + d + " seq " + v.seq() + ": " + v.why());
            }
        });
        return new ChainReplay(domain, r.verified().getOrDefault(domain, List.of()));
    }

    long headSeq() {
        return chain.size();
    }

    /** A value and the seq that set it. */
    record Entry(JsonNode value, long seq) {
    }

    /** The domain's values after seq {@code seq} (0: before any changeset). */
    Map<String, Entry> stateAt(long seq) {
        if (seq < 0 || seq > chain.size()) {
            throw new CscsException(ErrorCode.USAGE, "seq " + seq + " is not in " + domain + "'s chain (0.." + chain.size() + ")");
        }
        Map<String, Entry> state = new TreeMap<>();
        for (Changeset cs : chain.subList(0, (int) seq)) {
            for (Op op : cs.body().ops()) {
                if (op instanceof Op.Put) {
                    state.put(op.key(), new Entry(((Op.Put) op).value(), cs.body().seq()));
                } else {
                    state.remove(op.key());
                }
            }
        }
        return state;
    }

    Map<String, JsonNode> valuesAt(long seq) {
        Map<String, JsonNode> values = new TreeMap<>();
        stateAt(seq).forEach((k, e) -> values.put(k, e.value()));
        return values;
    }
}
