package dev.cscs.core.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeys;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.PolicyCodec;
import dev.cscs.core.trust.Signing;
import dev.cscs.core.trust.TrustPolicy;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Trust policies written as JSON, the way an attacker would: keys given as raw SPKI bytes
 * that no CSCS check has seen, signed into a genesis or a policy change with real root keys.
 */
public final class RawPolicies {
    private final ObjectNode tree;

    private RawPolicies(ObjectNode tree) {
        this.tree = tree;
    }

    public static RawPolicies from(TrustPolicy base) {
        return new RawPolicies(PolicyCodec.toTree(base));
    }

    /** Adds the key {@code spki} under the keyid CSCS derives from those bytes; returns that keyid. */
    public String key(byte[] spki, SignatureAlg alg) {
        String keyid = PublicKeys.keyId(spki);
        ((ObjectNode) tree.get("keys")).putObject(keyid).put("alg", alg.wireName())
                .put("spki", Base64.getEncoder().encodeToString(spki));
        return keyid;
    }

    public RawPolicies domain(String name, int threshold, List<String> keyids) {
        ObjectNode d = ((ObjectNode) tree.get("domains")).putObject(name);
        ArrayNode ids = d.putArray("keyids");
        keyids.forEach(ids::add);
        d.put("threshold", threshold);
        return this;
    }

    public ObjectNode tree() {
        return tree.deepCopy();
    }

    /** A genesis carrying this policy, signed by {@code roots}. */
    public Changeset genesis(Instant issued, PrivateKeyRef... roots) {
        return after(new Head(0, Digest.ZERO), issued, roots);
    }

    /** The {@code _trust} link after {@code head} carrying this policy, signed by {@code roots}. */
    public Changeset after(Head head, Instant issued, PrivateKeyRef... roots) {
        Changeset cs = Signing.unsigned(Names.TRUST, head.seq() + 1, head.digest(), issued,
                List.of(new Op.Put(Names.POLICY_KEY, tree())), null);
        for (PrivateKeyRef k : roots) {
            cs = Signing.sign(cs, k, null);
        }
        return cs;
    }
}
