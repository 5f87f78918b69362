package dev.cscs.agent.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.status.StatusReport.ApplierStatus;
import dev.cscs.agent.status.StatusReport.DomainHead;
import dev.cscs.agent.status.StatusReport.KeyOverride;
import dev.cscs.agent.status.StatusReport.Problem;
import dev.cscs.agent.status.StatusReport.Subscribed;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/** The JSON codec of {@link StatusReport}; the shape is a contract, documented in status.md. */
final class StatusJson {
    /** Reports are small; a larger one is not from an agent. */
    static final int MAX_BYTES = 1 << 20;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> FIELDS = Set.of("format", "node", "time", "revision", "applied", "heads",
            "appliers", "overrides", "errors", "notes");
    private static final Set<String> OPTIONAL = Set.of("domains");

    private StatusJson() {
    }

    static String write(StatusReport r) {
        ObjectNode o = NODES.objectNode();
        o.put("format", StatusReport.FORMAT);
        o.put("node", r.node());
        o.put("time", r.time().toString());
        o.put("revision", r.revision());
        heads(o.putArray("applied"), r.applied());
        heads(o.putArray("heads"), r.heads());
        ArrayNode appliers = o.putArray("appliers");
        for (ApplierStatus a : r.appliers()) {
            ObjectNode n = appliers.addObject().put("applier", a.applier()).put("state", a.state().wire())
                    .put("message", a.message());
            a.files().forEach(n.putArray("files")::add);
        }
        ArrayNode overrides = o.putArray("overrides");
        for (KeyOverride k : r.overrides()) {
            ObjectNode n = overrides.addObject().put("key", k.key()).put("domain", k.domain());
            k.overridden().forEach(n.putArray("overridden")::add);
        }
        ArrayNode errors = o.putArray("errors");
        r.errors().forEach(p -> errors.addObject().put("code", p.code()).put("message", p.message()));
        r.notes().forEach(o.putArray("notes")::add);
        if (!r.domains().isEmpty()) {
            ArrayNode d = o.putArray("domains");
            r.domains().forEach(x -> d.addObject().put("domain", x.domain()).put("via", x.via()));
        }
        return o.toString();
    }

    private static void heads(ArrayNode out, List<DomainHead> heads) {
        heads.forEach(h -> out.addObject().put("domain", h.domain()).put("seq", h.seq()).put("digest", h.digest().toString()));
    }

    static StatusReport read(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw CscsException.malformed("status report: " + json.length + " bytes; the limit is " + MAX_BYTES);
        }
        JsonNode o = JsonFields.object(StrictJson.parse(json, 8, "status report"), "$", FIELDS, OPTIONAL);
        String format = JsonFields.text(o, "format", "$");
        if (!StatusReport.FORMAT.equals(format)) {
            throw CscsException.malformed("$.format: " + Names.shown(format) + " is not " + StatusReport.FORMAT);
        }
        Instant time;
        try {
            time = Instant.parse(JsonFields.text(o, "time", "$"));
        } catch (DateTimeParseException e) {
            throw CscsException.malformed("$.time: not an RFC 3339 UTC time");
        }
        try {
            return new StatusReport(JsonFields.text(o, "node", "$"), time, JsonFields.integer(o, "revision", "$"),
                    list(o, "applied", StatusJson::head), list(o, "heads", StatusJson::head),
                    list(o, "appliers", StatusJson::applier), list(o, "overrides", StatusJson::override),
                    list(o, "errors", StatusJson::problem), list(o, "notes", StatusJson::text),
                    o.has("domains") ? list(o, "domains", StatusJson::subscribed) : List.of());
        } catch (IllegalArgumentException e) {
            throw CscsException.malformed("status report: " + e.getMessage());
        }
    }

    private static <T> List<T> list(JsonNode o, String field, BiFunction<JsonNode, String, T> item) {
        JsonNode a = JsonFields.array(o, field, "$");
        List<T> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(item.apply(a.get(i), "$." + field + "[" + i + "]"));
        }
        return out;
    }

    private static DomainHead head(JsonNode n, String path) {
        JsonFields.object(n, path, Set.of("domain", "seq", "digest"), Set.of());
        return new DomainHead(JsonFields.text(n, "domain", path), JsonFields.integer(n, "seq", path),
                Digest.parse(JsonFields.text(n, "digest", path)));
    }

    private static ApplierStatus applier(JsonNode n, String path) {
        JsonFields.object(n, path, Set.of("applier", "state", "message", "files"), Set.of());
        return new ApplierStatus(JsonFields.text(n, "applier", path), ApplierState.fromWire(JsonFields.text(n, "state", path)),
                JsonFields.text(n, "message", path), list(n, "files", StatusJson::text));
    }

    private static KeyOverride override(JsonNode n, String path) {
        JsonFields.object(n, path, Set.of("key", "domain", "overridden"), Set.of());
        return new KeyOverride(JsonFields.text(n, "key", path), JsonFields.text(n, "domain", path),
                list(n, "overridden", StatusJson::text));
    }

    private static Subscribed subscribed(JsonNode n, String path) {
        JsonFields.object(n, path, Set.of("domain", "via"), Set.of());
        return new Subscribed(JsonFields.text(n, "domain", path), JsonFields.text(n, "via", path));
    }

    private static Problem problem(JsonNode n, String path) {
        JsonFields.object(n, path, Set.of("code", "message"), Set.of());
        return new Problem(JsonFields.text(n, "code", path), JsonFields.text(n, "message", path));
    }

    private static String text(JsonNode n, String path) {
        if (n == null || !n.isTextual()) {
            throw CscsException.malformed(path + ": must be a string");
        }
        return n.textValue();
    }
}
