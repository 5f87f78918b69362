package dev.cscs.core.trust;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import java.util.Set;

/**
 * A changeset that passed verification as the next link of its domain's chain.
 *
 * @param newPolicy the policy it installs, for a {@code _trust} changeset; otherwise {@code null}
 * @param signers the authorized keyids whose signatures verified (one per key: a policy never names a key twice)
 */
public record Accepted(Changeset changeset, Digest digest, TrustPolicy newPolicy, Set<String> signers) {
    public Accepted {
        signers = Set.copyOf(signers);
    }

    public String domain() {
        return changeset.body().domain();
    }

    public long seq() {
        return changeset.body().seq();
    }
}
