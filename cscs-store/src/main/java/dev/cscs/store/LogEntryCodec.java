package dev.cscs.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Signature;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.trust.Freshness;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.store.raft.HostPort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Encodes log entries as canonical JSON, and decodes them strictly. */
public final class LogEntryCodec {
    private static final int MAX_TEXT = 2048;
    /** The most reports one {@code statuses} entry may hold. */
    public static final int MAX_REPORTS = 512;

    private LogEntryCodec() {
    }

    public static byte[] encode(LogEntry e) {
        return Jcs.canonicalize(toTree(e));
    }

    static ObjectNode toTree(LogEntry e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("type", e.kind().wire());
        return switch (e.kind()) {
            case SUBMIT -> {
                LogEntry.Submit s = (LogEntry.Submit) e;
                o.put("origin", s.origin()).put("received", s.received());
                yield o.set("changeset", ChangesetCodec.toTree(s.changeset()));
            }
            case ALERT -> {
                LogEntry.RecordAlert a = (LogEntry.RecordAlert) e;
                yield o.put("origin", a.origin()).put("time", a.time()).put("code", a.code())
                        .put("message", clip(a.message())).put("subject", clip(a.subject())).put("repeated", a.repeated());
            }
            case STATUS -> putReport(o, (LogEntry.ReportStatus) e);
            case STATUSES -> {
                ArrayNode reports = o.putArray("reports");
                ((LogEntry.ReportStatuses) e).reports().forEach(r -> putReport(reports.addObject(), r));
                yield o;
            }
            case JOIN -> {
                LogEntry.Join j = (LogEntry.Join) e;
                o.put("origin", j.origin()).put("received", j.received()).put("raft", j.raft());
                yield o.set("token", j.token().toJson());
            }
            case FRESHNESS -> o.setAll(((LogEntry.SignedFreshness) e).freshness().toJson());
        };
    }

    private static ObjectNode putReport(ObjectNode o, LogEntry.ReportStatus r) {
        o.put("node", r.node()).put("time", r.time());
        o.set("report", r.report());
        if (r.signature() != null) {
            o.putObject("signature").put("keyid", r.signature().keyid()).put("alg", r.signature().alg().wireName())
                    .put("sig", r.signature().sig());
        }
        return o;
    }

    /** The largest entry {@link #decode} accepts: a changeset at its limit, with room for the entry around it. */
    public static int maxEntryBytes(Limits limits) {
        return limits.maxChangesetBytes() + 4096;
    }

    public static LogEntry decode(byte[] bytes, Limits limits) {
        if (bytes.length > maxEntryBytes(limits)) {
            throw new CscsException(ErrorCode.TOO_LARGE, "log entry of " + bytes.length + " bytes");
        }
        return fromTree(StrictJson.parse(bytes, limits.maxDepth() + 2, "log entry"), limits);
    }

    static LogEntry fromTree(JsonNode o, Limits limits) {
        String type = JsonFields.text(o, "type", "$");
        switch (type) {
            case "submit":
                JsonFields.object(o, "$", Set.of("type", "origin", "received", "changeset"), Set.of());
                return new LogEntry.Submit(Names.checkNodeId(JsonFields.text(o, "origin", "$")),
                        ChangesetCodec.checkIssued(JsonFields.text(o, "received", "$")),
                        ChangesetCodec.fromTree(o.get("changeset"), limits));
            case "alert":
                JsonFields.object(o, "$", Set.of("type", "origin", "time", "code", "message", "subject", "repeated"), Set.of());
                return new LogEntry.RecordAlert(Names.checkNodeId(JsonFields.text(o, "origin", "$")),
                        ChangesetCodec.checkIssued(JsonFields.text(o, "time", "$")), JsonFields.text(o, "code", "$"),
                        clip(JsonFields.text(o, "message", "$")), clip(JsonFields.text(o, "subject", "$")),
                        (int) Math.min(Integer.MAX_VALUE, Math.max(0, JsonFields.integer(o, "repeated", "$"))));
            case "status":
                JsonFields.object(o, "$", Set.of("type", "node", "time", "report"), Set.of("signature"));
                return report(o, "$");
            case "statuses":
                JsonFields.object(o, "$", Set.of("type", "reports"), Set.of());
                return reports(JsonFields.array(o, "reports", "$"));
            case "join":
                JsonFields.object(o, "$", Set.of("type", "origin", "received", "raft", "token"), Set.of());
                return new LogEntry.Join(Names.checkNodeId(JsonFields.text(o, "origin", "$")),
                        ChangesetCodec.checkIssued(JsonFields.text(o, "received", "$")), JoinToken.fromTree(o.get("token")),
                        raftAddress(JsonFields.text(o, "raft", "$")));
            case "freshness": {
                ObjectNode envelope = ((ObjectNode) JsonFields.object(o, "$", Set.of("type", "record", "signature"), Set.of())).deepCopy();
                envelope.remove("type");
                return new LogEntry.SignedFreshness(Freshness.fromTree(envelope));
            }
            default:
                throw CscsException.malformed("log entry type " + Names.shown(type) + " is unknown");
        }
    }

    private static LogEntry.ReportStatus report(JsonNode o, String path) {
        Signature sig = null;
        if (o.has("signature")) {
            String at = path + ".signature";
            JsonNode s = JsonFields.object(o.get("signature"), at, Set.of("keyid", "alg", "sig"), Set.of());
            sig = new Signature(JsonFields.text(s, "keyid", at), SignatureAlg.fromWire(JsonFields.text(s, "alg", at)),
                    JsonFields.text(s, "sig", at));
        }
        return new LogEntry.ReportStatus(Names.checkNodeId(JsonFields.text(o, "node", path)),
                ChangesetCodec.checkIssued(JsonFields.text(o, "time", path)), o.get("report"), sig);
    }

    /** At least one report and at most {@link #MAX_REPORTS}, each node once: a batch never holds a superseded report. */
    private static LogEntry.ReportStatuses reports(JsonNode array) {
        if (array.isEmpty() || array.size() > MAX_REPORTS) {
            throw CscsException.malformed("$.reports holds " + array.size() + " reports; a batch holds 1 to " + MAX_REPORTS);
        }
        List<LogEntry.ReportStatus> reports = new ArrayList<>();
        Set<String> nodes = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String path = "$.reports[" + i + "]";
            JsonFields.object(array.get(i), path, Set.of("node", "time", "report"), Set.of("signature"));
            LogEntry.ReportStatus r = report(array.get(i), path);
            if (!nodes.add(r.node())) {
                throw CscsException.malformed(path + " is a second report from node " + r.node());
            }
            reports.add(r);
        }
        return new LogEntry.ReportStatuses(reports);
    }

    /** A joining node's Raft address; empty for an edge agent, which has none. */
    private static String raftAddress(String s) {
        return s.isEmpty() ? s : HostPort.parse(s).toString();
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }
}
