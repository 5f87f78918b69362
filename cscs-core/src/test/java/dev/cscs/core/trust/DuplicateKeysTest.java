package dev.cscs.core.trust;

import static dev.cscs.core.testing.Chains.next;
import static dev.cscs.core.testing.Chains.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.WeakKeys;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Signature;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.RawPolicies;
import java.math.BigInteger;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * One key named twice in a trust policy (two keyids, two encodings that accept the same
 * signatures) must never let one signature count twice towards a threshold; weak keys never
 * reach a policy at all.
 */
class DuplicateKeysTest {
    private static final PrivateKeyRef RSA = KeyGen.generate("rsa-2048");

    private static void rejected(ThrowingCallable call, ErrorCode code, String... reasons) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContainingAll(reasons);
    }

    /** The RSA key with public exponent 65537 + λ(n): it verifies exactly the signatures of {@link #RSA}. */
    private static byte[] rsaTwin() {
        RSAPrivateCrtKey k = (RSAPrivateCrtKey) RSA.jcaKey();
        return WeakKeys.rsaSpki(k.getModulus(), BigInteger.valueOf(65537).add(WeakKeys.carmichael(k)), true);
    }

    /** The base policy plus domain {@code plant}, threshold 2, over {@link #RSA} and its twin. */
    private static RawPolicies twoKeyidsForOneRsaKey() {
        RawPolicies p = RawPolicies.from(Chains.policy());
        String real = p.key(RSA.publicKey().spki(), SignatureAlg.RSA_PKCS1_SHA256);
        String twin = p.key(rsaTwin(), SignatureAlg.RSA_PKCS1_SHA256);
        return p.domain("plant", 2, List.of(real, twin));
    }

    @Test
    void aGenesisNamingOneRsaKeyUnderTwoEncodingsIsRefusedSoOneSignatureNeverMeetsAThresholdOfTwo() {
        Changeset genesis = twoKeyidsForOneRsaKey().genesis(Chains.T0, Chains.root());
        rejected(() -> ChainVerifier.verifyGenesis(genesis), ErrorCode.MALFORMED, "new trust policy", "exponent", "65537");
    }

    @Test
    void aPolicyChangeNamingOneRsaKeyUnderTwoEncodingsIsRefusedAndChangesNothing() {
        ChainState state = Chains.state();
        Changeset change = twoKeyidsForOneRsaKey().after(state.trustHead(), Chains.T0, Chains.root());
        rejected(() -> state.accept(change), ErrorCode.MALFORMED, "new trust policy", "exponent");
        assertThat(state.policy().domains()).doesNotContainKey("plant");
    }

    @Test
    void aGenesisWithASmallOrderEd25519KeyIsRefusedWhenItIsLoaded() {
        RawPolicies p = RawPolicies.from(Chains.policy());
        String weak = p.key(WeakKeys.ed25519Spki(WeakKeys.ED25519_SMALL_ORDER.get(0)), SignatureAlg.ED25519);
        Changeset genesis = p.domain("plant", 1, List.of(weak)).genesis(Chains.T0, Chains.root());
        rejected(() -> ChainVerifier.verifyGenesis(genesis), ErrorCode.MALFORMED, "policy.keys." + weak.substring(0, 16),
                "small order");
    }

    @Test
    void oneRsaSignatureShownUnderBothKeyidsIsNotTwoSignatures() {
        // the same check from the changeset's side: whatever the policy, one signature is one key
        PrivateKeyRef other = KeyGen.generate("rsa-2048");
        TrustPolicy policy = PolicyBuilder.from(Chains.policy())
                .domain("plant", 2, List.of(RSA.publicKey(), other.publicKey()), null).build();
        ChainState state = ChainState.fromGenesis(Signing.genesis(policy, Chains.T0, List.of(Chains.root()), null), null);
        Changeset once = Chains.signed(next(state, "plant", put("sysctl/a", "{\"value\":\"1\"}")), RSA);
        Signature s = once.signatures().get(0);
        Changeset relabelled = new Changeset(once.body(), List.of(s, Signature.of(other.keyid(), s.alg(), s.bytes())));
        rejected(() -> state.check(relabelled), ErrorCode.BAD_SIGNATURE, other.keyid(), "does not verify");
    }

    // Below, keys made around the load-time checks: the second line of defence on its own.

    @Test
    void aTrustPolicyNeverHoldsOneKeyUnderTwoKeyidsAndTheErrorNamesBoth() {
        PublicKeyRef twin = WeakKeys.unchecked(rsaTwin());
        assertThat(twin.keyid()).isNotEqualTo(RSA.keyid());
        Map<String, KeyEntry> keys = new HashMap<>(Chains.policy().keys());
        keys.put(RSA.keyid(), new KeyEntry(SignatureAlg.RSA_PKCS1_SHA256, RSA.publicKey()));
        keys.put(twin.keyid(), new KeyEntry(SignatureAlg.RSA_PKCS1_SHA256, twin));
        TrustPolicy base = Chains.policy();
        rejected(() -> new TrustPolicy(keys, base.roots(), base.operators(), base.domains()), ErrorCode.MALFORMED,
                RSA.keyid(), twin.keyid(), "the same RSA modulus");
    }

    @Test
    void signaturesCountOncePerKeyHoweverManyKeyidsNameIt() {
        PublicKeyRef twin = WeakKeys.unchecked(rsaTwin());
        PrivateKeyRef other = KeyGen.generate("ed25519");
        Map<String, KeyEntry> keys = Map.of(RSA.keyid(), new KeyEntry(SignatureAlg.RSA_PKCS1_SHA256, RSA.publicKey()),
                twin.keyid(), new KeyEntry(SignatureAlg.RSA_PKCS1_SHA256, twin),
                other.keyid(), new KeyEntry(SignatureAlg.ED25519, other.publicKey()));
        KeySet all = new KeySet(List.of(RSA.keyid(), twin.keyid(), other.keyid()), 2);
        assertThat(TrustPolicy.distinctKeys(keys, List.of(RSA.keyid(), twin.keyid()), all)).isEqualTo(1);
        assertThat(TrustPolicy.distinctKeys(keys, List.of(RSA.keyid(), twin.keyid(), other.keyid()), all)).isEqualTo(2);
        assertThat(TrustPolicy.distinctKeys(keys, List.of(other.keyid()), new KeySet(List.of(RSA.keyid()), 1))).isZero();
    }

    @Test
    void aKeyThatMakesTheVerifierThrowGetsItsSignaturesRefusedAsBadSignatures() {
        PublicKeyRef weak = WeakKeys.unchecked(WeakKeys.ed25519Spki(WeakKeys.ED25519_SMALL_ORDER.get(0)));
        TrustPolicy base = Chains.policy();
        Map<String, KeyEntry> keys = new HashMap<>(base.keys());
        keys.put(weak.keyid(), new KeyEntry(SignatureAlg.ED25519, weak));
        Map<String, DomainRule> domains = new HashMap<>(base.domains());
        domains.put("plant", new DomainRule(List.of(weak.keyid()), 1, null));
        TrustPolicy policy = new TrustPolicy(keys, base.roots(), base.operators(), domains);
        Head head = new Head(1, Digest.of(new byte[] {1}));
        Changeset cs = Signing.unsigned("plant", 2, head.digest(), Chains.T0, List.of(put("sysctl/a", "{\"value\":\"1\"}")), null)
                .withSignature(Signature.of(weak.keyid(), SignatureAlg.ED25519, new byte[64]));
        rejected(() -> ChainVerifier.verify(policy, head, cs), ErrorCode.BAD_SIGNATURE, weak.keyid(), "does not verify");
    }
}
