package dev.cscs.core.trust;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Names;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The verified trust policy and the head of every chain. Deterministic: it changes only
 * through {@link #accept}, in log order. A domain's chain starts (seq 0) at the digest of
 * the trust changeset that first named it.
 */
public final class ChainState {
    private TrustPolicy policy;
    private final Map<String, Head> heads = new TreeMap<>();

    private ChainState() {
    }

    /** A state rooted in a verified genesis; {@code anchor}, when given, must be its digest. */
    public static ChainState fromGenesis(Changeset genesis, Digest anchor) {
        Accepted a = ChainVerifier.verifyGenesis(genesis);
        if (anchor != null && !anchor.matches(a.digest())) {
            throw new CscsException(ErrorCode.UNTRUSTED_ANCHOR, "genesis digest " + a.digest()
                    + " is not the trust anchor " + anchor);
        }
        ChainState s = new ChainState();
        s.apply(a);
        return s;
    }

    /** Restores a state from a snapshot; the caller has verified where it came from. */
    public static ChainState restore(TrustPolicy policy, Map<String, Head> heads) {
        ChainState s = new ChainState();
        s.policy = policy;
        s.heads.putAll(heads);
        return s;
    }

    /** Verifies {@code cs} as the next link of its chain, without changing anything. */
    public Accepted check(Changeset cs) {
        return ChainVerifier.verify(policy, heads.get(cs.body().domain()), cs);
    }

    /** Verifies and applies {@code cs}. */
    public Accepted accept(Changeset cs) {
        Accepted a = check(cs);
        apply(a);
        return a;
    }

    private void apply(Accepted a) {
        heads.put(a.domain(), new Head(a.seq(), a.digest()));
        if (a.newPolicy() != null) {
            policy = a.newPolicy();
            for (String domain : policy.domains().keySet()) {
                heads.putIfAbsent(domain, new Head(0, a.digest()));
            }
            heads.putIfAbsent(Names.NODES, new Head(0, a.digest()));
        }
    }

    public TrustPolicy policy() {
        return policy;
    }

    public Head head(String domain) {
        return heads.get(domain);
    }

    public Head trustHead() {
        return heads.get(Names.TRUST);
    }

    public Map<String, Head> heads() {
        return Collections.unmodifiableMap(heads);
    }

    public ChainState copy() {
        return restore(policy, heads);
    }
}
