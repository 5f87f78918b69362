package dev.cscs.agent.edge;

import dev.cscs.agent.feed.ChangesetFeed;
import dev.cscs.agent.feed.FeedListener;
import dev.cscs.agent.feed.FeedSubscription;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The edge agent's feed: {@code GET {endpoint}/v1/watch?domains=a,b&fromRevision=N} as
 * Server-Sent Events ({@code event: changeset}, {@code event: snapshot}, {@code : keepalive}
 * comments every 15 s; DESIGN.md §7), from the configured endpoints in order.
 *
 * <p>Each subscription runs on its own daemon thread and reconnects by itself: jittered
 * exponential backoff between {@link Settings#backoffMin()} and {@link Settings#backoffMax()},
 * resuming from the last revision it delivered. Each connection that the server accepts (HTTP
 * 200) is announced with an empty {@code onChangesets}, so a listener knows the source is back
 * even when nothing changed meanwhile. A connection silent for
 * {@link Settings#idleTimeout()} is dead. A malformed or oversized event drops the connection
 * with a message saying what was wrong ({@link FeedListener#onDisconnected}) and reconnects.
 * The first endpoint is the preferred one: after a failover the feed goes back to it once its
 * {@code /readyz} answers 200 again, resuming where it was.
 */
public final class HttpChangesetFeed implements ChangesetFeed {
    /**
     * @param backoffMin     the shortest reconnect delay: the first one (after a connection that worked) is drawn
     *                       from [backoffMin, 2·backoffMin], so agents dropped together do not return together
     * @param backoffMax     the delay never grows past this
     * @param idleTimeout    no byte for this long means a dead connection (keepalive 15 s + 15 s grace)
     * @param maxEventBytes  the largest event accepted; a snapshot holds every changeset of the watched chains
     * @param returnAfter    streaming from another endpoint than the first, check the first this often (jittered up to
     *                       twice it) and go back to it once it is ready: a server that restarts gets its agents back
     */
    public record Settings(Duration backoffMin, Duration backoffMax, Duration idleTimeout, int maxEventBytes,
                           Duration returnAfter) {
        public static final Settings DEFAULT = new Settings(Duration.ofMillis(200), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 16 << 20, Duration.ofMinutes(1));

        public Settings {
            if (backoffMin.isNegative() || backoffMin.isZero() || backoffMax.compareTo(backoffMin) < 0
                    || idleTimeout.isNegative() || idleTimeout.isZero() || maxEventBytes < 4096
                    || returnAfter.isNegative() || returnAfter.isZero()) {
                throw new IllegalArgumentException("bad watch settings: " + backoffMin + ".." + backoffMax + ", idle "
                        + idleTimeout + ", max event " + maxEventBytes + ", return after " + returnAfter);
            }
        }
    }

    private final List<URI> endpoints;
    private final HttpClient client;
    private final Settings settings;

    public HttpChangesetFeed(List<URI> endpoints, HttpClient client) {
        this(endpoints, client, Settings.DEFAULT);
    }

    /** {@code endpoints}: base URLs such as {@code https://10.0.0.1:7400}; {@code client} carries TLS if any. */
    public HttpChangesetFeed(List<URI> endpoints, HttpClient client, Settings settings) {
        this.endpoints = List.copyOf(endpoints);
        if (this.endpoints.isEmpty()) {
            throw new CscsException(ErrorCode.BAD_CONFIG, "server.endpoints: at least one endpoint is needed");
        }
        for (URI u : this.endpoints) {
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new CscsException(ErrorCode.BAD_CONFIG, "server.endpoints: " + u + " is not an http(s) URL");
            }
        }
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A plain client for the watch stream: HTTP/1.1 (SSE needs no more), 10 s to connect. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public FeedSubscription subscribe(List<String> domains, long fromRevision, FeedListener listener) {
        return new WatchSession(endpoints, client, settings, List.copyOf(domains), fromRevision,
                Objects.requireNonNull(listener, "listener")).start();
    }
}
