package dev.cscs.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.model.Signature;

/**
 * Nodes sign their status reports with their own key over {@code "cscs-status-v1\n" || JCS(report)}:
 * a context of its own, so a report signature can never pass as a changeset or join signature.
 */
public final class StatusSigning {
    public static final String CONTEXT = "cscs-status-v1\n";

    private StatusSigning() {
    }

    public static byte[] payload(JsonNode report) {
        return Jcs.withContext(CONTEXT, report);
    }

    public static Signature sign(PrivateKeyRef key, JsonNode report) {
        SignatureAlg alg = SignatureAlg.defaultFor(key.type());
        return Signature.of(key.keyid(), alg, Signer.sign(key, alg, payload(report)));
    }

    /** The envelope nodes send: {@code {"node", "report", "signature"}}. */
    public static ObjectNode envelope(String node, JsonNode report, Signature sig) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("node", node);
        o.set("report", report);
        o.putObject("signature").put("keyid", sig.keyid()).put("alg", sig.alg().wireName()).put("sig", sig.sig());
        return o;
    }
}
