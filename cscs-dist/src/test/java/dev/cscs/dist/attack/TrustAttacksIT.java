package dev.cscs.dist.attack;

import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.WeakKeys;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.model.Signature;
import dev.cscs.core.testing.RawPolicies;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.PolicyCodec;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import dev.cscs.dist.LocalProcesses;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Attacks by holders of real keys that the trust policy does not authorize for what they
 * sign: a revoked key after a rotation, a signer of another domain, a signer outside its
 * applier scope, too few signatures, a non-root rewriting the policy; and policies that name
 * one key twice (to count one signature twice) or name a weak key (one that accepts forgeries
 * or makes the verifier throw). Three {@code java -jar} nodes, each applying to its own
 * sandbox root.
 */
class TrustAttacksIT extends AttackFixture {

    @Override
    AttackCluster cluster(Path dir, World world) throws Exception {
        return new AttackCluster(dir, JAR, world, 3, null, "alertInterval: 0s", true);
    }

    private TrustPolicy currentPolicy() {
        return PolicyCodec.parse(cluster.get("n1", "/v1/trust").body().path("policy"));
    }

    /** The next {@code _trust} link carrying {@code policy}, unsigned. */
    private Changeset policyChange(TrustPolicy policy, String comment) {
        Head h = cluster.head("n1", "_trust");
        return Signing.unsigned("_trust", h.seq() + 1, h.digest(), Instant.now(),
                List.of(new Op.Put("policy", PolicyCodec.toTree(policy))), comment);
    }

    @Test
    void aRevokedKeyCannotSignOnceTheRootsRotatedItOut() {
        assertThat(cluster.submit("n1", World.signed(next("global", put("sysctl/kernel.sysrq", "{\"value\":\"0\"}")),
                world.revocable)).status()).as("the key signs while it is trusted").isEqualTo(201);
        Map<String, String> before = sandboxes.snapshot();
        // signed while the key is still trusted, as the next link; submitted only after the rotation
        Changeset signedBefore = World.signed(next("global", put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")), world.revocable);

        TrustPolicy revoked = PolicyBuilder.from(currentPolicy()).removeKey(world.revocable.keyid()).build();
        AttackCluster.Response rotation = cluster.submit("n2", World.signed(policyChange(revoked, "revoke a stolen key"), world.root));
        assertThat(rotation.status()).as(rotation.body().toString()).isEqualTo(201);
        for (String id : cluster.ids()) {
            assertThat(cluster.get(id, "/v1/trust").body().path("policy").path("keys").has(world.revocable.keyid()))
                    .as("%s follows the rotation", id).isFalse();
        }

        refusals.refused("n3", signedBefore, 403, "unknown-key");
        refusals.refused("n1", World.signed(next("global", put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")), world.revocable),
                403, "unknown-key");
        // the revoked key co-signing next to a valid signer still fails closed
        refusals.refused("n2", World.signed(next("global", put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")), world.globalSigner,
                world.revocable), 403, "unknown-key");
        sandboxes.assertUnchanged(before);
    }

    @Test
    void aPolicyChangeNotSignedByTheRootsIsRefusedWith403() {
        Map<String, String> before = sandboxes.snapshot();
        TrustPolicy grab = new PolicyBuilder().roots(1, List.of(world.globalSigner.publicKey()))
                .operators(1, List.of(world.globalSigner.publicKey()))
                .domain("global", 1, List.of(world.globalSigner.publicKey()), null).build();
        // a change of roots signed only by the new root: its signature counts for the new roots, never for the old
        refusals.refused("n1", World.signed(policyChange(grab, "take over"), world.globalSigner), 403, "below-threshold");
        refusals.refused("n2", World.signed(policyChange(grab, "take over"), world.stranger), 403, "unknown-key");
        // the same roots, but a domain signer widens its own rights: it may not sign the policy at all
        TrustPolicy widen = PolicyBuilder.from(currentPolicy()).domain("factory-a", 1, List.of(world.factorySigner.publicKey(),
                world.globalSigner.publicKey()), null).build();
        refusals.refused("n3", World.signed(policyChange(widen, "widen"), world.globalSigner), 403, "unauthorized-key");
        sandboxes.assertUnchanged(before);
    }

    @Test
    void aSignerOfOneDomainCannotSignAnotherWith403UnauthorizedKey() {
        Map<String, String> before = sandboxes.snapshot();
        refusals.refused("n2", World.signed(next("global", put("sysctl/net.ipv4.ip_forward", "{\"value\":\"1\"}")),
                world.factorySigner), 403, "unauthorized-key");
        refusals.refused("n3", World.signed(next("factory-a", put("yum/epel", "{\"name\":\"evil\",\"baseurl\":"
                + "\"https://evil.example/\",\"enabled\":true,\"gpgcheck\":false}")), world.globalSigner), 403, "unauthorized-key");
        // a domain the policy does not know, signed by a real signer
        refusals.refused("n1", World.signed(World.next("factory-z", cluster.head("n1", "global"),
                put("sysctl/kernel.sysrq", "{\"value\":\"1\"}")), world.globalSigner), 403, "unknown-domain");
        sandboxes.assertUnchanged(before);
    }

    @Test
    void aSignerOutsideItsApplierScopeIsRefusedWith403OutOfScopeAndNothingOfItApplies() {
        Map<String, String> before = sandboxes.snapshot();
        refusals.refused("n1", World.signed(next("factory-a", put("service/sshd.service", "{\"state\":\"masked\"}")),
                world.factorySigner), 403, "out-of-scope");
        // one op in scope and one outside: the changeset is atomic, the in-scope op does not apply either
        refusals.refused("n3", World.signed(next("factory-a", put("sysctl/net.ipv4.ip_forward", "{\"value\":\"1\"}"),
                put("sshd/main", "{\"settings\":{\"PermitRootLogin\":\"yes\"}}")), world.factorySigner), 403, "out-of-scope");
        sandboxes.assertUnchanged(before);
    }

    @Test
    void aChangesetBelowTheThresholdIsRefusedWith403BelowThreshold() {
        Changeset cs = next("two-man", put("sysctl/kernel.unprivileged_bpf_disabled", "{\"value\":\"1\"}"));
        Signature ed = World.signed(cs, world.edSigner).signatures().get(0);
        Signature ec = World.signed(cs, world.ecdsaSigner).signatures().get(0);
        Signature ec2 = World.signed(cs, world.ecdsaSigner).signatures().get(0);
        Map<String, String> before = sandboxes.snapshot();

        refusals.refused("n1", new Changeset(cs.body(), List.of(ed)), 403, "below-threshold");
        refusals.refused("n2", new Changeset(cs.body(), List.of(ed, ed)), 403, "below-threshold");
        assertThat(ec2.sig()).as("ECDSA signs with a fresh nonce: two different valid signatures of one key").isNotEqualTo(ec.sig());
        refusals.refused("n3", new Changeset(cs.body(), List.of(ec, ec2)), 403, "below-threshold");
        refusals.refused("n1", new Changeset(cs.body(), List.of()), 403, "below-threshold");
        // a valid signature plus one from a key the policy does not know: fail closed
        refusals.refused("n2", World.signed(new Changeset(cs.body(), List.of(ed)), world.stranger), 403, "unknown-key");
        sandboxes.assertUnchanged(before);

        AttackCluster.Response ok = cluster.submit("n3", new Changeset(cs.body(), List.of(ec, ed)));
        assertThat(ok.status()).as("both keys of the threshold: %s", ok.body()).isEqualTo(201);
        sandboxes.awaitEverywhere("etc/sysctl.d/90-cscs.conf", "kernel.unprivileged_bpf_disabled = 1");
        assertThat(Limits.DEFAULT.maxSignatures()).isPositive();
    }

    // ---- one key under two keyids; weak keys; verifier exceptions (issue #9) ----

    /** A real RSA key and, as raw SPKI, the same key with exponent 65537 + λ(n): it accepts exactly the same signatures. */
    private static byte[] rsaTwin(PrivateKeyRef rsa) {
        RSAPrivateCrtKey k = (RSAPrivateCrtKey) rsa.jcaKey();
        return WeakKeys.rsaSpki(k.getModulus(), BigInteger.valueOf(65537).add(WeakKeys.carmichael(k)), true);
    }

    /** Starts a lone node on {@code genesis} (its own data dir and ports) that should refuse to start; how it exited. */
    private AttackCluster.Exit startOn(String name, Changeset genesis) throws Exception {
        Path file = dir.resolve(name + "-genesis.json");
        Files.write(file, ChangesetCodec.toPrettyJson(genesis));
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, Files.readString(cluster.config("n1"))
                .replace(cluster.genesisFile().toString(), file.toString())
                .replace(dir.resolve("n1").toString(), dir.resolve(name).toString())
                .replace("127.0.0.1:" + cluster.raftPort("n1"), "127.0.0.1:" + LocalProcesses.freePort())
                .replace("127.0.0.1:" + cluster.apiPort("n1"), "127.0.0.1:" + LocalProcesses.freePort()));
        return cluster.runToExit(name, config);
    }

    /** How long each node's output is now, to look at what it logs from here on. */
    private Map<String, Integer> logMarks() {
        Map<String, Integer> marks = new TreeMap<>();
        cluster.ids().forEach(id -> marks.put(id, cluster.log(id).length()));
        return marks;
    }

    private void assertNoErrorLoggedSince(Map<String, Integer> marks) {
        marks.forEach((id, mark) -> assertThat(cluster.log(id).substring(mark)).as("what %s logged", id)
                .doesNotContain(" ERROR ").doesNotContain("\tat ").doesNotContain("Exception"));
    }

    @Test
    void oneRsaKeyUnderTwoEncodingsIsRefusedInAGenesisAndAPolicyChangeSoOneSignatureNeverMeetsAThresholdOfTwo()
            throws Exception {
        PrivateKeyRef rsa = KeyGen.generate("rsa-2048");
        RawPolicies twice = RawPolicies.from(world.policy);
        String real = twice.key(rsa.publicKey().spki(), SignatureAlg.RSA_PKCS1_SHA256);
        String twin = twice.key(rsaTwin(rsa), SignatureAlg.RSA_PKCS1_SHA256);
        twice.domain("rsa-pair", 2, List.of(real, twin));

        AttackCluster.Exit exit = startOn("rsa-twice", twice.genesis(Instant.now(), world.root));
        assertThat(exit.code()).as(exit.output()).isNotZero();
        assertThat(exit.output()).contains("policy.keys." + twin.substring(0, 16)).contains("exponent must be 65537");

        Map<String, String> before = sandboxes.snapshot();
        AttackCluster.Response r = refusals.refused("n2", twice.after(cluster.head("n2", "_trust"), Instant.now(), world.root),
                400, "malformed");
        assertThat(r.message()).contains("new trust policy").contains("exponent must be 65537");
        // one signature, shown under both keyids: it is one key, and the domain it would have satisfied does not exist
        Changeset once = World.signed(World.next("rsa-pair", cluster.head("n1", "global"), put("sysctl/kernel.sysrq",
                "{\"value\":\"1\"}")), rsa);
        Signature s = once.signatures().get(0);
        refusals.refused("n3", new Changeset(once.body(), List.of(s, Signature.of(twin, s.alg(), s.bytes()))), 403,
                "unknown-domain");
        sandboxes.assertUnchanged(before);
    }

    @Test
    void aGenesisWithASmallOrderEd25519KeyIsRefusedAtLoadWithAPreciseMessage() throws Exception {
        RawPolicies weak = RawPolicies.from(world.policy);
        String identity = weak.key(WeakKeys.ed25519Spki(WeakKeys.ED25519_SMALL_ORDER.get(0)), SignatureAlg.ED25519);
        weak.domain("weak", 1, List.of(identity));

        AttackCluster.Exit exit = startOn("small-order", weak.genesis(Instant.now(), world.root));
        assertThat(exit.code()).as(exit.output()).isNotZero();
        assertThat(exit.output()).contains("policy.keys." + identity.substring(0, 16)).contains("small order");
    }

    @Test
    void aSignatureTheVerifierCannotCheckIsRefusedWith403NeverA500AndTheNodeLogsNoError() {
        Map<String, String> before = sandboxes.snapshot();
        Map<String, Integer> logs = logMarks();
        // the key BouncyCastle's verifier throws on (the identity point) never gets into the policy ...
        RawPolicies weak = RawPolicies.from(currentPolicy());
        String identity = weak.key(WeakKeys.ed25519Spki(WeakKeys.ED25519_SMALL_ORDER.get(0)), SignatureAlg.ED25519);
        weak.domain("weak", 1, List.of(identity));
        AttackCluster.Response r = refusals.refused("n1", weak.after(cluster.head("n1", "_trust"), Instant.now(), world.root),
                400, "malformed");
        assertThat(r.message()).contains("small order");
        // ... so a signature "by" it is refused, as it would be by any key the policy does not hold
        Changeset byWeak = World.next("weak", cluster.head("n1", "global"), put("sysctl/kernel.sysrq", "{\"value\":\"1\"}"))
                .withSignature(Signature.of(identity, SignatureAlg.ED25519, new byte[64]));
        refusals.refused("n2", byWeak, 403, "unknown-domain");
        // signatures shaped to trip the verifiers of real keys: R the identity point, S = 0; ECDSA r = s = 1
        Changeset global = next("global", put("sysctl/kernel.sysrq", "{\"value\":\"1\"}"));
        refusals.refused("n3", global.withSignature(Signature.of(world.globalSigner.keyid(), SignatureAlg.ED25519,
                HexFormat.of().parseHex(WeakKeys.ED25519_SMALL_ORDER.get(0) + "00".repeat(32)))), 403, "bad-signature");
        Changeset twoMan = next("two-man", put("sysctl/kernel.sysrq", "{\"value\":\"1\"}"));
        refusals.refused("n1", World.signed(twoMan, world.edSigner).withSignature(Signature.of(world.ecdsaSigner.keyid(),
                SignatureAlg.ECDSA_P256_SHA256, HexFormat.of().parseHex("3006020101020101"))), 403, "bad-signature");
        sandboxes.assertUnchanged(before);
        assertNoErrorLoggedSince(logs);
    }
}
