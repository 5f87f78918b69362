package dev.cscs.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.PublicKeys;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Labels;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Signature;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * An admin-signed invitation for one node to join: its id, role, domains, public key and an
 * expiry, signed by a threshold of the operator keys (or of the roots). Signatures cover
 * {@code "cscs-join-v1\n" || JCS(body)}, so no changeset signature can pass as a join token.
 * Its id is the digest of the body; the store refuses a token it has seen before.
 */
public record JoinToken(String node, String role, List<String> domains, Labels labels, SignatureAlg keyAlg, PublicKeyRef key,
                        String issued, String expires, String nonce, List<Signature> signatures) {
    public static final String FORMAT = "cscs/join/v1";
    public static final String CONTEXT = "cscs-join-v1\n";
    public static final Set<String> ROLES = Set.of("voter", "replica", "agent");
    private static final int MAX_BYTES = 16 << 10;

    public JoinToken {
        Names.checkNodeId(node);
        if (!ROLES.contains(role)) {
            throw CscsException.malformed("join token: role " + Names.shown(role) + " is not voter, replica or agent");
        }
        domains = List.copyOf(domains);
        domains.forEach(Names::checkDomain);
        labels = labels == null ? Labels.NONE : labels;
        signatures = List.copyOf(signatures);
    }

    public static JoinToken issue(String node, String role, List<String> domains, PublicKeyRef key, Instant now,
                                  Duration validity, List<PrivateKeyRef> signers) {
        return issue(node, role, domains, Labels.NONE, key, now, validity, signers);
    }

    /** A token that also sets the node's labels (signed with the rest, so no server can change them). */
    public static JoinToken issue(String node, String role, List<String> domains, Labels labels, PublicKeyRef key, Instant now,
                                  Duration validity, List<PrivateKeyRef> signers) {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        JoinToken t = new JoinToken(node, role, domains, labels, SignatureAlg.defaultFor(key.type()), key, Signing.rfc3339(now),
                Signing.rfc3339(now.plus(validity)), HexFormat.of().formatHex(nonce), List.of());
        List<Signature> sigs = new ArrayList<>();
        for (PrivateKeyRef k : signers) {
            SignatureAlg alg = SignatureAlg.defaultFor(k.type());
            sigs.add(Signature.of(k.keyid(), alg, Signer.sign(k, alg, t.payload())));
        }
        return t.withSignatures(sigs);
    }

    JoinToken withSignatures(List<Signature> sigs) {
        return new JoinToken(node, role, domains, labels, keyAlg, key, issued, expires, nonce, sigs);
    }

    public ObjectNode body() {
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        b.put("format", FORMAT).put("node", node).put("role", role);
        ArrayNode d = b.putArray("domains");
        domains.forEach(d::add);
        if (!labels.isEmpty()) {
            // absent when empty: a token without labels keeps the bytes, id and signatures it always had
            b.set("labels", labels.toTree());
        }
        b.putObject("key").put("alg", keyAlg.wireName()).put("spki", key.spkiBase64());
        b.put("issued", issued).put("expires", expires).put("nonce", nonce);
        return b;
    }

    public byte[] payload() {
        return Jcs.withContext(CONTEXT, body());
    }

    /** The token's identity: what the store remembers so it is used once. */
    public Digest id() {
        return Digest.of(Jcs.canonicalize(body()));
    }

    public Instant expiresAt() {
        return Instant.parse(expires);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("body", body());
        ArrayNode s = o.putArray("signatures");
        signatures.forEach(x -> s.addObject().put("keyid", x.keyid()).put("alg", x.alg().wireName()).put("sig", x.sig()));
        return o;
    }

    public static JoinToken parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new CscsException(ErrorCode.TOO_LARGE, "join token larger than " + MAX_BYTES + " bytes");
        }
        return fromTree(StrictJson.parse(bytes, 8, "join token"));
    }

    public static JoinToken fromTree(JsonNode root) {
        JsonFields.object(root, "token", Set.of("body", "signatures"), Set.of());
        JsonNode b = JsonFields.object(root.get("body"), "token.body",
                Set.of("format", "node", "role", "domains", "key", "issued", "expires", "nonce"), Set.of("labels"));
        if (!FORMAT.equals(JsonFields.text(b, "format", "token.body"))) {
            throw CscsException.malformed("token.body.format: not " + FORMAT);
        }
        List<String> domains = new ArrayList<>();
        for (JsonNode d : JsonFields.array(b, "domains", "token.body")) {
            domains.add(d.asText());
        }
        JsonNode k = JsonFields.object(b.get("key"), "token.body.key", Set.of("alg", "spki"), Set.of());
        SignatureAlg alg = SignatureAlg.fromWire(JsonFields.text(k, "alg", "token.body.key"));
        PublicKeyRef key;
        try {
            key = PublicKeys.fromSpki(Base64.getDecoder().decode(JsonFields.text(k, "spki", "token.body.key")));
        } catch (IllegalArgumentException e) {
            throw CscsException.malformed("token.body.key.spki: not base64");
        }
        if (key.type() != alg.keyType()) {
            throw CscsException.malformed("token.body.key: alg " + alg + " does not fit a " + key.type().label() + " key");
        }
        String nonce = JsonFields.text(b, "nonce", "token.body");
        if (!nonce.matches("[0-9a-f]{32}")) {
            throw CscsException.malformed("token.body.nonce: must be 32 lowercase hex digits");
        }
        List<Signature> sigs = new ArrayList<>();
        for (JsonNode s : JsonFields.array(root, "signatures", "token")) {
            JsonFields.object(s, "token.signatures[]", Set.of("keyid", "alg", "sig"), Set.of());
            sigs.add(new Signature(JsonFields.text(s, "keyid", "sig"), SignatureAlg.fromWire(JsonFields.text(s, "alg", "sig")),
                    JsonFields.text(s, "sig", "sig")));
        }
        if (sigs.size() > 16) {
            throw new CscsException(ErrorCode.TOO_LARGE, "join token with more than 16 signatures");
        }
        Labels labels = b.has("labels") ? Labels.parse(b.get("labels"), "token.body.labels") : Labels.NONE;
        if (b.has("labels") && labels.isEmpty()) {
            throw CscsException.malformed("token.body.labels: empty; leave it out for no labels");
        }
        return new JoinToken(JsonFields.text(b, "node", "token.body"), JsonFields.text(b, "role", "token.body"), domains, labels, alg, key,
                ChangesetCodec.checkIssued(JsonFields.text(b, "issued", "token.body")),
                ChangesetCodec.checkIssued(JsonFields.text(b, "expires", "token.body")), nonce, sigs);
    }

    /**
     * Checks the signatures against {@code policy} (a threshold of operators, or of roots) and
     * the expiry against {@code now}; {@code used} says whether this token was spent before.
     */
    /** How a refusal of a spent token ends: a device tells its own lost-answer join by it. */
    public static final String ALREADY_USED = "was already used";

    public void verify(TrustPolicy policy, Instant now, boolean used) {
        if (used) {
            throw new CscsException(ErrorCode.BAD_TOKEN, "join token " + id().shortForm() + "… for " + node + " " + ALREADY_USED);
        }
        if (!now.isBefore(expiresAt())) {
            throw new CscsException(ErrorCode.BAD_TOKEN, "join token for " + node + " expired at " + expires);
        }
        byte[] payload = payload();
        Set<String> valid = new HashSet<>();
        for (Signature s : signatures) {
            KeyEntry e = policy.keys().get(s.keyid());
            if (e == null || !(policy.operators().contains(s.keyid()) || policy.roots().contains(s.keyid()))) {
                throw new CscsException(ErrorCode.BAD_TOKEN, "join token for " + node + ": signature by " + s.keyid()
                        + ", which is not an operator or root key");
            }
            if (e.alg() != s.alg() || !Signer.verify(e.key(), s.alg(), payload, s.bytes())) {
                throw new CscsException(ErrorCode.BAD_TOKEN, "join token for " + node + ": signature by " + s.keyid()
                        + " does not verify (forged or altered)");
            }
            valid.add(s.keyid());
        }
        long ops = policy.distinctKeys(valid, policy.operators());
        long roots = policy.distinctKeys(valid, policy.roots());
        if (ops < policy.operators().threshold() && roots < policy.roots().threshold()) {
            throw new CscsException(ErrorCode.BAD_TOKEN, "join token for " + node + " needs " + policy.operators().threshold()
                    + " operator signature(s); it has " + ops);
        }
    }
}
