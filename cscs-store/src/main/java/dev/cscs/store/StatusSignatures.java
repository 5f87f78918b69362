package dev.cscs.store;

import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.PublicKeys;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Signature;
import dev.cscs.core.trust.StatusSigning;
import java.util.Base64;

/**
 * Checks status reports against the node's registered key (see StatusSigning). A node whose
 * key the cluster knows (from its join token or the registry) must sign; a bootstrap node
 * without a registered key is accepted but marked unverified.
 */
final class StatusSignatures {
    /** Returns whether the report is verified; throws when a registered key did not sign it. */
    static boolean check(LogEntry.ReportStatus r, NodeView node) {
        if (node == null || node.spki() == null) {
            return false;
        }
        if ("removed".equals(node.role())) {
            throw new CscsException(ErrorCode.UNAUTHORIZED_KEY, "node " + r.node() + " was removed; its status is refused");
        }
        PublicKeyRef key = PublicKeys.fromSpki(Base64.getDecoder().decode(node.spki()));
        Signature s = r.signature();
        if (s == null) {
            throw new CscsException(ErrorCode.BAD_SIGNATURE, "status of " + r.node() + " is not signed by its registered key");
        }
        if (!s.keyid().equals(key.keyid()) || s.alg() != SignatureAlg.fromWire(node.keyAlg())
                || !Signer.verify(key, s.alg(), StatusSigning.payload(r.report()), s.bytes())) {
            throw new CscsException(ErrorCode.BAD_SIGNATURE, "status of " + r.node() + " is not signed by its registered key "
                    + key.keyid().substring(0, 12) + "…");
        }
        return true;
    }
}
