package dev.cscs.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The world the benchmarks share: an Ed25519 root, one domain {@value #DOMAIN} whose single
 * signer (threshold 1) signs with the algorithm asked for, the genesis naming them, and the
 * verified chain state after it. {@link #nextLink} signs the domain's first link; every store
 * rooted in {@link #genesis()} accepts that link, so one signed changeset serves any number of
 * fresh stores.
 */
final class SignedChain {
    static final String DOMAIN = "bench";
    static final Instant ISSUED = Instant.parse("2026-11-29T16:00:00Z");

    private final SignatureAlg alg;
    private final PrivateKeyRef signer;
    private final Changeset genesis;
    private final ChainState state;

    SignedChain(SignatureAlg alg) {
        this.alg = alg;
        this.signer = KeyGen.generate(keySpec(alg));
        PrivateKeyRef root = KeyGen.generate("ed25519");
        TrustPolicy policy = new PolicyBuilder()
                .key(signer.publicKey(), alg)
                .roots(1, List.of(root.publicKey()))
                .operators(1, List.of(root.publicKey()))
                .domain(DOMAIN, 1, List.of(signer.publicKey()), null)
                .build();
        this.genesis = Signing.genesis(policy, ISSUED, List.of(root), "benchmark genesis");
        this.state = ChainState.fromGenesis(genesis, null);
    }

    /** A chain whose domain signer uses {@code wireName} (ed25519, ecdsa-p256-sha256, rsa-pkcs1-sha256, rsa-pss-sha256). */
    static SignedChain signedWith(String wireName) {
        return new SignedChain(SignatureAlg.fromWire(wireName));
    }

    /** The {@link KeyGen} spec of a key that signs with {@code alg}; RSA keys are 2048 bits, the size most fleets use. */
    static String keySpec(SignatureAlg alg) {
        switch (alg.keyType()) {
            case ED25519:
                return "ed25519";
            case EC_P256:
                return "ecdsa-p256";
            default:
                return "rsa-2048";
        }
    }

    /** The first link of {@value #DOMAIN} after the genesis, carrying {@code ops}, signed by the domain's signer. */
    Changeset nextLink(List<Op> ops) {
        Head head = state.head(DOMAIN);
        Changeset unsigned = Signing.unsigned(DOMAIN, head.seq() + 1, head.digest(), ISSUED, ops, "benchmark change");
        return Signing.sign(unsigned, signer, alg);
    }

    /** The common case: one put of one sysctl value. */
    Changeset singleOpLink() {
        return singleOpLink(1);
    }

    /** One put of {@code value}: links that differ, so each has its own signature. */
    Changeset singleOpLink(int value) {
        return nextLink(List.of(new Op.Put("sysctl/net.ipv4.ip_forward", json("{\"value\":\"" + value + "\"}"))));
    }

    /**
     * More distinct links than a process remembers verified signatures (1,024, {@code Signer}), taken
     * in turn: each verification is a real one, as on a replica that sees a changeset once.
     */
    static final int POOL = 2048;

    Changeset[] singleOpLinks() {
        Changeset[] links = new Changeset[POOL];
        for (int i = 0; i < POOL; i++) {
            links[i] = singleOpLink(i);
        }
        return links;
    }

    /**
     * A typical change as operators write them: a few sysctl values, an sshd hardening block and
     * the delete of a key, with a comment.
     */
    Changeset typicalLink() {
        return nextLink(List.of(
                new Op.Put("sysctl/net.ipv4.ip_forward", json("{\"value\":\"1\"}")),
                new Op.Put("sysctl/net.ipv4.conf.all.rp_filter", json("{\"value\":\"2\"}")),
                new Op.Put("sysctl/vm.swappiness", json("{\"value\":\"10\"}")),
                new Op.Put("sshd/hardening", json("{\"settings\":{\"PermitRootLogin\":\"no\","
                        + "\"PasswordAuthentication\":false,\"MaxAuthTries\":3,\"LogLevel\":\"VERBOSE\","
                        + "\"Ciphers\":[\"chacha20-poly1305@openssh.com\",\"aes256-gcm@openssh.com\"],"
                        + "\"AllowUsers\":[\"admin\",\"ops@10.0.0.0/8\"]}}")),
                new Op.Delete("sysctl/kernel.sysrq")));
    }

    SignatureAlg alg() {
        return alg;
    }

    PrivateKeyRef signer() {
        return signer;
    }

    Changeset genesis() {
        return genesis;
    }

    /** The verified state after the genesis; benchmarks only {@code check} against it, so it never moves. */
    ChainState state() {
        return state;
    }

    /** {@code text} parsed the strict way values reach the store. */
    static JsonNode json(String text) {
        return StrictJson.parse(text.getBytes(StandardCharsets.UTF_8), 32, "benchmark value");
    }
}
