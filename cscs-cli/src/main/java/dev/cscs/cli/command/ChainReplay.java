package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A domain's chain read from {@code GET /v1/changesets/{domain}} and checked link by link before
 * anything is derived from it: seqs run 1, 2, … to the head with no gap, each digest is
 * recomputed from the canonical body (never taken from the server), each {@code prev} is the
 * digest of the changeset before it, and the last one is the head the server reports. A server
 * that edits, drops or reorders a changeset is caught. Signatures are not checked here (that
 * needs the trust policy as it was at each seq: {@code cscs audit}); seq 1's {@code prev}, the
 * trust changeset that added the domain, is taken as the server gives it.
 */
final class ChainReplay {
    private static final int PAGE = 1000;
    private final String domain;
    private final List<Changeset> chain;

    private ChainReplay(String domain, List<Changeset> chain) {
        this.domain = domain;
        this.chain = chain;
    }

    static ChainReplay read(ApiClient api, String domain) {
        List<Changeset> chain = new ArrayList<>();
        Digest prev = null;
        long headSeq = -1;
        Digest headDigest = null;
        while (true) {
            JsonNode page = api.get("/v1/changesets/" + domain + "?fromSeq=" + (chain.size() + 1) + "&limit=" + PAGE);
            if (headDigest == null) {
                // the head of the first page is the one replayed to: later pages may see a newer one
                headSeq = page.path("head").path("seq").asLong();
                headDigest = Digest.parse(page.path("head").path("digest").asText());
            }
            JsonNode list = page.path("changesets");
            for (JsonNode stored : list) {
                if (chain.size() >= headSeq) {
                    break;
                }
                Changeset cs = ChangesetCodec.fromTree(stored.path("changeset"), Limits.DEFAULT);
                ChangesetBody body = cs.body();
                long want = chain.size() + 1;
                if (!body.domain().equals(domain) || body.seq() != want || stored.path("seq").asLong() != want) {
                    throw broken("expected " + domain + " seq " + want + ", got " + body.domain() + " seq " + body.seq());
                }
                Digest digest = ChangesetCodec.digest(body);
                if (!digest.toString().equals(stored.path("digest").asText())) {
                    throw broken("seq " + want + ": the server's digest " + stored.path("digest").asText()
                            + " is not that of the body (" + digest + ")");
                }
                if (prev != null && !body.prev().equals(prev)) {
                    throw broken("seq " + want + " links to " + body.prev() + ", not to seq " + (want - 1) + " (" + prev + ")");
                }
                prev = digest;
                chain.add(cs);
            }
            if (chain.size() >= headSeq || list.isEmpty()) {
                break;
            }
        }
        if (chain.size() != headSeq || (prev != null && !prev.equals(headDigest))) {
            throw broken("the chain ends at seq " + chain.size() + " (" + prev + ") but the head is seq " + headSeq
                    + " (" + headDigest + ")");
        }
        return new ChainReplay(domain, chain);
    }

    private static CscsException broken(String why) {
        return new CscsException(ErrorCode.BAD_SIGNATURE, "the chain the server sent does not hold together: " + why);
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
