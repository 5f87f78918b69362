package dev.cscs.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Signature;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.trust.JoinToken;
import java.util.Set;

/** Encodes log entries as canonical JSON, and decodes them strictly. */
public final class LogEntryCodec {
    private static final int MAX_TEXT = 2048;

    private LogEntryCodec() {
    }

    public static byte[] encode(LogEntry e) {
        return Jcs.canonicalize(toTree(e));
    }

    static ObjectNode toTree(LogEntry e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (e instanceof LogEntry.Submit) {
            LogEntry.Submit s = (LogEntry.Submit) e;
            o.put("type", "submit").put("origin", s.origin()).put("received", s.received());
            o.set("changeset", ChangesetCodec.toTree(s.changeset()));
        } else if (e instanceof LogEntry.RecordAlert) {
            LogEntry.RecordAlert a = (LogEntry.RecordAlert) e;
            o.put("type", "alert").put("origin", a.origin()).put("time", a.time()).put("code", a.code())
                    .put("message", clip(a.message())).put("subject", clip(a.subject())).put("repeated", a.repeated());
        } else if (e instanceof LogEntry.ReportStatus) {
            LogEntry.ReportStatus r = (LogEntry.ReportStatus) e;
            o.put("type", "status").put("node", r.node()).put("time", r.time());
            o.set("report", r.report());
            if (r.signature() != null) {
                o.putObject("signature").put("keyid", r.signature().keyid()).put("alg", r.signature().alg().wireName())
                        .put("sig", r.signature().sig());
            }
        } else {
            LogEntry.Join j = (LogEntry.Join) e;
            o.put("type", "join").put("origin", j.origin()).put("received", j.received()).put("raft", j.raft());
            o.set("token", j.token().toJson());
        }
        return o;
    }

    /** The entry's wire type, for messages. */
    static String kind(LogEntry e) {
        if (e instanceof LogEntry.Submit) {
            return "submit";
        }
        if (e instanceof LogEntry.RecordAlert) {
            return "alert";
        }
        return e instanceof LogEntry.ReportStatus ? "status" : "join";
    }

    /** The node the entry came through (a status report: the reporting node). */
    static String origin(LogEntry e) {
        if (e instanceof LogEntry.Submit) {
            return ((LogEntry.Submit) e).origin();
        }
        if (e instanceof LogEntry.RecordAlert) {
            return ((LogEntry.RecordAlert) e).origin();
        }
        return e instanceof LogEntry.ReportStatus ? ((LogEntry.ReportStatus) e).node() : ((LogEntry.Join) e).origin();
    }

    /** The time the entry carries (RFC 3339), the same on every replica. */
    static String time(LogEntry e) {
        if (e instanceof LogEntry.Submit) {
            return ((LogEntry.Submit) e).received();
        }
        if (e instanceof LogEntry.RecordAlert) {
            return ((LogEntry.RecordAlert) e).time();
        }
        return e instanceof LogEntry.ReportStatus ? ((LogEntry.ReportStatus) e).time() : ((LogEntry.Join) e).received();
    }

    public static LogEntry decode(byte[] bytes, Limits limits) {
        if (bytes.length > limits.maxChangesetBytes() + 4096) {
            throw new CscsException(dev.cscs.core.error.ErrorCode.TOO_LARGE, "log entry of " + bytes.length + " bytes");
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
            case "status": {
                JsonFields.object(o, "$", Set.of("type", "node", "time", "report"), Set.of("signature"));
                Signature sig = null;
                if (o.has("signature")) {
                    JsonNode s = JsonFields.object(o.get("signature"), "$.signature", Set.of("keyid", "alg", "sig"), Set.of());
                    sig = new Signature(JsonFields.text(s, "keyid", "$.signature"),
                            SignatureAlg.fromWire(JsonFields.text(s, "alg", "$.signature")), JsonFields.text(s, "sig", "$.signature"));
                }
                return new LogEntry.ReportStatus(Names.checkNodeId(JsonFields.text(o, "node", "$")),
                        ChangesetCodec.checkIssued(JsonFields.text(o, "time", "$")), o.get("report"), sig);
            }
            case "join":
                JsonFields.object(o, "$", Set.of("type", "origin", "received", "raft", "token"), Set.of());
                return new LogEntry.Join(Names.checkNodeId(JsonFields.text(o, "origin", "$")),
                        ChangesetCodec.checkIssued(JsonFields.text(o, "received", "$")), JoinToken.fromTree(o.get("token")),
                        raftAddress(JsonFields.text(o, "raft", "$")));
            default:
                throw CscsException.malformed("log entry type " + Names.shown(type) + " is unknown");
        }
    }

    /** A joining node's Raft address; empty for an edge agent, which has none. */
    private static String raftAddress(String s) {
        return s.isEmpty() ? s : dev.cscs.store.raft.HostPort.parse(s).toString();
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }
}
