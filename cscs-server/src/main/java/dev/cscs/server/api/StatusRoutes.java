package dev.cscs.server.api;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Digest;
import dev.cscs.store.LogEntry;
import dev.cscs.store.raft.RaftNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code GET /v1/status}: the fleet view. {@code POST /v1/status}: an edge agent's signed
 * report, recorded through Raft once this node has checked it comes from a joined node and is
 * signed by that node's key (every replica checks again on apply). Both share the per-client
 * write rate limit with submissions.
 */
final class StatusRoutes {
    private final String nodeId;
    private final RaftNode raft;
    private final RateLimiter rate;
    private final Metrics metrics;
    private final Bodies bodies;
    private final Duration staleAfter;
    /** Without TLS nothing is authenticated anyway: unregistered nodes may report, marked unverified. */
    private final boolean insecure;

    StatusRoutes(String nodeId, RaftNode raft, RateLimiter rate, Metrics metrics, Bodies bodies, boolean insecure, Duration staleAfter) {
        this.staleAfter = staleAfter;
        this.bodies = bodies;
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
            Json.send(ctx, 200, FleetView.build(raft.store(), Instant.now(), staleAfter));
        });
        app.post("/v1/status", this::report);
    }

    private void report(Context ctx) {
        SubmitRoutes.admit(ctx, rate, metrics, raft, nodeId, "status reports");
        byte[] bytes = bodies.read(ctx);
        try {
            record(ctx, bytes);
        } catch (CscsException e) {
            if (e.code() != ErrorCode.UNAVAILABLE) {
                raft.recordAlert(nodeId, e, SubmitRoutes.fromClient(ctx, "status report " + Digest.of(bytes).shortForm()));
            }
            throw e;
        }
    }

    private void record(Context ctx, byte[] bytes) {
        Requests.StatusReport r = Requests.statusReport(bytes);
        String node = r.node();
        if (!insecure || raft.store().nodes().containsKey(node)) {
            raft.store().checkReport(new LogEntry.ReportStatus(node, "", r.report(), r.signature()));
        }
        SubmitRoutes.await(raft.reportStatus(node, r.report(), r.signature()));
        Json.send(ctx, 202, Json.object().put("node", node).put("recorded", true));
    }
}
