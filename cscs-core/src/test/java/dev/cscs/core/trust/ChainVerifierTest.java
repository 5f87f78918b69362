package dev.cscs.core.trust;

import static dev.cscs.core.testing.Chains.next;
import static dev.cscs.core.testing.Chains.put;
import static dev.cscs.core.testing.Chains.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.model.Signature;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.TestKeys;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {
    private static void rejected(ThrowingCallable call, ErrorCode code, String reason) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(reason);
    }

    @Test
    void aDomainsFirstChangesetFollowsTheTrustChangesetThatCreatedIt() {
        ChainState state = Chains.state();
        Digest genesis = ChangesetCodec.digest(Chains.genesis().body());
        assertThat(state.head("factory-a")).isEqualTo(new Head(0, genesis));

        Accepted a = state.accept(signed(next(state, "factory-a", put("yum/epel", "{\"name\":\"EPEL\"}")), Chains.signerA()));

        assertThat(a.seq()).isEqualTo(1);
        assertThat(a.changeset().body().prev()).isEqualTo(genesis);
        assertThat(state.head("factory-a")).isEqualTo(new Head(1, a.digest()));
    }

    @Test
    void replayAndForkAreRejectedAsConflicts() {
        ChainState state = Chains.state();
        Changeset first = signed(next(state, "global", put("sysctl/a", "{\"value\":\"1\"}")), Chains.signerB());
        Changeset fork = signed(next(state, "global", put("sysctl/a", "{\"value\":\"2\"}")), Chains.signerB());
        state.accept(first);

        rejected(() -> state.check(first), ErrorCode.WRONG_SEQ, "does not follow the head 1");
        Changeset forkAtTwo = signed(new Changeset(new ChangesetBody("global", 2, fork.body().prev(),
                fork.body().issued(), fork.body().ops(), null), List.of()), Chains.signerB());
        rejected(() -> state.check(forkAtTwo), ErrorCode.WRONG_PREV, "is not the head digest");
    }

    @Test
    void duplicateSignaturesFromOneKeyCountOnce() {
        PrivateKeyRef k1 = TestKeys.ed("two-of-two-1");
        PrivateKeyRef k2 = TestKeys.ed("two-of-two-2");
        TrustPolicy policy = PolicyBuilder.from(Chains.policy()).domain("plant", 2, List.of(k1.publicKey(), k2.publicKey()), null).build();
        ChainState state = ChainState.fromGenesis(Signing.genesis(policy, Chains.T0, List.of(Chains.root()), null), null);
        Changeset once = signed(next(state, "plant", put("sysctl/a", "{\"value\":\"1\"}")), k1);
        Changeset twice = new Changeset(once.body(), List.of(once.signatures().get(0), once.signatures().get(0)));

        rejected(() -> state.check(twice), ErrorCode.BELOW_THRESHOLD, "needs 2 signature(s) of distinct authorized keys; it has 1");
        assertThat(state.check(signed(once, k2)).signers()).hasSize(2);
    }

    @Test
    void aSignerOfOneDomainCannotSignForAnother() {
        ChainState state = Chains.state();
        rejected(() -> state.check(signed(next(state, "global", put("sysctl/a", "{}")), Chains.signerA())),
                ErrorCode.UNAUTHORIZED_KEY, "may not sign for domain global");
    }

    @Test
    void theApplierScopeIsEnforced() {
        ChainState state = Chains.state();
        rejected(() -> state.check(signed(next(state, "factory-a", put("firewall/ruleset", "{}")), Chains.signerA())),
                ErrorCode.OUT_OF_SCOPE, "may not touch applier firewall");
    }

    @Test
    void unknownKeysDomainsAndUnsignedChangesetsAreRejected() {
        ChainState state = Chains.state();
        rejected(() -> state.check(signed(next(state, "global", put("sysctl/a", "{}")), TestKeys.ed("stranger"))),
                ErrorCode.UNKNOWN_KEY, "not in the trust policy");
        rejected(() -> state.check(next(state, "global", put("sysctl/a", "{}"))), ErrorCode.BELOW_THRESHOLD, "it has 0");
        Changeset other = signed(Signing.unsigned("factory-b", 1, Digest.ZERO, Chains.T0,
                List.of(put("sysctl/a", "{}")), null), Chains.signerA());
        rejected(() -> state.check(other), ErrorCode.UNKNOWN_DOMAIN, "factory-b");
    }

    @Test
    void aSignatureUnderTheWrongAlgorithmNameIsRejected() {
        ChainState state = Chains.state();
        Changeset cs = signed(next(state, "global", put("sysctl/a", "{}")), Chains.signerB());
        var s = cs.signatures().get(0);
        Changeset relabelled = new Changeset(cs.body(), List.of(new Signature(s.keyid(),
                SignatureAlg.ECDSA_P256_SHA256, s.sig())));
        rejected(() -> state.check(relabelled), ErrorCode.BAD_SIGNATURE, "alg");
    }

    @Test
    void aRotationSignedOnlyByTheNewRootsIsRejected() {
        ChainState state = Chains.state();
        PrivateKeyRef newRoot = TestKeys.ed("new-root");
        TrustPolicy rotated = PolicyBuilder.from(state.policy()).roots(1, List.of(newRoot.publicKey()))
                .operators(1, List.of(newRoot.publicKey())).removeKey(Chains.root().keyid()).build();
        Changeset change = Signing.policyChange(state, rotated, Chains.T0, "rotate root");

        rejected(() -> state.check(signed(change, newRoot)), ErrorCode.BELOW_THRESHOLD, "needs the current roots");
        rejected(() -> state.check(signed(change, Chains.root())), ErrorCode.BELOW_THRESHOLD, "also needs the new roots");
        Accepted ok = state.accept(signed(change, Chains.root(), newRoot));
        assertThat(ok.newPolicy().roots().keyids()).containsExactly(newRoot.keyid());
    }

    @Test
    void aRevokedKeyCannotSignAfterTheRotation() {
        ChainState state = Chains.state();
        PrivateKeyRef replacement = TestKeys.ed("signer-b-2");
        TrustPolicy revoked = PolicyBuilder.from(state.policy()).removeKey(Chains.signerB().keyid())
                .domain("global", 1, List.of(replacement.publicKey()), null).build();
        state.accept(signed(Signing.policyChange(state, revoked, Chains.T0, "revoke signer-b"), Chains.root()));

        rejected(() -> state.check(signed(next(state, "global", put("sysctl/a", "{}")), Chains.signerB())),
                ErrorCode.UNKNOWN_KEY, "not in the trust policy");
        assertThat(state.check(signed(next(state, "global", put("sysctl/a", "{}")), replacement)).seq()).isEqualTo(1);
    }

    @Test
    void aDomainAddedByAPolicyChangeStartsAtThatChange() {
        ChainState state = Chains.state();
        TrustPolicy more = PolicyBuilder.from(state.policy()).domain("factory-b", 1, List.of(Chains.signerA().publicKey()), null).build();
        Accepted change = state.accept(signed(Signing.policyChange(state, more, Chains.T0, null), Chains.root()));
        assertThat(state.head("factory-b")).isEqualTo(new Head(0, change.digest()));
        assertThat(state.head("global").seq()).isZero();
    }

    @Test
    void aGenesisNeedsItsRootThresholdAndTheAnchorMustMatch() {
        Changeset genesis = Chains.genesis();
        Changeset unsigned = new Changeset(genesis.body(), List.of());
        rejected(() -> ChainState.fromGenesis(unsigned, null), ErrorCode.BELOW_THRESHOLD, "genesis");
        rejected(() -> ChainState.fromGenesis(genesis, Digest.of(new byte[1])), ErrorCode.UNTRUSTED_ANCHOR, "trust anchor");
        assertThat(ChainState.fromGenesis(genesis, ChangesetCodec.digest(genesis.body())).policy()).isEqualTo(Chains.policy());
        Changeset notTrust = signed(new Changeset(new ChangesetBody("global", 1, Digest.ZERO,
                "2026-11-29T16:00:00Z", List.of(new Op.Delete("sysctl/a")), null), List.of()), Chains.root());
        rejected(() -> ChainState.fromGenesis(notTrust, null), ErrorCode.MALFORMED, "_trust");
    }

    @Test
    void theNodeRegistryIsWrittenByOperatorsOrRootsOnly() {
        ChainState state = Chains.state();
        Changeset add = next(state, "_nodes", put("node/n4", "{\"role\":\"replica\",\"raft\":\"127.0.0.1:7431\"}"));
        rejected(() -> state.check(signed(add, Chains.signerA())), ErrorCode.UNAUTHORIZED_KEY, "the node registry");
        assertThat(state.accept(signed(add, Chains.root())).seq()).isEqualTo(1);
        assertThat(state.head("_nodes").seq()).isEqualTo(1);
        byte[] wrongKey = ChangesetCodec.toCompactJson(signed(next(state, "_nodes", put("yum/x", "{}")), Chains.root()));
        rejected(() -> ChangesetCodec.parse(wrongKey, Limits.DEFAULT), ErrorCode.MALFORMED, "node/<id>");
    }

    @Test
    void anAuthorizedSignerCannotSetAValueTheDomainsConstraintsForbid() {
        TrustPolicy guarded = PolicyBuilder.from(Chains.policy()).constraints("global", Chains.json(
                "{\"sshd\": {\"fields\": {\"settings.PermitRootLogin\": {\"oneOf\": [\"no\"]}}}}")).build();
        ChainState state = ChainState.fromGenesis(Signing.genesis(guarded, Chains.T0, List.of(Chains.root()), null), null);
        Changeset forbidden = next(state, "global", put("sshd/root", "{\"settings\": {\"PermitRootLogin\": \"yes\"}}"));

        rejected(() -> state.check(signed(forbidden, Chains.signerB())), ErrorCode.CONSTRAINT,
                "domain global: key sshd/root breaks constraint sshd.fields.settings.PermitRootLogin");
        // without the signer's signature the refusal is about the signature, not the value
        rejected(() -> state.check(signed(forbidden, Chains.signerA())), ErrorCode.UNAUTHORIZED_KEY, "may not sign for domain global");
        assertThat(state.check(signed(next(state, "global", put("sshd/root", "{\"settings\": {\"PermitRootLogin\": \"no\"}}")),
                Chains.signerB())).seq()).isEqualTo(1);
    }

    @Test
    void aConstraintOnAnApplierOutsideTheDomainsScopeIsRefused() {
        PolicyBuilder b = PolicyBuilder.from(Chains.policy()).constraints("factory-a", Chains.json(
                "{\"sshd\": {\"fields\": {\"settings.PermitRootLogin\": {\"oneOf\": [\"no\"]}}}}"));
        assertThatThrownBy(b::build).isInstanceOf(CscsException.class)
                .hasMessageContaining("policy.domains.factory-a.constraints.sshd: the domain's scope [sysctl, yum] does not include sshd");
    }
}
