package dev.cscs.server.api;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.store.raft.RaftNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.Request;

/**
 * Reads request bodies with a size cap and a total deadline. A handler that reads a body
 * holds one of the server's threads until the body has arrived; Jetty's idle timeout only
 * notices silence, so a client sending a byte a second would hold it for as long as it
 * likes. Past {@code requestTimeout} the connection is aborted, which fails the blocked read
 * and frees the thread. Every failure is a typed rejection recorded in {@code _alerts}.
 */
final class Bodies implements AutoCloseable {
    private final int maxBytes;
    private final Duration timeout;
    private final RaftNode raft;
    private final String nodeId;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cscs-api-deadlines");
        t.setDaemon(true);
        return t;
    });

    Bodies(int maxBytes, Duration timeout, RaftNode raft, String nodeId) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.raft = raft;
        this.nodeId = nodeId;
    }

    /** The whole body of the request, at most {@code maxBytes}, within the deadline. */
    byte[] read(Context ctx) {
        long declared = ctx.contentLength();
        if (declared > maxBytes) {
            throw refused(ctx, tooLarge(declared), "content-length " + declared);
        }
        Request base = Request.getBaseRequest(ctx.req());
        ScheduledFuture<?> deadline = timer.schedule(
                () -> base.getHttpChannel().abort(new TimeoutException("request body not received within " + timeout.toMillis() + " ms")),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        byte[] body;
        try (InputStream in = ctx.bodyInputStream()) {
            body = in.readNBytes(maxBytes + 1);
        } catch (IOException | RuntimeException e) {
            if (!deadline.cancel(false)) {
                throw late(ctx);
            }
            throw CscsException.malformed("cannot read the request body: " + e.getClass().getSimpleName());
        }
        // a deadline that could not be cancelled has started: the connection is (being) aborted even though the
        // whole body arrived, so the request is refused here, before anything is submitted whose answer the
        // client could never get (it would see a reset for a committed write)
        if (!deadline.cancel(false)) {
            throw late(ctx);
        }
        if (body.length > maxBytes) {
            throw refused(ctx, tooLarge(body.length), "streamed body");
        }
        return body;
    }

    private CscsException late(Context ctx) {
        return refused(ctx, new CscsException(ErrorCode.TIMEOUT, "the request body did not arrive within "
                + timeout.toMillis() + " ms (limits.requestTimeout)"), "slow body");
    }

    private CscsException refused(Context ctx, CscsException e, String what) {
        raft.recordAlert(nodeId, e, SubmitRoutes.fromClient(ctx, what));
        return e;
    }

    private CscsException tooLarge(long size) {
        return new CscsException(ErrorCode.TOO_LARGE, "request body of " + (size > maxBytes ? "more than " : "")
                + maxBytes + " bytes; the limit is " + maxBytes);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
