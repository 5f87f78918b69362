package dev.cscs.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.chaos.History.Outcome;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's trust and chain of d1 without processes: a genesis like World's, changesets of the
 * workload's shape (one put, the nonce in the comment and the value), the servers' answers
 * built from them, and history entries.
 */
final class ChainFixture {
    static final String DOMAIN = "d1";
    private final PrivateKeyRef root = KeyGen.generate("ed25519");
    private final PrivateKeyRef writer = KeyGen.generate("ed25519");
    final Changeset genesis;
    private final ChainState heads;
    /** What every server lists for d1: the changesets committed with {@link #commit}. */
    final List<Changeset> committed = new ArrayList<>();

    ChainFixture() {
        PolicyBuilder policy = new PolicyBuilder().roots(1, List.of(root.publicKey())).operators(1, List.of(root.publicKey()));
        World.DOMAINS.forEach(d -> policy.domain(d, 1, List.of(writer.publicKey()), null));
        genesis = Signing.genesis(policy.build(), Instant.now(), List.of(root), "chaos test");
        heads = ChainState.fromGenesis(genesis, null);
    }

    /** The next changeset of d1 (signed at the current head), not committed. */
    Changeset next(String key, String nonce) {
        Head h = heads.head(DOMAIN);
        ObjectNode value = Api.JSON.createObjectNode().put("name", nonce).put("baseurl", "https://chaos.invalid/" + nonce + "/");
        return Signing.sign(Signing.unsigned(DOMAIN, h.seq() + 1, h.digest(), Instant.now(), List.of(new Op.Put(key, value)), nonce),
                writer, null);
    }

    /** The next changeset of d1, committed. */
    Changeset commit(String key, String nonce) {
        Changeset cs = next(key, nonce);
        heads.accept(cs);
        committed.add(cs);
        return cs;
    }

    /** The verdict with n1 and n2 both listing what was committed. */
    ChainCheck check(History history) {
        return new ChainCheck(genesis, Map.of(DOMAIN, views(Map.of())), history);
    }

    /** Each server's listing of d1: what was committed, unless {@code instead} names another for it. */
    Map<String, List<JsonNode>> views(Map<String, List<JsonNode>> instead) {
        Map<String, List<JsonNode>> out = new LinkedHashMap<>();
        for (String id : List.of("n1", "n2")) {
            out.put(id, instead.getOrDefault(id, committed.stream().map(ChainFixture::stored).toList()));
        }
        return out;
    }

    /** A changeset as {@code GET /v1/changesets/{d}} lists it. */
    static JsonNode stored(Changeset cs) {
        ObjectNode o = Api.JSON.createObjectNode().put("domain", cs.body().domain()).put("seq", cs.body().seq())
                .put("digest", digest(cs));
        o.set("changeset", ChangesetCodec.toTree(cs));
        return o;
    }

    static String digest(Changeset cs) {
        return ChangesetCodec.digest(cs.body()).toString();
    }

    /** {@code cs} submitted between {@code invoke} and {@code complete}, acknowledged as {@code ack}. */
    static History.Write acked(Changeset cs, History.Ack ack, long invoke, long complete) {
        return write(cs, Outcome.ACKED, ack, invoke, complete);
    }

    /** {@code cs} acknowledged where it was submitted. */
    static History.Write acked(Changeset cs, long invoke, long complete) {
        return acked(cs, new History.Ack(cs.body().seq(), digest(cs)), invoke, complete);
    }

    static History.Write write(Changeset cs, Outcome outcome, History.Ack ack, long invoke, long complete) {
        return new History.Write(cs.body().comment(), cs.body().domain(), cs.body().ops().get(0).key(), cs.body().seq(),
                digest(cs), invoke, complete, outcome, ack, "test", "n1");
    }
}
