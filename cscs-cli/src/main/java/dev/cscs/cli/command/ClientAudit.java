package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.cli.Printer;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Names;
import dev.cscs.core.trust.Accepted;
import dev.cscs.core.trust.ChainState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Verifies a node's chains on this machine, from the genesis the operator holds: the node
 * only supplies the changesets. Every chain is replayed in revision order through
 * {@link ChainState}, as the node itself applied them, so a domain changeset is checked
 * against the policy in force when it was committed. Only changesets up to the revision of
 * the first {@code _trust} read are checked, so commits racing the audit are not mistaken
 * for breaks.
 */
final class ClientAudit {
    private static final int PAGE = 1000;

    /** A domain's verified head, or its first break (what, where, why). */
    record Domain(Head head, String code, long seq, long revision, String why) {
        boolean ok() {
            return code == null;
        }
    }

    record Result(long revision, Map<String, Domain> domains) {
        boolean ok() {
            return domains.values().stream().allMatch(Domain::ok);
        }

        ObjectNode toJson(String endpoint, String node) {
            ObjectNode o = Printer.object().put("endpoint", endpoint).put("node", node).put("revision", revision).put("ok", ok());
            ObjectNode ds = o.putObject("domains");
            domains.forEach((name, d) -> {
                ObjectNode x = ds.putObject(name).put("ok", d.ok()).put("seq", d.head() == null ? 0 : d.head().seq())
                        .put("head", d.head() == null ? null : d.head().digest().toString());
                if (!d.ok()) {
                    x.putObject("break").put("code", d.code()).put("seq", d.seq()).put("revision", d.revision()).put("message", d.why());
                }
            });
            return o;
        }
    }

    private ClientAudit() {
    }

    static Result run(ApiClient api, Changeset genesis) {
        ChainState state = ChainState.fromGenesis(genesis, null);
        JsonNode firstTrust = api.get("/v1/changesets/" + Names.TRUST + "?limit=0");
        long revision = firstTrust.path("revision").asLong();
        Map<String, List<JsonNode>> chains = new LinkedHashMap<>();
        Map<String, JsonNode> claimed = new LinkedHashMap<>();
        chains.put(Names.TRUST, fetch(api, Names.TRUST, revision, claimed));
        TreeSet<String> domains = new TreeSet<>(state.policy().domains().keySet());
        domains.add(Names.NODES);
        for (JsonNode s : chains.get(Names.TRUST)) {
            // domains a later policy added (or removed again) have chains too
            s.path("changeset").path("body").path("policy").path("domains").fieldNames().forEachRemaining(domains::add);
        }
        for (String d : domains) {
            chains.put(d, fetch(api, d, revision, claimed));
        }
        List<JsonNode> all = new ArrayList<>();
        chains.values().forEach(all::addAll);
        all.sort(Comparator.comparingLong(s -> s.path("revision").asLong()));
        Map<String, Domain> out = new LinkedHashMap<>();
        chains.keySet().forEach(d -> out.put(d, new Domain(state.head(d), null, 0, 0, null)));
        for (JsonNode s : all) {
            String d = s.path("domain").asText();
            if (!out.get(d).ok()) {
                continue;
            }
            Domain verdict = verify(state, genesis, s);
            out.put(d, verdict);
        }
        claimed.forEach((d, head) -> {
            Domain v = out.get(d);
            long seq = head.path("seq").asLong();
            if (v.ok() && v.head() != null && (seq > 0 || v.head().seq() > 0) && (seq != v.head().seq() || !head.path("digest").asText().equals(v.head().digest().toString()))) {
                out.put(d, new Domain(v.head(), "head-mismatch", seq, revision, "the node reports head " + seq + " "
                        + head.path("digest").asText() + " but the chain it served ends at " + v.head().seq() + " " + v.head().digest()));
            }
        });
        return new Result(revision, out);
    }

    private static Domain verify(ChainState state, Changeset genesis, JsonNode s) {
        String d = s.path("domain").asText();
        long seq = s.path("seq").asLong();
        long rev = s.path("revision").asLong();
        try {
            Changeset cs = ChangesetCodec.fromTree(s.path("changeset"), Limits.DEFAULT);
            if (!cs.body().domain().equals(d) || cs.body().seq() != seq) {
                throw new CscsException(ErrorCode.MALFORMED, "listed as " + d + " seq " + seq + " but the changeset is "
                        + cs.body().domain() + " seq " + cs.body().seq());
            }
            if (Names.TRUST.equals(d) && seq == 1) {
                if (!ChangesetCodec.digest(cs.body()).equals(ChangesetCodec.digest(genesis.body()))) {
                    throw new CscsException(ErrorCode.UNTRUSTED_ANCHOR, "the node's genesis " + ChangesetCodec.digest(cs.body())
                            + " is not the one given, " + ChangesetCodec.digest(genesis.body()));
                }
                return new Domain(state.head(d), null, 0, 0, null);
            }
            Accepted a = state.accept(cs);
            if (!a.digest().toString().equals(s.path("digest").asText())) {
                throw new CscsException(ErrorCode.MALFORMED, "listed with digest " + s.path("digest").asText()
                        + " but its body hashes to " + a.digest());
            }
            return new Domain(state.head(d), null, 0, 0, null);
        } catch (CscsException e) {
            return new Domain(state.head(d), e.code().code(), seq, rev, e.getMessage());
        }
    }

    /** The chain of {@code domain} up to {@code revision}, page by page; its claimed head kept in {@code claimed}. */
    private static List<JsonNode> fetch(ApiClient api, String domain, long revision, Map<String, JsonNode> claimed) {
        List<JsonNode> out = new ArrayList<>();
        long from = 1;
        while (true) {
            JsonNode page;
            try {
                page = api.get("/v1/changesets/" + domain + "?fromSeq=" + from + "&limit=" + PAGE);
            } catch (CscsException e) {
                if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.UNKNOWN_DOMAIN) {
                    return out;
                }
                throw e;
            }
            if (page.path("revision").asLong() == revision && from == 1) {
                claimed.put(domain, page.path("head"));
            }
            int n = 0;
            for (JsonNode s : page.path("changesets")) {
                n++;
                if (s.path("revision").asLong() <= revision) {
                    out.add(s);
                }
                from = s.path("seq").asLong() + 1;
            }
            if (n < PAGE) {
                return out;
            }
        }
    }
}
