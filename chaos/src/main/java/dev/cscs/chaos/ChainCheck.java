package dev.cscs.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.chaos.History.Outcome;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.ChainState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * After healing: every server's chains, compared entry by entry, verified from the genesis
 * (signatures, seq, prev), and held against the history. {@code lost}: acknowledged, but not in
 * the chain at the seq and digest it was acknowledged with. {@code duplicated}: a nonce committed
 * more than once. A definitely refused write found in the chain is a finding too.
 */
final class ChainCheck {
    /** One committed changeset of the reference chain. */
    record Entry(String domain, long seq, String digest, String key, String nonce) {
    }

    final Map<String, List<Entry>> chains = new LinkedHashMap<>();
    final Map<String, Entry> byNonce = new HashMap<>();
    final List<String> issues = new ArrayList<>();
    int lost;
    int duplicated;

    /** Null when {@code s} did not give its whole chain. */
    static List<JsonNode> fetch(Api api, Server s, String domain) {
        List<JsonNode> all = new ArrayList<>();
        for (int page = 0; page < 100; page++) {
            JsonNode r = api.local(s, "/v1/changesets/" + domain + "?fromSeq=" + (all.size() + 1) + "&limit=5000");
            if (r == null) {
                return null;
            }
            r.path("changesets").forEach(all::add);
            if (all.size() >= r.path("head").path("seq").asLong()) {
                return all;
            }
        }
        return null;
    }

    /** Digests of each server's chain of {@code domain}, for the agreement poll. */
    static Map<String, List<String>> digests(Api api, World world, String domain) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Server s : world.servers) {
            List<JsonNode> c = fetch(api, s, domain);
            out.put(s.id, c == null ? null : c.stream().map(n -> n.path("digest").asText()).toList());
        }
        return out;
    }

    ChainCheck(Api api, World world, History history) {
        ChainState verified = ChainState.fromGenesis(world.genesis, ChangesetCodec.digest(world.genesis.body()));
        for (String d : World.DOMAINS) {
            Map<String, List<String>> views = digests(api, world, d);
            List<String> ref = views.get(world.servers.get(0).id);
            views.forEach((id, v) -> {
                if (v == null || !v.equals(ref)) {
                    issues.add(d + ": " + id + " disagrees with n1 (" + (v == null ? "no answer" : v.size() + " entries") + " vs "
                            + (ref == null ? "no answer" : ref.size()) + ")");
                }
            });
            List<JsonNode> nodes = fetch(api, world.servers.get(0), d);
            List<Entry> chain = new ArrayList<>();
            for (JsonNode n : nodes == null ? List.<JsonNode>of() : nodes) {
                Changeset cs = ChangesetCodec.fromTree(n.path("changeset"), Limits.DEFAULT);
                try {
                    verified.accept(cs);
                } catch (RuntimeException e) {
                    issues.add(d + " seq " + cs.body().seq() + " does not verify: " + e.getMessage());
                }
                Op op = cs.body().ops().get(0);
                Entry e = new Entry(d, cs.body().seq(), ChangesetCodec.digest(cs.body()).toString(), op.key(), cs.body().comment());
                chain.add(e);
                if (byNonce.put(e.nonce(), e) != null) {
                    duplicated++;
                    issues.add("nonce " + e.nonce() + " committed twice (" + d + " seq " + e.seq() + ")");
                }
            }
            chains.put(d, chain);
        }
        for (History.Write w : history.writes()) {
            Entry e = byNonce.get(w.nonce());
            if (w.outcome() == Outcome.ACKED && (e == null || e.seq() != w.seq() || !e.digest().equals(w.digest()))) {
                lost++;
                issues.add("lost: " + w + " (chain has " + e + ")");
            } else if (w.outcome() == Outcome.FAILED && e != null) {
                issues.add("refused, yet committed: " + w + " at " + e);
            }
        }
    }

    boolean committed(String nonce) {
        return byNonce.containsKey(nonce);
    }

    /** The final value (nonce) of each key of {@code domain}. */
    Map<String, String> finalState(String domain) {
        Map<String, String> out = new HashMap<>();
        chains.getOrDefault(domain, List.of()).forEach(e -> out.put(e.key(), e.nonce()));
        return out;
    }

    /** The changeset at (domain, seq), or null. */
    Entry at(String domain, long seq) {
        List<Entry> c = chains.getOrDefault(domain, List.of());
        return seq >= 1 && seq <= c.size() ? c.get((int) seq - 1) : null;
    }
}
