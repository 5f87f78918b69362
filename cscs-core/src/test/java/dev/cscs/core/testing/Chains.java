package dev.cscs.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A small world for chain tests: a root, two domains with their own signers, and helpers to sign the next link. */
public final class Chains {
    public static final Instant T0 = Instant.parse("2026-11-29T16:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Chains() {
    }

    public static PrivateKeyRef root() {
        return TestKeys.ed("root");
    }

    public static PrivateKeyRef signerA() {
        return TestKeys.ed("signer-a");
    }

    public static PrivateKeyRef signerB() {
        return TestKeys.ed("signer-b");
    }

    /** roots {root}:1, operators {root}:1, factory-a {signer-a}:1 (yum, sysctl), global {signer-b}:1 (all). */
    public static TrustPolicy policy() {
        return new PolicyBuilder()
                .roots(1, List.of(root().publicKey()))
                .operators(1, List.of(root().publicKey()))
                .domain("factory-a", 1, List.of(signerA().publicKey()), List.of("yum", "sysctl"))
                .domain("global", 1, List.of(signerB().publicKey()), null)
                .build();
    }

    public static Changeset genesis() {
        return Signing.genesis(policy(), T0, List.of(root()), "test genesis");
    }

    public static ChainState state() {
        return ChainState.fromGenesis(genesis(), null);
    }

    public static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    public static Op put(String key, String valueJson) {
        return new Op.Put(key, json(valueJson));
    }

    /** The next unsigned link of {@code domain} in {@code state}. */
    public static Changeset next(ChainState state, String domain, Op... ops) {
        Head h = state.head(domain);
        return Signing.unsigned(domain, h.seq() + 1, h.digest(), T0, new ArrayList<>(List.of(ops)), null);
    }

    public static Changeset signed(Changeset cs, PrivateKeyRef... keys) {
        for (PrivateKeyRef k : keys) {
            cs = Signing.sign(cs, k, null);
        }
        return cs;
    }
}
