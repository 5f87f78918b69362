package dev.cscs.core.trust;

import dev.cscs.core.crypto.Signer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import dev.cscs.core.model.Signature;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a changeset is the next link of its domain's chain. Pure and
 * deterministic: the same policy, head and changeset always give the same verdict, on the
 * leader and on every replica. Cheap checks come first (domain, seq, prev, scope), so a
 * flood of stale input costs no signature verification.
 */
public final class ChainVerifier {
    private ChainVerifier() {
    }

    /**
     * Verifies {@code cs} against the current {@code policy} and its domain's {@code head}
     * ({@code null} when the domain has no chain yet).
     */
    public static Accepted verify(TrustPolicy policy, Head head, Changeset cs) {
        ChangesetBody body = cs.body();
        if (Names.TRUST.equals(body.domain())) {
            return verifyTrust(policy, head, cs);
        }
        if (Names.NODES.equals(body.domain())) {
            return verifyMembership(policy, head, cs);
        }
        DomainRule rule = policy.domains().get(body.domain());
        if (rule == null || head == null) {
            throw new CscsException(ErrorCode.UNKNOWN_DOMAIN, "domain " + body.domain() + " is not in the trust policy");
        }
        checkPosition(head, body);
        for (Op op : body.ops()) {
            String applier = KeyPath.parse(op.key()).applier();
            if (!rule.allows(applier)) {
                throw new CscsException(ErrorCode.OUT_OF_SCOPE, "domain " + body.domain() + " may not touch applier "
                        + applier + " (key " + op.key() + "); its scope is " + new TreeSet<>(rule.appliers()));
            }
        }
        byte[] canonical = ChangesetCodec.canonicalBody(body);
        Set<String> valid = validSigners(cs, ChangesetCodec.signingPayload(canonical), policy, null, rule.signers(), null,
                "domain " + body.domain());
        requireThreshold(valid, policy, rule.signers(), "domain " + body.domain() + " needs");
        // after the signatures: a refusal here is an authorized signer asking for a forbidden value
        rule.constraints().require(body.domain(), body.ops());
        return new Accepted(cs, Digest.of(canonical), null, valid);
    }

    /**
     * The node registry is written by operators: a threshold of the operator keys, or of the
     * roots (who can always replace the operators anyway).
     */
    private static Accepted verifyMembership(TrustPolicy policy, Head head, Changeset cs) {
        ChangesetBody body = cs.body();
        if (head == null) {
            throw new CscsException(ErrorCode.UNKNOWN_DOMAIN, "the node registry has no chain yet");
        }
        checkPosition(head, body);
        byte[] canonical = ChangesetCodec.canonicalBody(body);
        Set<String> valid = validSigners(cs, ChangesetCodec.signingPayload(canonical), policy, null, policy.operators(),
                policy.roots(), "the node registry");
        long operators = policy.distinctKeys(valid, policy.operators());
        long roots = policy.distinctKeys(valid, policy.roots());
        if (operators < policy.operators().threshold() && roots < policy.roots().threshold()) {
            throw new CscsException(ErrorCode.BELOW_THRESHOLD, "a membership change needs " + policy.operators().threshold()
                    + " operator signature(s) (it has " + operators + ") or " + policy.roots().threshold()
                    + " root signature(s) (it has " + roots + ")");
        }
        return new Accepted(cs, Digest.of(canonical), null, valid);
    }

    /** Verifies a genesis: {@code _trust} seq 1 with a zero prev, signed by the threshold of its own roots. */
    public static Accepted verifyGenesis(Changeset genesis) {
        return verifyTrust(null, new Head(0, Digest.ZERO), genesis);
    }

    private static Accepted verifyTrust(TrustPolicy old, Head head, Changeset cs) {
        ChangesetBody body = cs.body();
        if (!Names.TRUST.equals(body.domain())) {
            throw CscsException.malformed("a genesis must be a changeset of domain _trust");
        }
        checkPosition(head, body);
        TrustPolicy next;
        try {
            next = PolicyCodec.parse(((Op.Put) body.ops().get(0)).value());
        } catch (CscsException e) {
            throw new CscsException(e.code(), "new trust policy: " + e.getMessage());
        }
        byte[] canonical = ChangesetCodec.canonicalBody(body);
        byte[] payload = ChangesetCodec.signingPayload(canonical);
        KeySet oldRoots = old == null ? next.roots() : old.roots();
        boolean rootsChange = old != null && next.rootsDifferFrom(old);
        Set<String> valid = validSigners(cs, payload, old == null ? next : old, next, oldRoots,
                rootsChange ? next.roots() : null, "the trust policy");
        requireThreshold(valid, old == null ? next : old, oldRoots,
                old == null ? "the genesis needs" : "a policy change needs the current roots:");
        if (rootsChange) {
            requireThreshold(valid, next, next.roots(), "a change of roots also needs the new roots:");
        }
        return new Accepted(cs, Digest.of(canonical), next, valid);
    }

    private static void checkPosition(Head head, ChangesetBody body) {
        if (body.seq() != head.seq() + 1) {
            throw new CscsException(ErrorCode.WRONG_SEQ, body.domain() + ": seq " + body.seq() + " does not follow the head "
                    + head.seq() + " (expected " + (head.seq() + 1) + ")");
        }
        if (!head.digest().matches(body.prev())) {
            throw new CscsException(ErrorCode.WRONG_PREV, body.domain() + ": prev " + body.prev().shortForm()
                    + "… is not the head digest " + head.digest().shortForm() + "… of seq " + head.seq());
        }
    }

    /**
     * Checks every signature: its key must be known, authorized here, used with its own
     * algorithm, and the signature must verify. Any failure rejects the whole changeset (fail
     * closed); returns the keyids that signed (thresholds then count their distinct keys).
     */
    private static Set<String> validSigners(Changeset cs, byte[] payload, TrustPolicy policy, TrustPolicy next,
                                            KeySet authorized, KeySet alsoAuthorized, String what) {
        Set<String> valid = new HashSet<>();
        for (Signature s : cs.signatures()) {
            KeyEntry entry = policy.keys().get(s.keyid());
            if (entry == null && next != null && alsoAuthorized != null && alsoAuthorized.contains(s.keyid())) {
                entry = next.keys().get(s.keyid());
            }
            if (entry == null) {
                throw new CscsException(ErrorCode.UNKNOWN_KEY, "signature by " + s.keyid() + ": key is not in the trust policy");
            }
            if (!authorized.contains(s.keyid()) && (alsoAuthorized == null || !alsoAuthorized.contains(s.keyid()))) {
                throw new CscsException(ErrorCode.UNAUTHORIZED_KEY, "signature by " + s.keyid() + ": key may not sign for " + what);
            }
            if (entry.alg() != s.alg()) {
                throw new CscsException(ErrorCode.BAD_SIGNATURE, "signature by " + s.keyid() + ": alg " + s.alg()
                        + " but the policy says this key signs with " + entry.alg());
            }
            if (!Signer.verify(entry.key(), s.alg(), payload, s.bytes())) {
                throw new CscsException(ErrorCode.BAD_SIGNATURE, "signature by " + s.keyid()
                        + " does not verify: the changeset or the signature was altered");
            }
            valid.add(s.keyid());
        }
        return valid;
    }

    /** Counts distinct keys, not keyids: see {@link TrustPolicy#distinctKeys}. */
    private static void requireThreshold(Set<String> valid, TrustPolicy policy, KeySet set, String what) {
        long count = policy.distinctKeys(valid, set);
        if (count < set.threshold()) {
            throw new CscsException(ErrorCode.BELOW_THRESHOLD, what + " " + set.threshold() + " signature(s) of distinct "
                    + "authorized keys; it has " + count);
        }
    }
}
