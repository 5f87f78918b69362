package dev.cscs.store;

import dev.cscs.core.crypto.PublicKeys;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.trust.Freshness;
import java.util.Base64;

/**
 * The latest freshness record the log holds (issue #14), and the check every replica makes
 * before it takes one: the signer is a member whose key the cluster knows, the signature is that
 * key's, and the record is newer than the one before. So a member that replays an old record, or
 * forges one under another node's name, is refused on every replica alike, with an alert.
 * Devices check again against their own verified registry; this is not what they rely on.
 */
final class FreshnessLedger {
    /** The latest record and the revision that committed it. */
    record Latest(long revision, Freshness freshness) {
    }

    private Latest latest;

    void check(Freshness f, NodeView signer) {
        if (signer == null || signer.spki() == null || "removed".equals(signer.role()) || "agent".equals(signer.role())) {
            throw new CscsException(ErrorCode.UNKNOWN_KEY, "a freshness record in the name of " + f.node()
                    + ", which is not a member with a registered key");
        }
        if (!f.signedBy(PublicKeys.fromSpki(Base64.getDecoder().decode(signer.spki())))) {
            throw new CscsException(ErrorCode.BAD_SIGNATURE, "a freshness record of " + f.node()
                    + " that its registered key did not sign");
        }
        if (latest != null && !f.issued().isAfter(latest.freshness().issued())) {
            throw new CscsException(ErrorCode.STALE, "a freshness record of " + f.node() + " issued " + f.issued()
                    + ", not after the one at revision " + latest.revision() + " (" + latest.freshness().issued()
                    + "): a replay, or a signer's clock far behind");
        }
    }

    void take(long revision, Freshness f) {
        latest = new Latest(revision, f);
    }

    Latest latest() {
        return latest;
    }

    void reset(Latest l) {
        latest = l;
    }
}
