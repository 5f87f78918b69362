package dev.cscs.server.api;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.store.raft.RaftNode;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every request passes before a handler runs. A client ({@link ClientKey}: its certificate's
 * subject over mutual TLS, else its address) may have at most
 * {@code concurrentPerClient} requests in handlers at once (each holds one of the server's
 * threads), so slow or stuck clients at one address cannot take the threads that others and
 * the health checks need; the one over the limit gets 429 at once. A query string that is not
 * valid percent-encoding is refused with 400 here, before any handler's parameter lookup
 * would fail on it.
 */
final class ClientGate implements Filter {
    private final int perClient;
    private final Metrics metrics;
    private final RaftNode raft;
    private final String nodeId;
    /** Clients with requests in handlers; a client leaves the map with its last request. */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    ClientGate(int perClient, Metrics metrics, RaftNode raft, String nodeId) {
        this.perClient = perClient;
        this.metrics = metrics;
        this.raft = raft;
        this.nodeId = nodeId;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        String client = ClientKey.of(req);
        String badQuery = badQuery(req.getQueryString());
        if (badQuery != null) {
            refuse((HttpServletResponse) response, CscsException.malformed(badQuery));
            return;
        }
        int mine = inFlight.merge(client, 1, Integer::sum);
        try {
            if (mine > perClient) {
                metrics.rateLimited();
                CscsException e = new CscsException(ErrorCode.RATE_LIMITED, "more than " + perClient
                        + " requests at once from " + client + " (limits.concurrentPerClient)");
                raft.recordAlert(nodeId, e, "client " + req.getRemoteAddr() + ": concurrent requests");
                refuse((HttpServletResponse) response, e);
                return;
            }
            chain.doFilter(request, response);
        } finally {
            inFlight.computeIfPresent(client, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Why {@code query} cannot be decoded as the handlers will decode it, or null if it can. */
    static String badQuery(String query) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("[&=]", -1)) {
            try {
                URLDecoder.decode(part, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "the query string is not valid percent-encoding near \"" + part.substring(0, Math.min(part.length(), 40)) + "\"";
            }
        }
        return null;
    }

    private void refuse(HttpServletResponse res, CscsException e) throws IOException {
        metrics.rejected(e.code());
        res.setStatus(e.code().httpStatus());
        res.setContentType("application/json");
        res.getOutputStream().write(Json.error(e).toString().getBytes(StandardCharsets.UTF_8));
    }
}
