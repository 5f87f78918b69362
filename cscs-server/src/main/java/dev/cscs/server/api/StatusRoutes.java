package dev.cscs.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Signature;
import dev.cscs.store.raft.RaftNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * {@code GET /v1/status}: the fleet view. {@code POST /v1/status}: an edge agent's signed
 * report, recorded through Raft (the store checks the signature against the node's key).
 */
final class StatusRoutes {
    private static final Duration STALE = Duration.ofMinutes(3);
    private final RaftNode raft;

    StatusRoutes(RaftNode raft) {
        this.raft = raft;
    }

    void register(Javalin app) {
        app.get("/v1/status", ctx -> {
            if (!"local".equals(ctx.queryParam("consistency"))) {
                raft.barrier(Duration.ofSeconds(5));
            }
            Json.send(ctx, 200, FleetView.build(raft.store(), Instant.now(), STALE));
        });
        app.post("/v1/status", this::report);
    }

    private void report(Context ctx) {
        JsonNode body = StrictJson.parse(ctx.bodyAsBytes(), 24, "status report");
        JsonFields.object(body, "$", Set.of("node", "report"), Set.of("signature"));
        String node = Names.checkNodeId(JsonFields.text(body, "node", "$"));
        if (!node.equals(body.path("report").path("node").asText())) {
            throw CscsException.malformed("the report inside is for " + Names.shown(body.path("report").path("node").asText())
                    + ", not " + node);
        }
        Signature sig = null;
        if (body.has("signature")) {
            JsonNode s = JsonFields.object(body.get("signature"), "$.signature", Set.of("keyid", "alg", "sig"), Set.of());
            sig = new Signature(JsonFields.text(s, "keyid", "$.signature"), SignatureAlg.fromWire(JsonFields.text(s, "alg", "$.signature")),
                    JsonFields.text(s, "sig", "$.signature"));
        }
        SubmitRoutes.await(raft.reportStatus(node, body.get("report"), sig));
        Json.send(ctx, 202, Json.object().put("node", node).put("recorded", true));
    }
}
