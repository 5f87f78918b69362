package dev.cscs.server.api;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.store.ValueValidator;
import dev.cscs.store.raft.RaftNode;
import dev.cscs.store.raft.SubmitReply;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /v1/changesets} and {@code POST|DELETE /v1/members}: every submission is read
 * with a size cap, parsed strictly, schema-checked, and only then proposed through Raft (the
 * leader verifies it again before the log, every replica on apply). What fails here is
 * recorded in {@code _alerts} with this node as its origin.
 */
final class SubmitRoutes {
    private final String nodeId;
    private final RaftNode raft;
    private final ValueValidator validator;
    private final Limits limits;
    private final Metrics metrics;
    private final RateLimiter rate;
    private final Bodies bodies;

    SubmitRoutes(String nodeId, RaftNode raft, ValueValidator validator, Limits limits, Metrics metrics, RateLimiter rate,
                 Bodies bodies) {
        this.bodies = bodies;
        this.rate = rate;
        this.nodeId = nodeId;
        this.raft = raft;
        this.validator = validator;
        this.limits = limits;
        this.metrics = metrics;
    }

    void register(Javalin app) {
        app.post("/v1/changesets", ctx -> submit(ctx, false));
        app.post("/v1/members", ctx -> submit(ctx, true));
        app.delete("/v1/members", ctx -> submit(ctx, true));
    }

    private void submit(Context ctx, boolean membership) {
        long start = System.nanoTime();
        admit(ctx, rate, metrics, raft, nodeId, "submissions");
        byte[] body = bodies.read(ctx);
        Changeset cs;
        try {
            cs = Requests.submission(body, limits, validator, membership);
            precheck(cs);
        } catch (CscsException e) {
            raft.recordAlert(nodeId, e, fromClient(ctx, Digest.of(body).toString()));
            throw e;
        }
        SubmitReply r = await(raft.submit(cs, nodeId));
        metrics.observeSubmit(System.nanoTime() - start);
        Json.send(ctx, 201, Json.object().put("revision", r.revision()).put("domain", r.domain()).put("seq", r.seq())
                .put("digest", r.digest().toString()));
    }

    /**
     * The subject of an alert about a request this node refused itself: the client is to blame,
     * not this node (FleetView does not count these against it).
     */
    static String fromClient(Context ctx, String what) {
        return "client " + ctx.ip() + ": " + what;
    }

    /** Refuses the request with 429 (and an alert) when the client is over its write rate. */
    static void admit(Context ctx, RateLimiter rate, Metrics metrics, RaftNode raft, String nodeId, String what) {
        String client = ClientKey.of(ctx.req());
        if (!rate.allow(client)) {
            metrics.rateLimited();
            CscsException e = new CscsException(ErrorCode.RATE_LIMITED, "too many " + what + " from " + client);
            raft.recordAlert(nodeId, e, fromClient(ctx, "rate limit"));
            throw e;
        }
    }

    /**
     * Verifies the changeset here before proposing it, so that what this node forwards to the
     * leader is only ever refused for a race; the leader's refusals then point at a node that
     * skipped this check. A chain conflict is left to the leader (this node may lag); another
     * refusal is confirmed against the committed state first, in case a trust change is not
     * applied here yet.
     */
    private void precheck(Changeset cs) {
        if (passes(cs)) {
            return;
        }
        raft.barrier(Duration.ofSeconds(5));
        if (!passes(cs)) {
            raft.store().check(cs);
        }
    }

    private boolean passes(Changeset cs) {
        try {
            raft.store().check(cs);
            return true;
        } catch (CscsException e) {
            return e.code() == ErrorCode.WRONG_SEQ || e.code() == ErrorCode.WRONG_PREV;
        }
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause();
            while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
                c = c.getCause();
            }
            if (c instanceof CscsException) {
                throw (CscsException) c;
            }
            throw new CscsException(ErrorCode.UNAVAILABLE, "no quorum: " + c);
        } catch (TimeoutException e) {
            throw new CscsException(ErrorCode.UNAVAILABLE, "no answer from a quorum within 20 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CscsException(ErrorCode.UNAVAILABLE, "interrupted");
        }
    }
}
