package dev.cscs.core.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The strict changeset codec. Parsing rejects anything the wire format does not define
 * (unknown fields, duplicate members, non-canonical numbers, bad names, oversize input)
 * with a precise message; encoding is the inverse, and the signed bytes are
 * {@code "cscs-changeset-v1\n" || JCS(body)}.
 */
public final class ChangesetCodec {
    public static final String SIGNING_CONTEXT = "cscs-changeset-v1\n";
    private static final Pattern RFC3339_UTC = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    private static final int MAX_COMMENT_CHARS = 1024;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChangesetCodec() {
    }

    public static Changeset parse(byte[] json, Limits limits) {
        if (json.length > limits.maxChangesetBytes()) {
            throw new CscsException(ErrorCode.TOO_LARGE, "changeset is " + json.length + " bytes; the limit is "
                    + limits.maxChangesetBytes());
        }
        return fromTree(StrictJson.parse(json, limits.maxDepth(), "changeset"), limits);
    }

    public static Changeset fromTree(JsonNode root, Limits limits) {
        JsonFields.object(root, "$", Set.of("body", "signatures"), Set.of());
        ChangesetBody body = bodyFromTree(root.get("body"), limits);
        JsonNode sigs = JsonFields.array(root, "signatures", "$");
        if (sigs.size() > limits.maxSignatures()) {
            throw new CscsException(ErrorCode.TOO_LARGE, "$.signatures: " + sigs.size() + " signatures; the limit is "
                    + limits.maxSignatures());
        }
        List<Signature> signatures = new ArrayList<>();
        for (int i = 0; i < sigs.size(); i++) {
            String path = "$.signatures[" + i + "]";
            JsonNode s = JsonFields.object(sigs.get(i), path, Set.of("keyid", "alg", "sig"), Set.of());
            signatures.add(new Signature(JsonFields.text(s, "keyid", path),
                    SignatureAlg.fromWire(JsonFields.text(s, "alg", path)), JsonFields.text(s, "sig", path)));
        }
        return new Changeset(body, signatures);
    }

    static ChangesetBody bodyFromTree(JsonNode b, Limits limits) {
        String path = "$.body";
        JsonFields.object(b, path, Set.of("format", "domain", "seq", "prev", "issued", "ops"), Set.of("comment"));
        String format = JsonFields.text(b, "format", path);
        if (!ChangesetBody.FORMAT.equals(format)) {
            throw CscsException.malformed(path + ".format: " + Names.shown(format) + " is not " + ChangesetBody.FORMAT);
        }
        String domain = Names.checkChangesetDomain(JsonFields.text(b, "domain", path));
        long seq = JsonFields.integer(b, "seq", path);
        if (seq < 1) {
            throw CscsException.malformed(path + ".seq: must be 1 or more");
        }
        Digest prev = Digest.parse(JsonFields.text(b, "prev", path));
        String issued = checkIssued(JsonFields.text(b, "issued", path));
        String comment = b.has("comment") ? checkComment(JsonFields.text(b, "comment", path)) : null;
        JsonNode opsNode = JsonFields.array(b, "ops", path);
        if (opsNode.isEmpty()) {
            throw CscsException.malformed(path + ".ops: a changeset needs at least one op");
        }
        if (opsNode.size() > limits.maxOps()) {
            throw new CscsException(ErrorCode.TOO_LARGE, path + ".ops: " + opsNode.size() + " ops; the limit is " + limits.maxOps());
        }
        List<Op> ops = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < opsNode.size(); i++) {
            Op op = opFromTree(opsNode.get(i), path + ".ops[" + i + "]", domain, limits);
            if (!keys.add(op.key())) {
                throw CscsException.malformed(path + ".ops[" + i + "]: key " + op.key() + " appears twice in one changeset");
            }
            ops.add(op);
        }
        ChangesetBody body = new ChangesetBody(domain, seq, prev, issued, ops, comment);
        checkTrustShape(body);
        return body;
    }

    private static Op opFromTree(JsonNode o, String path, String domain, Limits limits) {
        JsonFields.object(o, path, Set.of("op", "key"), Set.of("value"));
        String kind = JsonFields.text(o, "op", path);
        String key = JsonFields.text(o, "key", path);
        if (Names.TRUST.equals(domain)) {
            if (!Names.POLICY_KEY.equals(key)) {
                throw CscsException.malformed(path + ".key: the _trust domain has one key, \"policy\"");
            }
        } else {
            try {
                KeyPath k = KeyPath.parse(key);
                if (Names.NODES.equals(domain)) {
                    if (!"node".equals(k.applier())) {
                        throw CscsException.malformed("the _nodes domain holds keys node/<id>");
                    }
                    Names.checkNodeId(k.name());
                }
            } catch (CscsException e) {
                throw CscsException.malformed(path + ".key: " + e.getMessage());
            }
        }
        switch (kind) {
            case "put": {
                if (!o.has("value")) {
                    throw CscsException.malformed(path + ": a put needs a value");
                }
                JsonNode value = o.get("value");
                int size = Jcs.canonicalize(value).length;
                if (size > limits.maxValueBytes()) {
                    throw new CscsException(ErrorCode.TOO_LARGE, path + ".value: " + size + " bytes; the limit is "
                            + limits.maxValueBytes());
                }
                return new Op.Put(key, value);
            }
            case "delete":
                if (o.has("value")) {
                    throw CscsException.malformed(path + ": a delete has no value");
                }
                return new Op.Delete(key);
            default:
                throw CscsException.malformed(path + ".op: " + Names.shown(kind) + " is not put or delete");
        }
    }

    private static void checkTrustShape(ChangesetBody body) {
        if (Names.TRUST.equals(body.domain())
                && (body.ops().size() != 1 || !(body.ops().get(0) instanceof Op.Put))) {
            throw CscsException.malformed("$.body.ops: a _trust changeset is exactly one put of \"policy\"");
        }
    }

    public static String checkIssued(String issued) {
        if (!RFC3339_UTC.matcher(issued).matches()) {
            throw CscsException.malformed("$.body.issued: " + Names.shown(issued) + " is not RFC 3339 UTC (e.g. 2026-11-29T16:00:00Z)");
        }
        try {
            Instant.parse(issued);
        } catch (DateTimeParseException e) {
            throw CscsException.malformed("$.body.issued: " + Names.shown(issued) + " is not a valid time");
        }
        return issued;
    }

    private static String checkComment(String comment) {
        if (comment.length() > MAX_COMMENT_CHARS) {
            throw CscsException.malformed("$.body.comment: longer than " + MAX_COMMENT_CHARS + " characters");
        }
        for (int i = 0; i < comment.length(); i++) {
            char c = comment.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
                throw CscsException.malformed("$.body.comment: holds a control character");
            }
        }
        return comment;
    }

    public static ObjectNode bodyTree(ChangesetBody body) {
        ObjectNode b = NODES.objectNode();
        b.put("format", ChangesetBody.FORMAT);
        b.put("domain", body.domain());
        b.put("seq", body.seq());
        b.put("prev", body.prev().toString());
        b.put("issued", body.issued());
        ArrayNode ops = b.putArray("ops");
        for (Op op : body.ops()) {
            ObjectNode o = ops.addObject();
            if (op instanceof Op.Put) {
                o.put("op", "put");
                o.put("key", op.key());
                o.set("value", ((Op.Put) op).value());
            } else {
                o.put("op", "delete");
                o.put("key", op.key());
            }
        }
        if (body.comment() != null) {
            b.put("comment", body.comment());
        }
        return b;
    }

    public static ObjectNode toTree(Changeset cs) {
        ObjectNode root = NODES.objectNode();
        root.set("body", bodyTree(cs.body()));
        ArrayNode sigs = root.putArray("signatures");
        for (Signature s : cs.signatures()) {
            sigs.addObject().put("keyid", s.keyid()).put("alg", s.alg().wireName()).put("sig", s.sig());
        }
        return root;
    }

    public static byte[] canonicalBody(ChangesetBody body) {
        return Jcs.canonicalize(bodyTree(body));
    }

    public static Digest digest(ChangesetBody body) {
        return Digest.of(canonicalBody(body));
    }

    /** The exact bytes every signature covers. */
    public static byte[] signingPayload(ChangesetBody body) {
        return signingPayload(canonicalBody(body));
    }

    /** The signed bytes for a body already in canonical form. */
    public static byte[] signingPayload(byte[] canonical) {
        byte[] context = SIGNING_CONTEXT.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[context.length + canonical.length];
        System.arraycopy(context, 0, payload, 0, context.length);
        System.arraycopy(canonical, 0, payload, context.length, canonical.length);
        return payload;
    }

    /** Indented JSON for files people read; any encoding of the same tree verifies the same. */
    public static byte[] toPrettyJson(Changeset cs) {
        try {
            return (PRETTY.writeValueAsString(toTree(cs)) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new CscsException(ErrorCode.INTERNAL, "cannot encode changeset", e);
        }
    }

    /** Compact canonical JSON of the whole changeset, as sent over the wire and stored in the log. */
    public static byte[] toCompactJson(Changeset cs) {
        return Jcs.canonicalize(toTree(cs));
    }
}
