package dev.cscs.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.store.ValueValidator;
import dev.cscs.store.raft.HostPort;
import dev.cscs.store.raft.RaftInfo;
import dev.cscs.store.raft.RaftNode;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's HTTP API (DESIGN.md §7) on Javalin: routes, one error mapping, health and metrics. */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** How many committed entries a node may still have to apply and answer ready (a burst of writes is absorbed in a second). */
    static final long READY_APPLY_LAG = 1000;
    private final Javalin app;
    private final WatchRoutes watch;
    private final Metrics metrics;
    private final Bodies bodies;
    private static final Set<HandlerType> DOCUMENTED_METHODS =
            EnumSet.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
    private final List<String> routes = new CopyOnWriteArrayList<>();

    /**
     * @param listen where the API listens: HTTPS with client certificates when {@code ssl} is
     *     given, else plain HTTP (insecure mode)
     * @param localPlain an optional loopback address for plain HTTP next to HTTPS
     */
    public ApiServer(String nodeId, RaftNode raft, ValueValidator validator, Limits limits, HostPort listen,
                     SSLContext ssl, HostPort localPlain, ApiLimits apiLimits) {
        this.metrics = new Metrics(new Exposition(), raft);
        this.watch = new WatchRoutes(raft.store(), metrics, apiLimits.watchesPerClient());
        this.bodies = new Bodies(limits.maxChangesetBytes(), apiLimits.requestTimeout(), raft, nodeId);
        ClientGate gate = new ClientGate(apiLimits.concurrentPerClient(), metrics, raft, nodeId);
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            // no cfg.http.maxRequestSize: Javalin checks it only in bodyAsBytes(), which no route calls; every
            // body is read through Bodies, which caps it (413) and bounds the time it may take
            cfg.http.defaultContentType = "application/json";
            cfg.jetty.addConnector((server, http) -> ssl != null ? Listeners.https(server, http, listen, ssl)
                    : Listeners.plain(server, http, listen));
            if (localPlain != null) {
                cfg.jetty.addConnector((server, http) -> Listeners.plain(server, http, localPlain));
            }
            cfg.jetty.modifyServletContextHandler(h -> h.addFilter(new FilterHolder(gate), "/*", EnumSet.of(DispatcherType.REQUEST)));
            cfg.events(e -> e.handlerAdded(h -> {
                // HEAD and OPTIONS follow from these; before/after handlers are not routes
                if (DOCUMENTED_METHODS.contains(h.getHttpMethod())) {
                    routes.add(h.getHttpMethod() + " " + h.getPath());
                }
            }));
        });
        new SubmitRoutes(nodeId, raft, validator, limits, metrics,
                new RateLimiter(Clock.systemUTC(), apiLimits.writesPerSecond(), apiLimits.writeBurst()), bodies).register(app);
        new ReadRoutes(raft).register(app);
        // joins and status reports are log entries too: their own bucket, so a chatty fleet cannot starve operators
        RateLimiter reports = new RateLimiter(Clock.systemUTC(), apiLimits.writesPerSecond(), apiLimits.writeBurst());
        new JoinRoutes(nodeId, raft, reports, metrics, bodies).register(app);
        new StatusRoutes(nodeId, raft, reports, metrics, bodies, ssl == null, apiLimits.staleAfter()).register(app);
        new UiRoutes().register(app);
        watch.register(app);
        app.get("/healthz", ctx -> Json.send(ctx, 200, Json.object().put("status", "ok").put("node", nodeId)));
        app.get("/readyz", ctx -> {
            RaftInfo info = raft.info();
            String notReady = notReadyBecause(info);
            ObjectNode body = Json.object().put("ready", notReady == null).put("node", nodeId).put("role", info.role())
                    .put("leader", info.leaderId()).put("appliedIndex", info.appliedIndex()).put("commitIndex", info.commitIndex());
            if (notReady != null) {
                body.put("reason", notReady);
            }
            Json.send(ctx, notReady == null ? 200 : 503, body);
        });
        app.get("/metrics", ctx -> ctx.contentType(Exposition.CONTENT_TYPE).result(metrics.exposition().scrape()));
        OpenApi.register(app);
        app.exception(CscsException.class, (e, ctx) -> {
            metrics.rejected(e.code());
            Json.send(ctx, e.code().httpStatus(), Json.error(e));
        });
        // client input never gets here (decoders and body reads answer 4xx); what does is a bug of this node:
        // one line in the log (LineLayout: class, message, root cause; the trace only at debug, so a request
        // loop cannot flood the log), nothing of it in the answer
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            Json.send(ctx, 500, Json.error(new CscsException(ErrorCode.INTERNAL, "internal error; see the node's log")));
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                Json.send(ctx, 404, Json.error(new CscsException(ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.method() + " " + ctx.path())));
            }
        });
    }

    /**
     * Why this node should not take traffic, or {@code null}: it knows no leader, or it has applied
     * too little of what it knows is committed. A node thousands of entries behind once answered
     * ready while its watchers waited for changes it had not applied (issue 11).
     */
    static String notReadyBecause(RaftInfo info) {
        if (info.leaderId() == null) {
            return "no leader known";
        }
        long behind = info.commitIndex() - info.appliedIndex();
        return behind > READY_APPLY_LAG ? "applying: " + behind + " committed entries not applied yet (ready at "
                + READY_APPLY_LAG + " or fewer)" : null;
    }

    public ApiServer start() {
        app.start();
        for (var c : app.jettyServer().server().getConnectors()) {
            var sc = (ServerConnector) c;
            boolean tls = sc.getConnectionFactory(SslConnectionFactory.class) != null;
            LOG.info("API listening on {}://{}:{}{}", tls ? "https" : "http", sc.getHost(), sc.getLocalPort(),
                    tls ? " (client certificates required)" : "");
        }
        return this;
    }

    /** The port of the first listener (tests bind port 0). */
    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /** Every route registered, as "METHOD /path" in Javalin's path syntax; what /v1/openapi.json must describe. */
    public List<String> routes() {
        return List.copyOf(routes);
    }

    public Metrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        watch.close();
        app.stop();
        bodies.close();
    }
}
