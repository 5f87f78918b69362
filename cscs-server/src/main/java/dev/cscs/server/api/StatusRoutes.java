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
 * report, recorded through Raft once this node has checked it comes from a joined node and is
 * signed by that node's key (every replica checks again on apply). Both share the per-client
 * write rate limit with submissions.
 */
final class StatusRoutes {
    private static final Duration STALE = Duration.ofMinutes(3);
    private final String nodeId;
    private final RaftNode raft;
    private final RateLimiter rate;
    private final Metrics metrics;
    /** Without TLS nothing is authenticated anyway: unregistered nodes may report, marked unverified. */
    private final boolean insecure;

    StatusRoutes(String nodeId, RaftNode raft, RateLimiter rate, Metrics metrics, boolean insecure) {
        this.insecure = insecure;
        this.nodeId = nodeId;
        this.raft = raft;
        this.rate = rate;
        this.metrics = metrics;
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
        SubmitRoutes.admit(ctx, rate, metrics, raft, nodeId, "status reports");
        byte[] bytes = ctx.bodyAsBytes();
        try {
            record(ctx, bytes);
        } catch (CscsException e) {
            if (e.code() != dev.cscs.core.error.ErrorCode.UNAVAILABLE) {
                raft.recordAlert(nodeId, e, SubmitRoutes.fromClient(ctx, "status report " + dev.cscs.core.model.Digest.of(bytes).shortForm()));
            }
            throw e;
        }
    }

    private void record(Context ctx, byte[] bytes) {
        JsonNode body = StrictJson.parse(bytes, 24, "status report");
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
        if (!insecure || raft.store().nodes().containsKey(node)) {
            raft.store().checkReport(new dev.cscs.store.LogEntry.ReportStatus(node, "", body.get("report"), sig));
        }
        SubmitRoutes.await(raft.reportStatus(node, body.get("report"), sig));
        Json.send(ctx, 202, Json.object().put("node", node).put("recorded", true));
    }
}
