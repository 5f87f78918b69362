package dev.cscs.core.trust;

import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetBody;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import dev.cscs.core.model.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Making and signing changesets, the genesis among them. */
public final class Signing {
    private Signing() {
    }

    /** The RFC 3339 UTC form CSCS writes: whole seconds, {@code Z}. */
    public static String rfc3339(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    public static Changeset unsigned(String domain, long seq, Digest prev, Instant issued, List<Op> ops, String comment) {
        return new Changeset(new ChangesetBody(domain, seq, prev, rfc3339(issued), ops, comment), List.of());
    }

    /** Adds (or replaces) {@code key}'s signature, made with the key's default algorithm unless {@code alg} is given. */
    public static Changeset sign(Changeset cs, PrivateKeyRef key, SignatureAlg alg) {
        SignatureAlg a = alg != null ? alg : SignatureAlg.defaultFor(key.type());
        byte[] sig = Signer.sign(key, a, ChangesetCodec.signingPayload(cs.body()));
        return cs.withSignature(Signature.of(key.keyid(), a, sig));
    }

    /** A genesis for {@code policy}, signed by {@code roots} with the algorithms the policy names. */
    public static Changeset genesis(TrustPolicy policy, Instant issued, List<PrivateKeyRef> roots, String comment) {
        Changeset cs = unsigned(Names.TRUST, 1, Digest.ZERO, issued,
                List.of(new Op.Put(Names.POLICY_KEY, PolicyCodec.toTree(policy))), comment);
        for (PrivateKeyRef k : roots) {
            KeyEntry e = policy.keys().get(k.keyid());
            cs = sign(cs, k, e == null ? null : e.alg());
        }
        return cs;
    }

    /** A policy change: the next link of {@code _trust}; sign it with the old (and, for new roots, the new) roots. */
    public static Changeset policyChange(ChainState state, TrustPolicy next, Instant issued, String comment) {
        var head = state.trustHead();
        return unsigned(Names.TRUST, head.seq() + 1, head.digest(), issued,
                List.of(new Op.Put(Names.POLICY_KEY, PolicyCodec.toTree(next))), comment);
    }
}
