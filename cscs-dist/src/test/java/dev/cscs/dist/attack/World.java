package dev.cscs.dist.attack;

import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The trust world every attack cluster starts from: fresh keys and a genesis with
 * <ul>
 *   <li>roots {@code root}:1 and operators {@code operator}:1;</li>
 *   <li>{@code global}: {@code globalSigner} or {@code revocable}, threshold 1, every applier;</li>
 *   <li>{@code factory-a}: {@code factorySigner}:1, scoped to appliers yum and sysctl;</li>
 *   <li>{@code factory-b}: {@code globalSigner}:1 (the same key as global, to move signed ops between domains);</li>
 *   <li>{@code two-man}: {@code ecdsaSigner} (ECDSA P-256) and {@code edSigner}, threshold 2.</li>
 * </ul>
 */
final class World {
    static final List<String> DOMAINS = List.of("global", "factory-a", "factory-b", "two-man");

    final PrivateKeyRef root = KeyGen.generate("ed25519");
    final PrivateKeyRef operator = KeyGen.generate("ed25519");
    final PrivateKeyRef globalSigner = KeyGen.generate("ed25519");
    final PrivateKeyRef revocable = KeyGen.generate("ed25519");
    final PrivateKeyRef factorySigner = KeyGen.generate("ed25519");
    final PrivateKeyRef ecdsaSigner = KeyGen.generate("ecdsa-p256");
    final PrivateKeyRef edSigner = KeyGen.generate("ed25519");
    /** A key the policy has never heard of. */
    final PrivateKeyRef stranger = KeyGen.generate("ed25519");
    final TrustPolicy policy = new PolicyBuilder()
            .roots(1, List.of(root.publicKey()))
            .operators(1, List.of(operator.publicKey()))
            .domain("global", 1, List.of(globalSigner.publicKey(), revocable.publicKey()), null)
            .domain("factory-a", 1, List.of(factorySigner.publicKey()), List.of("yum", "sysctl"))
            .domain("factory-b", 1, List.of(globalSigner.publicKey()), null)
            .domain("two-man", 2, List.of(ecdsaSigner.publicKey(), edSigner.publicKey()), null)
            .build();
    final Changeset genesis = Signing.genesis(policy, Instant.now(), List.of(root), "attack suite genesis");

    /** The unsigned next link of {@code domain} after {@code head}. */
    static Changeset next(String domain, Head head, Op... ops) {
        return Signing.unsigned(domain, head.seq() + 1, head.digest(), Instant.now(), new ArrayList<>(List.of(ops)), null);
    }

    static Changeset signed(Changeset cs, PrivateKeyRef... keys) {
        for (PrivateKeyRef k : keys) {
            cs = Signing.sign(cs, k, null);
        }
        return cs;
    }

    /** The key that may sign {@code domain} on its own (threshold 1 domains). */
    PrivateKeyRef signerOf(String domain) {
        switch (domain) {
            case "global":
            case "factory-b":
                return globalSigner;
            case "factory-a":
                return factorySigner;
            default:
                throw new IllegalArgumentException(domain + " needs two signatures");
        }
    }
}
