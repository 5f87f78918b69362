package dev.cscs.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.PublicKeys;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A freshness record (issue #14, part 3): a voter's signed statement that at {@code issued} the
 * heads of every chain were {@code heads}. The leader signs one every {@code raft.freshnessInterval}
 * with its node key, over {@code "cscs-freshness-v1\n" || JCS(body)}: a context of its own, so it can
 * never pass as a changeset, join or status signature. A device that stops receiving newer ones is
 * frozen, and one whose heads are ahead of what its server gave it shows that server withholding.
 *
 * <p>Only a key of a verified {@code _nodes} record (a voter or replica) may sign one, since that is
 * the one registry every device verifies itself ({@link #signerKey}).
 */
public record Freshness(String node, Instant issued, Map<String, Head> heads, Signature signature) {
    public static final String CONTEXT = "cscs-freshness-v1\n";
    /** More chains than any policy names: a record is bounded like everything else a server sends. */
    public static final int MAX_HEADS = 4096;
    private static final Set<String> ENVELOPE = Set.of("record", "signature");
    private static final Set<String> BODY = Set.of("node", "issued", "heads");

    public Freshness {
        Names.checkNodeId(node);
        heads = Collections.unmodifiableMap(new TreeMap<>(heads));
    }

    /** Signs the heads at {@code issued} (kept to the millisecond, so its text has one spelling) as {@code node}. */
    public static Freshness sign(PrivateKeyRef key, String node, Instant issued, Map<String, Head> heads) {
        Instant at = Instant.ofEpochMilli(issued.toEpochMilli());
        SignatureAlg alg = SignatureAlg.defaultFor(key.type());
        Freshness unsigned = new Freshness(node, at, heads, null);
        return new Freshness(node, at, heads, Signature.of(key.keyid(), alg, Signer.sign(key, alg, unsigned.payload())));
    }

    /** Whether {@code key} made the signature (its keyid and the bytes). */
    public boolean signedBy(PublicKeyRef key) {
        return signature != null && signature.keyid().equals(key.keyid()) && signature.alg().keyType() == key.type()
                && Signer.verify(key, signature.alg(), payload(), signature.bytes());
    }

    /**
     * The key that may sign freshness records in {@code node}'s registry record (the value of
     * {@code _nodes} key {@code node/ID}): a voter's or a replica's registered key; empty for
     * an agent, a removed node or a record without a key.
     */
    public static Optional<PublicKeyRef> signerKey(JsonNode nodeRecord) {
        String role = nodeRecord.path("role").asText("");
        JsonNode spki = nodeRecord.path("key").path("spki");
        if (!("voter".equals(role) || "replica".equals(role)) || !spki.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(PublicKeys.fromSpki(Base64.getDecoder().decode(spki.asText())));
        } catch (IllegalArgumentException | CscsException e) {
            return Optional.empty();
        }
    }

    private byte[] payload() {
        return Jcs.withContext(CONTEXT, body());
    }

    private ObjectNode body() {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("node", node).put("issued", issued.toString());
        ObjectNode h = o.putObject("heads");
        heads.forEach((d, head) -> h.put(d, head.toString()));
        return o;
    }

    /** {@code {"record": {node, issued, heads: {domain: "SEQ:sha256:…"}}, "signature": {keyid, alg, sig}}}. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("record", body());
        o.putObject("signature").put("keyid", signature.keyid()).put("alg", signature.alg().wireName())
                .put("sig", signature.sig());
        return o;
    }

    /** Decodes an envelope strictly; a field out of place, a second spelling of the time or a bad head is {@code MALFORMED}. */
    public static Freshness fromTree(JsonNode o) {
        JsonFields.object(o, "$", ENVELOPE, Set.of());
        JsonNode b = JsonFields.object(o.get("record"), "$.record", BODY, Set.of());
        String node = Names.checkNodeId(JsonFields.text(b, "node", "$.record"));
        String text = JsonFields.text(b, "issued", "$.record");
        Instant issued;
        try {
            issued = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw CscsException.malformed("$.record.issued: " + Names.shown(text) + " is not an RFC 3339 UTC time");
        }
        if (!issued.toString().equals(text) || issued.getNano() % 1_000_000 != 0) {
            throw CscsException.malformed("$.record.issued: " + Names.shown(text) + " is not in its one spelling ("
                    + Instant.ofEpochMilli(issued.toEpochMilli()) + ")");
        }
        JsonNode h = b.get("heads");
        if (!h.isObject()) {
            throw CscsException.malformed("$.record.heads: must be a JSON object");
        }
        if (h.size() > MAX_HEADS) {
            throw CscsException.malformed("$.record.heads: " + h.size() + " chains; at most " + MAX_HEADS);
        }
        Map<String, Head> heads = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = "$.record.heads." + e.getKey();
            if (!Names.TRUST.equals(e.getKey()) && !Names.NODES.equals(e.getKey()) && !Names.isDomain(e.getKey())) {
                throw CscsException.malformed(at + ": " + Names.shown(e.getKey()) + " is not a chain (_trust, _nodes or a domain)");
            }
            if (!e.getValue().isTextual()) {
                throw CscsException.malformed(at + ": must be a string SEQ:sha256:<hex>");
            }
            heads.put(e.getKey(), Head.parse(e.getValue().asText()));
        }
        String sat = "$.signature";
        JsonNode s = JsonFields.object(o.get("signature"), sat, Set.of("keyid", "alg", "sig"), Set.of());
        Signature sig = new Signature(JsonFields.text(s, "keyid", sat), SignatureAlg.fromWire(JsonFields.text(s, "alg", sat)),
                JsonFields.text(s, "sig", sat));
        return new Freshness(node, issued, heads, sig);
    }
}
