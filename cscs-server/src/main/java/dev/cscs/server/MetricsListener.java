package dev.cscs.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.server.api.Exposition;
import dev.cscs.store.raft.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An edge agent's {@code GET /metrics} ({@code metrics.listen}): the JDK's HTTP server on a
 * loopback address only (the config refuses any other), one thread, nothing else served. The
 * edge agent keeps no Jetty: a scrape is a local Prometheus or node exporter's textfile relay.
 */
final class MetricsListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsListener.class);
    private final HttpServer server;

    private MetricsListener(HttpServer server) {
        this.server = server;
    }

    static MetricsListener start(HostPort listen, Exposition exposition) {
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(listen.socketHost(), listen.port()), 8);
        } catch (IOException e) {
            throw new CscsException(ErrorCode.BAD_CONFIG, "metrics.listen " + listen + ": cannot listen: " + e.getMessage());
        }
        s.createContext("/", ex -> answer(ex, exposition));
        s.start();
        LOG.info("metrics on http://{}:{}/metrics", listen.host(), s.getAddress().getPort());
        return new MetricsListener(s);
    }

    private static void answer(HttpExchange ex, Exposition exposition) throws IOException {
        try (ex) {
            byte[] body;
            int status;
            if (!"/metrics".equals(ex.getRequestURI().getPath())) {
                status = 404;
                body = "only /metrics is served here\n".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            } else if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                status = 405;
                body = "GET /metrics only\n".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
            } else {
                status = 200;
                body = exposition.scrape();
                ex.getResponseHeaders().set("Content-Type", Exposition.CONTENT_TYPE);
            }
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** The bound port (tests listen on port 0). */
    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
