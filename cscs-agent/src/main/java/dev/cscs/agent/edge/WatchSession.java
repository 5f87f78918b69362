package dev.cscs.agent.edge;

import dev.cscs.agent.edge.HttpChangesetFeed.Settings;
import dev.cscs.agent.feed.FeedItem;
import dev.cscs.agent.feed.FeedListener;
import dev.cscs.agent.feed.FeedSubscription;
import dev.cscs.core.sse.SseParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: a thread that keeps a watch stream open, one connection at a time. It
 * starts at the first endpoint; a connection that fails before delivering anything (refused,
 * an HTTP error, garbage) moves on to the next endpoint and backs off further; a connection
 * that worked and then dropped is retried after the shortest jittered wait (between the minimum
 * backoff and twice it). Every reconnect resumes from the last revision delivered. On another
 * endpoint than the first, it checks the first every {@code returnAfter} (jittered) and moves
 * back to it once it is ready, so the agents of a server that restarted come home and the
 * server that took them over is not left with twice its share. An endpoint the agent abandons (it
 * withheld, or its device went stale: {@link #abandonSource}) is left at once for the next one and
 * avoided, as home too, for ten {@code returnAfter} periods.
 */
final class WatchSession implements FeedSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(WatchSession.class);
    private final Endpoints endpoints;
    private final HttpClient client;
    private final Settings settings;
    private final String domains;
    private final FeedListener listener;
    private final Backoff backoff;
    private final Thread thread;
    private volatile long resume;
    private volatile boolean closed;
    private volatile Connection current;

    WatchSession(List<URI> endpoints, HttpClient client, Settings settings, List<String> domains, long from,
                 FeedListener listener) {
        this.endpoints = new Endpoints(endpoints, settings.returnAfter());
        this.client = client;
        this.settings = settings;
        this.domains = String.join(",", domains);
        this.listener = listener;
        this.resume = from;
        this.backoff = new Backoff(settings.backoffMin(), settings.backoffMax(), Math::random);
        this.thread = new Thread(this::run, "cscs-watch");
        this.thread.setDaemon(true);
    }

    WatchSession start() {
        thread.start();
        return this;
    }

    private void run() {
        int failures = 0;
        while (!closed) {
            URI base = endpoints.current();
            Connection c = open(base);
            String why = await(c);
            if (closed) {
                break;
            }
            if (c.goingHome) {
                LOG.info("watch {}: {}; moving back from revision {}", base, why, resume);
                endpoints.goHome();
                failures = 0;
                continue;
            }
            if (c.abandoned) {
                // the agent caught this server withholding: another one, at once, and not this one for a while
                endpoints.abandon();
                LOG.warn("watch {}: {}; moving to {} from revision {}", base, why, endpoints.current(), resume);
                failures = 0;
                continue;
            }
            LOG.warn("watch {}: {}; reconnecting from revision {}", base, why, resume);
            try {
                listener.onDisconnected(base + ": " + why);
            } catch (RuntimeException e) {
                LOG.warn("feed listener failed: {}", e.toString());
            }
            if (c.healthy && !c.broken) {
                failures = 0;
            } else {
                failures++;
                endpoints.next();
            }
            try {
                Thread.sleep(backoff.delay(failures).toMillis());
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            }
        }
    }

    @Override
    public void abandonSource(String why) {
        Connection c = current;
        if (c != null && !closed) {
            c.abandoned = true;
            c.end(why);
        }
    }

    private Connection open(URI base) {
        URI uri = at(base, "/v1/watch?domains=" + URLEncoder.encode(domains, StandardCharsets.UTF_8) + "&fromRevision=" + resume);
        Connection c = new Connection(uri);
        current = c;
        HttpRequest request = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache").build();
        CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request, info -> {
            c.status = info.statusCode();
            if (c.status == 200 && !c.ended.isDone()) {
                // the feed contract's "connected, nothing new yet": clears a reported disconnect
                deliver(List.of());
            }
            return HttpResponse.BodySubscribers.fromSubscriber(c);
        });
        c.response = response;
        response.whenComplete((r, err) -> {
            if (err != null) {
                c.end("cannot reach " + uri.getHost() + ":" + uri.getPort() + ": " + rootCause(err));
            } else {
                c.end(c.status == 200 ? "the server closed the stream" : c.httpError());
            }
        });
        return c;
    }

    private void deliver(List<FeedItem> items) {
        try {
            listener.onChangesets(items);
        } catch (RuntimeException e) {
            LOG.warn("feed listener failed: {}", e.toString());
        }
    }

    /** Waits for {@code c} to end; ends it when nothing arrived for the idle timeout. */
    private String await(Connection c) {
        long poll = Math.max(10, Math.min(1000, settings.idleTimeout().toMillis() / 4));
        while (true) {
            try {
                return c.ended.get(poll, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long idle = System.nanoTime() - c.lastActivity;
                if (idle > settings.idleTimeout().toNanos()) {
                    c.end("no data for " + Duration.ofNanos(idle).toMillis() + " ms (keepalives stopped): the connection is dead");
                } else if (c.healthy && endpoints.homeCheckDue() && homeIsReady()) {
                    c.goingHome = true;
                    c.end(endpoints.home() + ", the first endpoint, is ready again");
                }
            } catch (InterruptedException e) {
                c.end("closed");
                if (closed) {
                    return "closed";
                }
            } catch (ExecutionException e) {
                return String.valueOf(e.getCause());
            }
        }
    }

    /** Whether the first endpoint answers {@code /readyz} with 200. */
    private boolean homeIsReady() {
        try {
            return client.send(HttpRequest.newBuilder(at(endpoints.home(), "/readyz")).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code path} on the server at {@code base}, whether or not the configured URL ends in a slash. */
    private static URI at(URI base, String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }

    @Override
    public void close() {
        closed = true;
        Connection c = current;
        if (c != null) {
            c.end("closed");
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The exception that says what happened: below the async wrappers, with its message if it has one. */
    private static String rootCause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** One HTTP response: its bytes become lines, lines become SSE events, events become deliveries. */
    private final class Connection implements Flow.Subscriber<List<ByteBuffer>> {
        private static final int MAX_ERROR_BODY = 512;
        final CompletableFuture<String> ended = new CompletableFuture<>();
        final URI uri;
        final LineSplitter lines;
        final SseParser parser;
        final StringBuilder errorBody = new StringBuilder();
        volatile int status;
        volatile long lastActivity = System.nanoTime();
        volatile boolean healthy;
        volatile boolean broken;
        /** Ended by the session to go back to the first endpoint, not by a failure. */
        volatile boolean goingHome;
        /** Ended because the agent distrusts this server. */
        volatile boolean abandoned;
        volatile CompletableFuture<HttpResponse<Void>> response;
        private volatile Flow.Subscription subscription;

        Connection(URI uri) {
            this.uri = uri;
            this.parser = new SseParser(this::event, settings.maxEventBytes());
            this.lines = new LineSplitter(settings.maxEventBytes() + 64, this::line);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (ended.isDone()) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (ended.isDone()) {
                return;
            }
            lastActivity = System.nanoTime();
            try {
                for (ByteBuffer b : item) {
                    if (status == 200) {
                        lines.feed(b);
                    } else {
                        collectError(b);
                    }
                }
            } catch (RuntimeException e) {
                broken = true;
                end("refused the stream from " + uri.getHost() + ":" + uri.getPort() + ": " + e.getMessage());
                return;
            }
            if (!ended.isDone()) {
                subscription.request(1);
            }
        }

        private void collectError(ByteBuffer b) {
            while (b.hasRemaining() && errorBody.length() < MAX_ERROR_BODY) {
                byte c = b.get();
                errorBody.append(c >= 0x20 && c < 0x7f ? (char) c : ' ');
            }
            if (errorBody.length() >= MAX_ERROR_BODY) {
                end(httpError());
            }
        }

        String httpError() {
            return "HTTP " + status + " from " + uri.getHost() + ":" + uri.getPort()
                    + (errorBody.length() == 0 ? "" : ": " + errorBody.toString().strip());
        }

        @Override
        public void onError(Throwable t) {
            end("connection lost: " + rootCause(t));
        }

        @Override
        public void onComplete() {
            end(status == 200 ? "the server closed the stream" : httpError());
        }

        private void line(String line) {
            if (ended.isDone()) {
                return;
            }
            healthy = true;
            parser.line(line);
        }

        private void event(SseParser.Event e) {
            if (ended.isDone()) {
                return;
            }
            WatchDecoder.Decoded d = WatchDecoder.decode(e);
            if (d instanceof WatchDecoder.Item i) {
                if (i.item().revision() > resume) {
                    deliver(List.of(i.item()));
                    resume = i.item().revision();
                }
            } else if (d instanceof WatchDecoder.Snapshot s) {
                listener.onSnapshot(s.revision(), s.items());
                resume = s.revision();
            } else if (d instanceof WatchDecoder.Fresh f) {
                try {
                    listener.onFreshness(f.revision(), f.freshness());
                } catch (RuntimeException ex) {
                    LOG.warn("feed listener failed: {}", ex.toString());
                }
            } else if (d instanceof WatchDecoder.ServerError err) {
                broken = true;
                end("the server refused the watch: " + err.message());
            } else {
                LOG.debug("watch {}: ignoring event type {}", uri, ((WatchDecoder.Ignored) d).type());
            }
        }

        void end(String why) {
            if (ended.complete(why)) {
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
                CompletableFuture<HttpResponse<Void>> r = response;
                if (r != null) {
                    r.cancel(true);
                }
            }
        }
    }
}
