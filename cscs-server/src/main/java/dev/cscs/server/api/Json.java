package dev.cscs.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.store.StoredChangeset;
import io.javalin.http.Context;

/** JSON in and out of the API: one error shape, one changeset shape. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static void send(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    static ObjectNode error(CscsException e) {
        ObjectNode o = object();
        o.putObject("error").put("code", e.code().code()).put("message", e.getMessage()).put("hint", e.code().hint());
        return o;
    }

    static ObjectNode stored(StoredChangeset s) {
        ObjectNode o = object().put("revision", s.revision()).put("domain", s.domain()).put("seq", s.seq())
                .put("digest", s.digest().toString());
        o.set("changeset", ChangesetCodec.toTree(s.changeset()));
        return o;
    }

    /** The watch event of DESIGN.md §2: {revision, domain, seq, digest, ops}, plus the signed changeset. */
    static ObjectNode event(StoredChangeset s) {
        ObjectNode o = stored(s);
        o.set("ops", o.get("changeset").get("body").get("ops"));
        return o;
    }
}
