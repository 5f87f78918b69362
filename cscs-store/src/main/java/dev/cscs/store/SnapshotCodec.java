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
import dev.cscs.core.model.Names;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The snapshot file: a versioned, checksummed format of our own (no Java serialization).
 * <pre>
 *   "CSCS-SNAPSHOT\n"  version:int32  length:int64  payload:JSON  sha256(all before):32 bytes
 * </pre>
 * The checksum only detects damage; anyone who can write the file can also fix the checksum.
 * So a restore trusts nothing that the chains and the trust policy do not prove: it replays,
 * from the genesis and in revision order, every stored changeset and every proven entry (each
 * accepted join with its admin-signed token, each node's latest signature-checked status)
 * through the same verification as the log, which re-derives the joined nodes, the used join
 * tokens and the verified flags. The payload must be at exactly the term and index the file
 * is named for. Alerts and rejection counts are reports, as unproven here as in the log,
 * which any voter can propose: they are bounded, checked for shape, and decide nothing.
 */
public final class SnapshotCodec {
    static final byte[] MAGIC = "CSCS-SNAPSHOT\n".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    static final String FORMAT = "cscs/snapshot/v2";
    private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8; // largest array the JVM allocates
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESTORED_AT = "1970-01-01T00:00:00Z";
    /** The entries a snapshot carries for what they prove: the joins and each node's latest status. */
    private static final Set<LogEntry.Kind> PROVEN_KINDS = EnumSet.of(LogEntry.Kind.JOIN, LogEntry.Kind.STATUS, LogEntry.Kind.STATUSES,
            LogEntry.Kind.FRESHNESS);

    private SnapshotCodec() {
    }

    public static void write(ConfigStore store, long term, long index, OutputStream out) throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", FORMAT).put("term", term).put("index", index).put("genesis", store.genesis().digest().toString());
        ArrayNode changesets = root.putArray("changesets");
        for (StoredChangeset s : store.allChangesets()) {
            if (s.revision() > 0) {
                changesets.addObject().put("revision", s.revision()).set("changeset", ChangesetCodec.toTree(s.changeset()));
            }
        }
        ArrayNode entries = root.putArray("entries");
        store.provenEntries().forEach((revision, e) -> entries.addObject().put("revision", revision)
                .set("entry", LogEntryCodec.toTree(e)));
        ArrayNode alerts = root.putArray("alerts");
        for (Alert a : store.alerts()) {
            alerts.addObject().put("revision", a.revision()).put("time", a.time()).put("origin", a.origin())
                    .put("code", a.code()).put("message", a.message()).put("subject", a.subject()).put("repeated", a.repeated());
        }
        ObjectNode counts = root.putObject("rejections");
        store.rejectionsByCode().forEach(counts::put);

        byte[] payload = JSON.writeValueAsBytes(root);
        byte[] head = header(VERSION, payload.length);
        MessageDigest sha = sha256();
        sha.update(head);
        sha.update(payload);
        out.write(head);
        out.write(payload);
        out.write(sha.digest());
        out.flush();
    }

    /**
     * Reads the snapshot that Raft names {@code term}/{@code index} into a new store rooted in
     * {@code genesis}; any damage, mismatch or entry that does not verify is an error.
     */
    public static ConfigStore read(InputStream in, Changeset genesis, Digest anchor, int eventHistory, long term, long index)
            throws IOException {
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
        sha.update(header(version, length));
        sha.update(payload);
        if (!MessageDigest.isEqual(sha.digest(), checksum)) {
            throw damaged("snapshot checksum does not match");
        }
        JsonNode root = StrictJson.parse(payload, Limits.PROTOCOL_MAX.maxDepth() + 8, "snapshot");
        return restore(root, new ConfigStore(genesis, anchor, eventHistory), term, index);
    }

    private static ConfigStore restore(JsonNode root, ConfigStore store, long term, long index) {
        JsonFields.object(root, "$", Set.of("format", "term", "index", "genesis", "changesets", "entries", "alerts",
                "rejections"), Set.of());
        if (!FORMAT.equals(JsonFields.text(root, "format", "$"))) {
            throw damaged("snapshot format " + root.path("format").asText() + " is not " + FORMAT);
        }
        if (!store.genesis().digest().toString().equals(JsonFields.text(root, "genesis", "$"))) {
            throw damaged("snapshot belongs to another cluster (genesis " + root.path("genesis").asText() + ")");
        }
        long savedTerm = JsonFields.integer(root, "term", "$");
        long savedIndex = JsonFields.integer(root, "index", "$");
        if (savedTerm != term || savedIndex != index) {
            throw damaged("snapshot payload is at term " + savedTerm + ", index " + savedIndex + ", but the file is for term "
                    + term + ", index " + index);
        }
        for (Map.Entry<Long, LogEntry> e : provenEntries(root, index).entrySet()) {
            Outcome o = store.apply(e.getKey(), e.getValue());
            if (o instanceof Outcome.Rejected) {
                throw damaged("snapshot " + e.getValue().kind().wire() + " entry at revision " + e.getKey()
                        + " does not verify: " + ((Outcome.Rejected) o).reason().getMessage());
            }
        }
        store.restoreRecords(index, alerts(root, index), counts(root));
        return store;
    }

    /** The changesets and the joins and status reports, merged by revision; each revision once, none after the index. */
    private static NavigableMap<Long, LogEntry> provenEntries(JsonNode root, long index) {
        NavigableMap<Long, LogEntry> all = new TreeMap<>();
        for (JsonNode c : JsonFields.array(root, "changesets", "$")) {
            JsonFields.object(c, "$.changesets[]", Set.of("revision", "changeset"), Set.of());
            Changeset cs = ChangesetCodec.fromTree(c.get("changeset"), Limits.PROTOCOL_MAX);
            put(all, revision(c, "$.changesets[]", index), new LogEntry.Submit("snapshot", RESTORED_AT, cs));
        }
        for (JsonNode n : JsonFields.array(root, "entries", "$")) {
            JsonFields.object(n, "$.entries[]", Set.of("revision", "entry"), Set.of());
            LogEntry e = LogEntryCodec.fromTree(n.get("entry"), Limits.PROTOCOL_MAX);
            if (!PROVEN_KINDS.contains(e.kind())) {
                throw damaged("snapshot entry " + e.kind().wire() + " is not a join, a status report or a freshness record");
            }
            put(all, revision(n, "$.entries[]", index), e);
        }
        return all;
    }

    private static void put(NavigableMap<Long, LogEntry> all, long revision, LogEntry e) {
        if (all.put(revision, e) != null) {
            throw damaged("snapshot holds two entries at revision " + revision);
        }
    }

    private static long revision(JsonNode n, String path, long index) {
        long r = JsonFields.integer(n, "revision", path);
        if (r < 1 || r > index) {
            throw damaged(path + ".revision " + r + " is outside 1.." + index);
        }
        return r;
    }

    private static List<Alert> alerts(JsonNode root, long index) {
        JsonNode list = JsonFields.array(root, "alerts", "$");
        if (list.size() > ConfigStore.MAX_ALERTS) {
            throw damaged("snapshot holds " + list.size() + " alerts; a store keeps at most " + ConfigStore.MAX_ALERTS);
        }
        List<Alert> alerts = new ArrayList<>();
        String path = "$.alerts[]";
        for (JsonNode a : list) {
            JsonFields.object(a, path, Set.of("revision", "time", "origin", "code", "message", "subject", "repeated"), Set.of());
            // the same checks and bounds as an alert entry in the log
            LogEntry.RecordAlert r = (LogEntry.RecordAlert) LogEntryCodec.fromTree(
                    ((ObjectNode) a.deepCopy()).put("type", "alert").without("revision"), Limits.PROTOCOL_MAX);
            alerts.add(new Alert(revision(a, path, index), r.time(), r.origin(), code(r.code()), r.message(), r.subject(),
                    r.repeated()));
        }
        return alerts;
    }

    private static Map<String, Long> counts(JsonNode root) {
        Map<String, Long> counts = new TreeMap<>();
        JsonNode o = JsonFields.object(root.get("rejections"), "$.rejections", Set.of(), codes());
        o.fields().forEachRemaining(e -> {
            long n = JsonFields.integer(o, e.getKey(), "$.rejections");
            if (n < 0) {
                throw damaged("$.rejections." + e.getKey() + ": " + n + " is negative");
            }
            counts.put(e.getKey(), n);
        });
        return counts;
    }

    private static String code(String code) {
        if (!codes().contains(code)) {
            throw damaged("snapshot alert code " + Names.shown(code) + " is not an error code");
        }
        return code;
    }

    private static Set<String> codes() {
        Set<String> codes = new TreeSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            codes.add(c.code());
        }
        return codes;
    }

    private static byte[] header(int version, long length) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(head);
        h.write(MAGIC);
        h.writeInt(version);
        h.writeLong(length);
        h.flush();
        return head.toByteArray();
    }

    private static CscsException damaged(String why) {
        return new CscsException(ErrorCode.INTERNAL, why);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
