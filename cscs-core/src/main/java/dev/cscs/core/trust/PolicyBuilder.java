package dev.cscs.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.error.CscsException;
import java.util.Collection;
import java.util.List;

/**
 * Builds a trust policy from public keys. The result goes through {@link PolicyCodec#parse},
 * so a policy built here is checked exactly like one received from the network.
 */
public final class PolicyBuilder {
    private final ObjectNode tree = JsonNodeFactory.instance.objectNode();

    public PolicyBuilder() {
        tree.putObject("keys");
        tree.putObject("roots");
        tree.putObject("operators");
        tree.putObject("domains");
    }

    /** Starts from an existing policy, e.g. to rotate a key or add a domain. */
    public static PolicyBuilder from(TrustPolicy p) {
        PolicyBuilder b = new PolicyBuilder();
        b.tree.setAll(PolicyCodec.toTree(p));
        return b;
    }

    public PolicyBuilder key(PublicKeyRef key, SignatureAlg alg) {
        ObjectNode k = keysNode().putObject(key.keyid());
        k.put("alg", (alg != null ? alg : SignatureAlg.defaultFor(key.type())).wireName());
        k.put("spki", key.spkiBase64());
        return this;
    }

    public PolicyBuilder roots(int threshold, Collection<PublicKeyRef> keys) {
        tree.set("roots", keySet(threshold, keys));
        return this;
    }

    public PolicyBuilder operators(int threshold, Collection<PublicKeyRef> keys) {
        tree.set("operators", keySet(threshold, keys));
        return this;
    }

    /** Adds a domain or replaces its signers and scope (its constraints stay); {@code appliers} null means every applier. */
    public PolicyBuilder domain(String name, int threshold, Collection<PublicKeyRef> signers, Collection<String> appliers) {
        ObjectNode d = keySet(threshold, signers);
        if (appliers != null) {
            ArrayNode a = d.putArray("appliers");
            appliers.forEach(a::add);
        }
        for (String kept : List.of("constraints", "selector")) {
            JsonNode before = domainsNode().path(name).get(kept);
            if (before != null) {
                d.set(kept, before);
            }
        }
        domainsNode().set(name, d);
        return this;
    }

    /** Sets a domain's constraints (the JSON of docs/DESIGN.md §2), or clears them with {@code null}. */
    public PolicyBuilder constraints(String name, JsonNode constraints) {
        return field(name, "constraints", constraints);
    }

    /** Binds a domain to the devices whose labels match {@code selector} (e.g. {"ring": ["canary"]}), or unbinds it with {@code null}. */
    public PolicyBuilder selector(String name, JsonNode selector) {
        return field(name, "selector", selector);
    }

    private PolicyBuilder field(String name, String field, JsonNode value) {
        JsonNode d = domainsNode().get(name);
        if (!(d instanceof ObjectNode o)) {
            throw CscsException.malformed("policy.domains." + name + ": no such domain");
        }
        if (value == null) {
            o.remove(field);
        } else {
            o.set(field, value.deepCopy());
        }
        return this;
    }

    public PolicyBuilder removeDomain(String name) {
        domainsNode().remove(name);
        return this;
    }

    /** Removes a key everywhere it appears (revocation). */
    public PolicyBuilder removeKey(String keyid) {
        keysNode().remove(keyid);
        for (String set : List.of("roots", "operators")) {
            removeFrom((ObjectNode) tree.get(set), keyid);
        }
        domainsNode().forEach(d -> removeFrom((ObjectNode) d, keyid));
        return this;
    }

    private static void removeFrom(ObjectNode set, String keyid) {
        ArrayNode ids = (ArrayNode) set.get("keyids");
        if (ids == null) {
            return;
        }
        for (int i = ids.size() - 1; i >= 0; i--) {
            if (ids.get(i).asText().equals(keyid)) {
                ids.remove(i);
            }
        }
    }

    public TrustPolicy build() {
        return PolicyCodec.parse(tree.deepCopy());
    }

    private ObjectNode keysNode() {
        return (ObjectNode) tree.get("keys");
    }

    private ObjectNode domainsNode() {
        return (ObjectNode) tree.get("domains");
    }

    private ObjectNode keySet(int threshold, Collection<PublicKeyRef> keys) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        ArrayNode ids = s.putArray("keyids");
        for (PublicKeyRef k : keys) {
            if (!keysNode().has(k.keyid())) {
                key(k, null);
            }
            ids.add(k.keyid());
        }
        s.put("threshold", threshold);
        return s;
    }
}
