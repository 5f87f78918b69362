package dev.cscs.dist.attack;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.model.Signature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the content of changesets, by a client of the API and by a member that proposes
 * straight through Raft: forged, replayed and re-targeted changesets, and second encodings of
 * signatures. Three {@code java -jar} nodes, plaintext (the attacker here is inside the trust
 * boundary of the transport), each applying to its own sandbox root.
 */
class ChangesetAttacksIT extends AttackFixture {

    @Override
    AttackCluster cluster(Path dir, World world) throws Exception {
        return new AttackCluster(dir, JAR, world, 3, null, "alertInterval: 0s", true);
    }

    private static Changeset withOps(Changeset cs, Op... ops) {
        ChangesetBody b = cs.body();
        return new Changeset(new ChangesetBody(b.domain(), b.seq(), b.prev(), b.issued(), List.of(ops), b.comment()),
                cs.signatures());
    }

    /** The same ops and signatures, placed as the next link of {@code domain}. */
    private Changeset movedTo(Changeset cs, String domain) {
        Head h = cluster.head("n1", domain);
        ChangesetBody b = cs.body();
        return new Changeset(new ChangesetBody(domain, h.seq() + 1, h.digest(), b.issued(), b.ops(), b.comment()), cs.signatures());
    }

    @Test
    void aForgedChangesetIsRefusedWith403BadSignatureAndNothingIsApplied() {
        Map<String, String> before = sandboxes.snapshot();
        Changeset signed = World.signed(next("global", put("sysctl/kernel.kptr_restrict", "{\"value\":\"0\"}")), world.globalSigner);

        // the value was changed after signing
        refusals.refused("n3", withOps(signed, put("sysctl/kernel.kptr_restrict", "{\"value\":\"1\"}")), 403, "bad-signature");
        // a stranger's signature presented under the authorized signer's keyid
        byte[] payload = ChangesetCodec.signingPayload(signed.body());
        Signature impostor = Signature.of(world.globalSigner.keyid(), SignatureAlg.ED25519,
                Signer.sign(world.stranger, SignatureAlg.ED25519, payload));
        refusals.refused("n2", new Changeset(signed.body(), List.of(impostor)), 403, "bad-signature");
        // the authorized key's signature over the body without the "cscs-changeset-v1\n" context (made for another purpose)
        Signature otherPurpose = Signature.of(world.globalSigner.keyid(), SignatureAlg.ED25519,
                Signer.sign(world.globalSigner, SignatureAlg.ED25519, ChangesetCodec.canonicalBody(signed.body())));
        refusals.refused("n1", new Changeset(signed.body(), List.of(otherPurpose)), 403, "bad-signature");
        // no signature at all
        refusals.refused("n1", new Changeset(signed.body(), List.of()), 403, "below-threshold");

        sandboxes.assertUnchanged(before);
    }

    @Test
    void aReplayedChangesetIsRefusedWith409WrongSeq() {
        Changeset cs = World.signed(next("global", put("sysctl/kernel.dmesg_restrict", "{\"value\":\"1\"}")), world.globalSigner);
        assertThat(cluster.submit("n1", cs).status()).isEqualTo(201);
        Map<String, String> before = sandboxes.snapshot();

        refusals.refused("n2", cs, 409, "wrong-seq");
        // an old link of the chain, taken from the node's own history, replayed verbatim
        JsonNode first = cluster.get("n1", "/v1/changesets/global?fromSeq=1&limit=1").body().path("changesets").get(0)
                .path("changeset");
        refusals.refused("n3", first.toString(), 409, "wrong-seq");

        sandboxes.assertUnchanged(before);
    }

    @Test
    void aSignedOpMovedToAnotherKeyIsRefusedWith403BadSignature() {
        Map<String, String> before = sandboxes.snapshot();
        Changeset one = World.signed(next("global", put("sysctl/kernel.sysrq", "{\"value\":\"0\"}")), world.globalSigner);
        refusals.refused("n1", withOps(one, put("sysctl/kernel.core_uses_pid", "{\"value\":\"0\"}")), 403, "bad-signature");

        Changeset two = World.signed(next("global", put("sysctl/kernel.sysrq", "{\"value\":\"0\"}"),
                put("sysctl/kernel.perf_event_paranoid", "{\"value\":\"3\"}")), world.globalSigner);
        refusals.refused("n2", withOps(two, put("sysctl/kernel.sysrq", "{\"value\":\"3\"}"),
                put("sysctl/kernel.perf_event_paranoid", "{\"value\":\"0\"}")), 403, "bad-signature");
        sandboxes.assertUnchanged(before);
    }

    @Test
    void aSignedChangesetMovedToAnotherDomainIsRefusedWith403() {
        Map<String, String> before = sandboxes.snapshot();
        // globalSigner signs for global and factory-b: the domain is under the signature, so the move breaks it
        Changeset global = World.signed(next("global", put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")), world.globalSigner);
        refusals.refused("n3", movedTo(global, "factory-b"), 403, "bad-signature");
        // factory-a's changeset moved into global: its signer is not global's
        Changeset factory = World.signed(next("factory-a", put("sysctl/net.ipv4.ip_forward", "{\"value\":\"1\"}")),
                world.factorySigner);
        refusals.refused("n1", movedTo(factory, "global"), 403, "unauthorized-key");
        sandboxes.assertUnchanged(before);
    }

    /**
     * A compromised member skips its own API and proposes straight through Raft (a raw Ratis
     * client sending the bytes {@code RaftNode.submit} sends, with the member's id as origin):
     * the leader refuses each one in {@code startTransaction}, before the log, and records the
     * alert with the claimed origin; the schema check runs on the leader too.
     */
    @Test
    void aMemberProposingStraightThroughRaftIsRefusedByTheLeaderBeforeTheLog() throws Exception {
        Map<String, String> before = sandboxes.snapshot();
        Map<String, Map<String, String>> heads = refusals.heads();
        Changeset signed = World.signed(next("global", put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")), world.globalSigner);
        Changeset replay = ChangesetCodec.fromTree(cluster.get("n1", "/v1/changesets/global?fromSeq=1&limit=1").body()
                .path("changesets").get(0).path("changeset"), Limits.DEFAULT);
        Changeset invalid = World.signed(next("global", put("sysctl/kernel.core_pattern", "{\"value\":\"|/bin/sh -c id\"}")),
                world.globalSigner);
        Map<String, Changeset> attacks = new LinkedHashMap<>();
        attacks.put("bad-signature", withOps(signed, put("sysctl/kernel.sysrq", "{\"value\":\"0\"}")));
        attacks.put("wrong-seq", replay);
        attacks.put("invalid-value", invalid);
        try (RaftBackdoor raft = new RaftBackdoor(cluster, null)) {
            for (Map.Entry<String, Changeset> a : attacks.entrySet()) {
                long mark = cluster.alertMark();
                RaftBackdoor.Outcome o = raft.submit("n2", a.getValue());
                assertThat(o.ok()).as("%s proposed through Raft: %s", a.getKey(), o).isFalse();
                assertThat(o.code()).as(o.detail()).isEqualTo(a.getKey());
                cluster.awaitAlert(mark, a.getKey(), "n2");
            }
            long mark = cluster.alertMark();
            RaftBackdoor.Outcome moved = raft.submit("n3", movedTo(signed, "factory-b"));
            assertThat(moved.code()).as(moved.detail()).isEqualTo("bad-signature");
            cluster.awaitAlert(mark, "bad-signature", "n3");
        }
        assertThat(refusals.heads()).isEqualTo(heads);
        sandboxes.assertUnchanged(before);
    }

    @Test
    void anEd25519SignatureWithSPlusLIsRefusedWith403BadSignature() {
        Map<String, String> before = sandboxes.snapshot();
        Changeset cs = World.signed(next("global", put("sysctl/kernel.sysrq", "{\"value\":\"0\"}")), world.globalSigner);
        Signature malleated = Malleate.ed25519PlusL(cs.signatures().get(0));
        assertThat(malleated.sig()).isNotEqualTo(cs.signatures().get(0).sig());
        refusals.refused("n2", new Changeset(cs.body(), List.of(malleated)), 403, "bad-signature");
        sandboxes.assertUnchanged(before);
    }

    /**
     * The policy of {@code Signer}: a high-S ECDSA signature is accepted, because openssl and
     * the JDK produce them and the wire format promises that their signatures verify. It is
     * harmless: signatures count per distinct keyid, so both encodings of one key's signature
     * count once; and a changeset's identity is the digest of its body alone, so another
     * encoding of the signature neither changes the digest nor makes the change new again.
     */
    @Test
    void aHighSEcdsaSignatureIsAcceptedButCountsOnceAndCannotChangeTheDigest() {
        Changeset cs = next("two-man", put("sysctl/kernel.yama.ptrace_scope", "{\"value\":\"1\"}"));
        Signature ec = World.signed(cs, world.ecdsaSigner).signatures().get(0);
        Signature high = Malleate.isHighS(ec) ? ec : Malleate.ecdsaFlip(ec);
        Signature low = Malleate.ecdsaFlip(high);
        Signature ed = World.signed(cs, world.edSigner).signatures().get(0);
        assertThat(Malleate.isHighS(high)).isTrue();
        assertThat(Malleate.isHighS(low)).isFalse();
        Map<String, String> before = sandboxes.snapshot();

        refusals.refused("n1", new Changeset(cs.body(), List.of(high, low)), 403, "below-threshold");
        sandboxes.assertUnchanged(before);

        AttackCluster.Response ok = cluster.submit("n2", new Changeset(cs.body(), List.of(high, ed)));
        assertThat(ok.status()).as(ok.body().toString()).isEqualTo(201);
        String digest = ChangesetCodec.digest(cs.body()).toString();
        assertThat(ok.body().path("digest").asText()).isEqualTo(digest);
        assertThat(digest).isEqualTo("sha256:" + HexFormat.of().formatHex(Digest.sha256(
                Jcs.canonicalize(ChangesetCodec.bodyTree(cs.body())))));

        refusals.refused("n3", new Changeset(cs.body(), List.of(low, ed)), 409, "wrong-seq");
        JsonNode stored = cluster.get("n1", "/v1/changesets/two-man?fromSeq=" + cs.body().seq() + "&limit=1").body()
                .path("changesets").get(0);
        assertThat(stored.path("digest").asText()).isEqualTo(digest);
        assertThat(stored.path("changeset").path("signatures").toString()).contains(high.sig()).doesNotContain(low.sig());
        sandboxes.awaitEverywhere("etc/sysctl.d/90-cscs.conf", "kernel.yama.ptrace_scope = 1");
        assertThat(new String(ChangesetCodec.canonicalBody(cs.body()), StandardCharsets.UTF_8)).contains("two-man");
    }
}
