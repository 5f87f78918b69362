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
    /** A domain's verified head, or its first break (what, where, why). */
    record Domain(Head head, String code, long seq, long revision, String why) {
        boolean ok() {
            return code == null;
        }
    }

    /** Per domain: the verdict, and the changesets that verified (all of them, or those before the break). */
    record Result(long revision, Map<String, Domain> domains, Map<String, List<Changeset>> verified) {
        boolean ok() {
            return domains.values().stream().allMatch(Domain::ok);
        }

        /** The verified heads, for comparing nodes. */
        Map<String, Head> heads() {
            Map<String, Head> out = new LinkedHashMap<>();
            domains.forEach((d, v) -> {
                if (v.head() != null) {
                    out.put(d, v.head());
                }
            });
            return out;
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

    /** Every chain the policy (at any time) names, {@code _nodes} included. */
    static Result run(ApiClient api, Changeset genesis) {
        return run(api, genesis, null);
    }

    /** {@code _trust} and {@code domain} only (every chain when {@code domain} is null). */
    static Result run(ApiClient api, Changeset genesis, String domain) {
        ChainState state = ChainState.fromGenesis(genesis, null);
        long revision = api.get("/v1/changesets/" + Names.TRUST + "?limit=0").path("revision").asLong();
        Map<String, ChangesetPages.Listed> listed = new LinkedHashMap<>();
        Map<String, Domain> out = new LinkedHashMap<>();
        list(api, state, Names.TRUST, revision, listed, out);
        TreeSet<String> domains = new TreeSet<>();
        if (domain != null) {
            domains.add(domain);
        } else {
            domains.addAll(state.policy().domains().keySet());
            domains.add(Names.NODES);
            for (JsonNode s : listed.get(Names.TRUST).entries()) {
                // domains a later policy added (or removed again) have chains too
                s.path("changeset").path("body").path("policy").path("domains").fieldNames().forEachRemaining(domains::add);
            }
        }
        domains.remove(Names.TRUST);
        domains.forEach(d -> list(api, state, d, revision, listed, out));
        List<JsonNode> all = new ArrayList<>();
        listed.values().forEach(l -> all.addAll(l.entries()));
        all.sort(Comparator.comparingLong(s -> s.path("revision").asLong()));
        Map<String, List<Changeset>> verified = new LinkedHashMap<>();
        listed.keySet().forEach(d -> {
            out.putIfAbsent(d, new Domain(state.head(d), null, 0, 0, null));
            verified.put(d, new ArrayList<>());
        });
        for (JsonNode s : all) {
            String d = s.path("domain").asText();
            if (out.get(d).ok()) {
                out.put(d, verify(state, genesis, s, verified.get(d)));
            }
        }
        listed.forEach((d, l) -> {
            Domain v = out.get(d);
            long seq = l.head().path("seq").asLong();
            long verifiedSeq = v.head() == null ? 0 : v.head().seq();
            boolean claimed = v.ok() && l.revision() == revision && (seq > 0 || verifiedSeq > 0);
            if (claimed && (seq != verifiedSeq || !l.head().path("digest").asText().equals(v.head().digest().toString()))) {
                out.put(d, new Domain(v.head(), "head-mismatch", seq, revision, "the node reports head " + seq + " "
                        + l.head().path("digest").asText() + " but the chain it served ends at " + verifiedSeq + " "
                        + (v.head() == null ? "(none)" : v.head().digest())));
            }
        });
        return new Result(revision, out, verified);
    }

    /** Lists one chain; a domain the node does not have has an empty one, a listing that does not hold together is a break. */
    private static void list(ApiClient api, ChainState state, String d, long revision, Map<String, ChangesetPages.Listed> listed,
                             Map<String, Domain> out) {
        try {
            listed.put(d, ChangesetPages.fetch(api, d, revision));
        } catch (CscsException e) {
            if (e.code() != ErrorCode.MALFORMED && e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.UNKNOWN_DOMAIN) {
                throw e;
            }
            listed.put(d, new ChangesetPages.Listed(Printer.object(), revision, List.of()));
            if (e.code() == ErrorCode.MALFORMED) {
                out.put(d, new Domain(state.head(d), e.code().code(), 0, revision, e.getMessage()));
            }
        }
    }

    private static Domain verify(ChainState state, Changeset genesis, JsonNode s, List<Changeset> verified) {
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
            } else {
                Accepted a = state.accept(cs);
                if (!a.digest().toString().equals(s.path("digest").asText())) {
                    throw new CscsException(ErrorCode.MALFORMED, "listed with digest " + s.path("digest").asText()
                            + " but its body hashes to " + a.digest());
                }
            }
            verified.add(cs);
            return new Domain(state.head(d), null, 0, 0, null);
        } catch (CscsException e) {
            return new Domain(state.head(d), e.code().code(), seq, rev, e.getMessage());
        }
    }
}
