package dev.cscs.agent.edge;

import dev.cscs.agent.status.StatusReport;
import dev.cscs.agent.status.StatusSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each status report to {@code {endpoint}/v1/status}, asynchronously: {@link #report}
 * never blocks the reconcile thread. One post at a time; a report that arrives meanwhile
 * replaces any other waiting one (only the newest matters). A failure (unreachable, 404 from a
 * server without the endpoint yet, 503 without a leader) is logged, the next endpoint is used
 * next time, and the next report is the retry.
 */
public final class HttpStatusSink implements StatusSink {
    private final Function<StatusReport, String> encode;
    private static final Logger LOG = LoggerFactory.getLogger(HttpStatusSink.class);
    private final List<URI> endpoints;
    private final HttpClient client;
    private final Duration timeout;
    private int index;
    private boolean inFlight;
    private StatusReport pending;
    private String lastOutcome = "nothing sent yet";

    public HttpStatusSink(List<URI> endpoints, HttpClient client) {
        this(endpoints, client, Duration.ofSeconds(10));
    }

    public HttpStatusSink(List<URI> endpoints, HttpClient client, Duration timeout) {
        this(endpoints, client, timeout, StatusReport::toJson);
    }

    /** {@code encode} makes the request body, e.g. a report signed by the node's key. */
    public HttpStatusSink(List<URI> endpoints, HttpClient client, Duration timeout,
                          Function<StatusReport, String> encode) {
        this.encode = Objects.requireNonNull(encode, "encode");
        this.endpoints = List.copyOf(endpoints);
        if (this.endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is needed");
        }
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public void report(StatusReport report) {
        synchronized (this) {
            if (inFlight) {
                pending = report;
                return;
            }
            inFlight = true;
        }
        post(report);
    }

    /** What happened to the last post, for logs and tests. */
    public synchronized String lastOutcome() {
        return lastOutcome;
    }

    /** The server's error, as a log can show it: printable characters only, and not much of them. */
    static String shown(String body) {
        String s = body == null ? "" : body.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    private void post(StatusReport report) {
        URI uri;
        synchronized (this) {
            String base = endpoints.get(index).toString();
            uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/status");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode.apply(report), StandardCharsets.UTF_8)).build();
        CompletableFuture<HttpResponse<String>> sent;
        try {
            sent = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((r, err) -> {
            String outcome;
            boolean ok = err == null && r.statusCode() / 100 == 2;
            if (ok) {
                outcome = "sent to " + uri + ": HTTP " + r.statusCode();
                LOG.debug("status {}", outcome);
            } else {
                outcome = "not sent to " + uri + ": " + (err != null ? String.valueOf(err.getMessage()) : "HTTP " + r.statusCode()
                        + " " + shown(r.body()))
                        + "; the next report retries";
                LOG.warn("status {}", outcome);
            }
            StatusReport next;
            synchronized (this) {
                lastOutcome = outcome;
                if (!ok) {
                    index = (index + 1) % endpoints.size();
                }
                next = pending;
                pending = null;
                inFlight = next != null;
            }
            if (next != null) {
                post(next);
            }
        });
    }
}
