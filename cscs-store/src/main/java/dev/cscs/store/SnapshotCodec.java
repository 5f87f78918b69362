package dev.cscs.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.JsonFields;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The snapshot file: a versioned, checksummed format of our own (no Java serialization).
 * <pre>
 *   "CSCS-SNAPSHOT\n"  version:int32  length:int64  payload:JSON  sha256(all before):32 bytes
 * </pre>
 * Restoring replays every stored changeset through verification from the genesis, so a
 * snapshot can hold nothing that the chains and the trust policy do not prove.
 */
public final class SnapshotCodec {
    static final byte[] MAGIC = "CSCS-SNAPSHOT\n".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8; // largest array the JVM allocates
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotCodec() {
    }

    public static void write(ConfigStore store, long term, long index, OutputStream out) throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", "cscs/snapshot/v1").put("term", term).put("index", index)
                .put("genesis", store.genesis().digest().toString());
        ArrayNode changesets = root.putArray("changesets");
        for (StoredChangeset s : store.allChangesets()) {
            if (s.revision() > 0) {
                changesets.addObject().put("revision", s.revision()).set("changeset", ChangesetCodec.toTree(s.changeset()));
            }
        }
        ArrayNode alerts = root.putArray("alerts");
        for (Alert a : store.alerts()) {
            alerts.addObject().put("revision", a.revision()).put("time", a.time()).put("origin", a.origin())
                    .put("code", a.code()).put("message", a.message()).put("subject", a.subject()).put("repeated", a.repeated());
        }
        ObjectNode counts = root.putObject("rejections");
        store.rejectionsByCode().forEach(counts::put);
        ObjectNode status = root.putObject("status");
        Map<String, Boolean> verified = store.statusVerified();
        store.status().forEach((node, r) -> {
            ObjectNode o = status.putObject(node).put("time", r.time()).put("verified", verified.getOrDefault(node, false));
            o.set("report", r.report());
            if (r.signature() != null) {
                o.putObject("signature").put("keyid", r.signature().keyid()).put("alg", r.signature().alg().wireName())
                        .put("sig", r.signature().sig());
            }
        });
        ArrayNode tokens = root.putArray("usedTokens");
        store.usedTokens().forEach(tokens::add);
        ObjectNode joined = root.putObject("joined");
        store.joined().forEach((id, n) -> joined.putObject(id).put("role", n.role()).put("raft", n.raft())
                .put("keyAlg", n.keyAlg()).put("spki", n.spki()).put("revision", n.revision()));

        byte[] payload = JSON.writeValueAsBytes(root);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(head);
        d.write(MAGIC);
        d.writeInt(VERSION);
        d.writeLong(payload.length);
        d.flush();
        MessageDigest sha = sha256();
        sha.update(head.toByteArray());
        sha.update(payload);
        out.write(head.toByteArray());
        out.write(payload);
        out.write(sha.digest());
        out.flush();
    }

    /** Reads a snapshot into a new store rooted in {@code genesis}; any damage or mismatch is an error. */
    public static ConfigStore read(InputStream in, Changeset genesis, Digest anchor, int eventHistory) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = d.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw damaged("not a CSCS snapshot");
        }
        int version = d.readInt();
        if (version != VERSION) {
            throw damaged("snapshot version " + version + " is not supported (this build reads " + VERSION + ")");
        }
        long length = d.readLong();
        if (length < 2 || length > MAX_PAYLOAD) {
            throw damaged("snapshot payload length " + length + " is out of range");
        }
        byte[] payload = d.readNBytes((int) length);
        byte[] checksum = d.readNBytes(32);
        if (payload.length != length || checksum.length != 32) {
            throw damaged("snapshot is truncated");
        }
        MessageDigest sha = sha256();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(head);
        h.write(MAGIC);
        h.writeInt(version);
        h.writeLong(length);
        sha.update(head.toByteArray());
        sha.update(payload);
        if (!MessageDigest.isEqual(sha.digest(), checksum)) {
            throw damaged("snapshot checksum does not match");
        }
        return restore(StrictJson.parse(payload, Limits.PROTOCOL_MAX.maxDepth() + 8, "snapshot"), genesis, anchor, eventHistory);
    }

    private static ConfigStore restore(JsonNode root, Changeset genesis, Digest anchor, int eventHistory) {
        ConfigStore store = new ConfigStore(genesis, anchor, eventHistory);
        if (!store.genesis().digest().toString().equals(JsonFields.text(root, "genesis", "$"))) {
            throw damaged("snapshot belongs to another cluster (genesis " + root.path("genesis").asText() + ")");
        }
        for (JsonNode c : JsonFields.array(root, "changesets", "$")) {
            long revision = JsonFields.integer(c, "revision", "$.changesets[]");
            Changeset cs = ChangesetCodec.fromTree(c.get("changeset"), Limits.PROTOCOL_MAX);
            Outcome o = store.apply(revision, new LogEntry.Submit("snapshot", "1970-01-01T00:00:00Z", cs));
            if (!(o instanceof Outcome.Accepted)) {
                throw damaged("snapshot changeset at revision " + revision + " does not verify: "
                        + ((Outcome.Rejected) o).reason().getMessage());
            }
        }
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode a : JsonFields.array(root, "alerts", "$")) {
            alerts.add(new Alert(a.path("revision").asLong(), a.path("time").asText(), a.path("origin").asText(),
                    a.path("code").asText(), a.path("message").asText(), a.path("subject").asText(), a.path("repeated").asInt()));
        }
        Map<String, Long> counts = new TreeMap<>();
        root.path("rejections").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        Map<String, LogEntry.ReportStatus> status = new TreeMap<>();
        Map<String, Boolean> verified = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("status").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode sig = e.getValue().get("signature");
            dev.cscs.core.model.Signature signature = sig == null ? null : new dev.cscs.core.model.Signature(
                    sig.path("keyid").asText(), dev.cscs.core.crypto.SignatureAlg.fromWire(sig.path("alg").asText()),
                    sig.path("sig").asText());
            status.put(e.getKey(), new LogEntry.ReportStatus(e.getKey(), e.getValue().path("time").asText(),
                    e.getValue().get("report"), signature));
            verified.put(e.getKey(), e.getValue().path("verified").asBoolean());
        }
        java.util.Set<String> tokens = new java.util.TreeSet<>();
        root.path("usedTokens").forEach(t -> tokens.add(t.asText()));
        Map<String, NodeView> joined = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("joined").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode n = e.getValue();
            joined.put(e.getKey(), new NodeView(e.getKey(), n.path("role").asText(), n.path("raft").asText(), null,
                    n.path("keyAlg").asText(null), n.path("spki").asText(null), n.path("revision").asLong(), "join"));
        }
        store.restoreRecords(JsonFields.integer(root, "index", "$"), alerts, counts, status, verified, tokens, joined);
        return store;
    }

    private static CscsException damaged(String why) {
        return new CscsException(ErrorCode.INTERNAL, why);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
