package dev.cscs.chaos;

import com.fasterxml.jackson.databind.JsonNode;
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
 * After healing: every server's chains, compared entry by entry, the first server's verified
 * from the genesis (signatures, seq, prev), and held against the history. {@code lost}:
 * acknowledged, but not in the chain at the seq and digest it was acknowledged with (or the
 * acknowledgement named another changeset than the one submitted). {@code duplicated}: a nonce
 * committed more than once. A definitely refused write found in the chain is a finding too.
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

    /** Per domain, each server's chain as it answered it (null: no whole answer), the first server first. */
    static Map<String, Map<String, List<JsonNode>>> fetchAll(Api api, World world) {
        Map<String, Map<String, List<JsonNode>>> out = new LinkedHashMap<>();
        for (String d : World.DOMAINS) {
            Map<String, List<JsonNode>> views = new LinkedHashMap<>();
            world.servers.forEach(s -> views.put(s.id(), fetch(api, s, d)));
            out.put(d, views);
        }
        return out;
    }

    /** Digests of each server's chain of {@code domain}, for the agreement poll. */
    static Map<String, List<String>> digests(Api api, World world, String domain) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        world.servers.forEach(s -> out.put(s.id(), digests(fetch(api, s, domain))));
        return out;
    }

    private static List<String> digests(List<JsonNode> chain) {
        return chain == null ? null : chain.stream().map(n -> n.path("digest").asText()).toList();
    }

    /**
     * The verdict on {@code views} (as {@link #fetchAll} returns them: per domain, server id to
     * the stored changesets {@code {seq, digest, changeset}} it listed, or null); the first
     * server's chain is the reference the others are compared with.
     */
    ChainCheck(Changeset genesis, Map<String, Map<String, List<JsonNode>>> views, History history) {
        ChainState verified = ChainState.fromGenesis(genesis, ChangesetCodec.digest(genesis.body()));
        views.forEach((d, byServer) -> {
            Map.Entry<String, List<JsonNode>> ref = byServer.entrySet().iterator().next();
            List<String> refDigests = digests(ref.getValue());
            byServer.forEach((id, chain) -> {
                List<String> v = digests(chain);
                if (v == null || !v.equals(refDigests)) {
                    issues.add(d + ": " + id + " disagrees with " + ref.getKey() + " (" + (v == null ? "no answer" : v.size() + " entries")
                            + " vs " + (refDigests == null ? "no answer" : refDigests.size()) + ")");
                }
            });
            chains.put(d, verify(d, ref.getValue() == null ? List.of() : ref.getValue(), verified));
        });
        history.writes().forEach(this::hold);
    }

    private List<Entry> verify(String d, List<JsonNode> stored, ChainState verified) {
        List<Entry> chain = new ArrayList<>();
        for (JsonNode n : stored) {
            Changeset cs = ChangesetCodec.fromTree(n.path("changeset"), Limits.DEFAULT);
            try {
                verified.accept(cs);
            } catch (RuntimeException e) {
                issues.add(d + " seq " + cs.body().seq() + " does not verify: " + e.getMessage());
            }
            Op op = cs.body().ops().get(0);
            Entry e = new Entry(d, cs.body().seq(), ChangesetCodec.digest(cs.body()).toString(), op.key(), cs.body().comment());
            if (!e.digest().equals(n.path("digest").asText())) {
                issues.add(d + " seq " + e.seq() + " is listed with digest " + n.path("digest").asText() + ", its body's is " + e.digest());
            }
            chain.add(e);
            if (byNonce.put(e.nonce(), e) != null) {
                duplicated++;
                issues.add("nonce " + e.nonce() + " committed twice (" + d + " seq " + e.seq() + ")");
            }
        }
        return chain;
    }

    /** Holds one write of the history against the chain. */
    private void hold(History.Write w) {
        Entry e = byNonce.get(w.nonce());
        switch (w.outcome()) {
            case ACKED -> {
                String wrong = ackProblem(w, e);
                if (wrong != null) {
                    lost++;
                    issues.add("lost: " + w.nonce() + " (" + w.domain() + " " + w.key() + " via " + w.via() + ") " + wrong);
                }
            }
            case FAILED -> {
                if (e != null) {
                    issues.add("refused, yet committed: " + w.nonce() + " (" + w.domain() + " " + w.key() + " via " + w.via() + ", "
                            + w.detail() + ") at seq " + e.seq());
                }
            }
            case UNKNOWN -> {
            }
            default -> throw new IllegalStateException(w.outcome().name());
        }
    }

    /** Null when the chain holds {@code w} where it was acknowledged; else what is wrong. */
    private static String ackProblem(History.Write w, Entry e) {
        History.Ack ack = w.ack();
        String acked = "acknowledged at seq " + ack.seq() + " digest " + ack.digest();
        if (e == null) {
            return acked + ", not in the chain";
        }
        if (e.seq() != ack.seq() || !e.digest().equals(ack.digest())) {
            return acked + ", but the chain has it at seq " + e.seq() + " digest " + e.digest();
        }
        if (!e.digest().equals(w.digest())) {
            return acked + " as in the chain, but submitted as seq " + w.seq() + " digest " + w.digest();
        }
        return null;
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
