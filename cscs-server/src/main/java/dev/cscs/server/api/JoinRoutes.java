package dev.cscs.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.store.raft.MemberInfo;
import dev.cscs.store.raft.RaftNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * {@code POST /v1/join}: a new node presents its admin-signed join token and proves it holds
 * the token's key (a signature over the token id and its Raft address), over mutual TLS with
 * a certificate for the same node id. The token is then proposed through Raft, where it is
 * verified again and spent; the answer tells the node the genesis and the current members.
 */
final class JoinRoutes {
    private final String nodeId;
    private final RaftNode raft;
    private final RateLimiter rate;
    private final Metrics metrics;
    private final Bodies bodies;

    JoinRoutes(String nodeId, RaftNode raft, RateLimiter rate, Metrics metrics, Bodies bodies) {
        this.bodies = bodies;
        this.nodeId = nodeId;
        this.raft = raft;
        this.rate = rate;
        this.metrics = metrics;
    }

    void register(Javalin app) {
        app.post("/v1/join", this::join);
    }

    private void join(Context ctx) {
        SubmitRoutes.admit(ctx, rate, metrics, raft, nodeId, "join requests");
        byte[] body = bodies.read(ctx);
        Requests.JoinRequest req;
        try {
            req = Requests.join(body);
            checkCertificate(ctx, req.token().node());
            raft.store().checkJoin(req.token(), Instant.now());
        } catch (CscsException e) {
            raft.recordAlert(nodeId, e, SubmitRoutes.fromClient(ctx, "join request " + Digest.of(body).shortForm()));
            throw e;
        }
        JoinToken token = req.token();
        String raftAddress = req.raft();
        SubmitRoutes.await(raft.join(token, raftAddress, nodeId));
        ObjectNode out = Json.object().put("node", token.node()).put("role", token.role());
        out.set("genesis", ChangesetCodec.toTree(raft.store().genesis().changeset()));
        ArrayNode members = out.putArray("members");
        for (MemberInfo m : raft.members()) {
            members.addObject().put("id", m.id()).put("address", m.address()).put("role", m.role());
        }
        Json.send(ctx, 201, out);
    }

    /** Over TLS, the client certificate must be for the node the token names. */
    private static void checkCertificate(Context ctx, String node) {
        X509Certificate cert = ClientKey.certificate(ctx.req());
        if (cert == null) {
            return;
        }
        String subject = cert.getSubjectX500Principal().getName();
        if (!subject.contains("CN=" + node + ",") && !subject.endsWith("CN=" + node)) {
            throw new CscsException(ErrorCode.BAD_TOKEN, "a client with certificate " + subject
                    + " presented the join token of node " + node);
        }
    }
}
