package dev.cscs.server.api;

import dev.cscs.store.ConfigStore;
import dev.cscs.store.Subscription;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /v1/watch?domains=&fromRevision=} as Server-Sent Events. Each event carries its
 * revision as the SSE id, so a client resumes with {@code Last-Event-ID} or
 * {@code fromRevision}.
 * <p>
 * The cost of a watch is flat: no thread is held per watcher (the request is async and its
 * output non-blocking, see {@link WatchStream}), an event is encoded once however many
 * watchers receive it ({@link EventFrames}), and one timer sends every stream's keepalive.
 */
final class WatchRoutes {
    static final long KEEPALIVE_SECONDS = 15;
    private final ConfigStore store;
    private final Metrics metrics;
    private final int maxPerClient;
    private final EventFrames frames = new EventFrames();
    private final ExecutorService pumps = Executors.newFixedThreadPool(2, daemon("cscs-watch-send"));
    private final ScheduledExecutorService keepalive = Executors.newSingleThreadScheduledExecutor(daemon("cscs-watch-keepalive"));
    private final Set<WatchStream> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();

    WatchRoutes(ConfigStore store, Metrics metrics, int maxPerClient) {
        this.store = store;
        this.metrics = metrics;
        this.maxPerClient = maxPerClient;
        metrics.watchEncodes(frames::encodedCount);
        keepalive.scheduleAtFixedRate(() -> open.forEach(WatchStream::keepalive), KEEPALIVE_SECONDS, KEEPALIVE_SECONDS,
                TimeUnit.SECONDS);
    }

    void register(Javalin app) {
        app.sse("/v1/watch", this::open);
    }

    void close() {
        pumps.shutdownNow();
        keepalive.shutdownNow();
    }

    private void open(SseClient client) {
        Set<String> domains = Requests.watchDomains(client.ctx().queryParam("domains"));
        long from = Requests.watchFrom(client.ctx().header("Last-Event-ID"), client.ctx().queryParam("fromRevision"));
        String who = ClientKey.of(client.ctx().req());
        AtomicInteger ofClient = perClient.computeIfAbsent(who, k -> new AtomicInteger());
        if (ofClient.incrementAndGet() > maxPerClient) {
            ofClient.decrementAndGet();
            metrics.rateLimited();
            client.sendEvent("error", "{\"error\":{\"code\":\"rate-limited\",\"message\":\"more than " + maxPerClient
                    + " watches from " + who + "\"}}", null);
            client.close();
            return;
        }
        client.keepAlive();
        WatchStream stream = new WatchStream(client, frames, pumps);
        AtomicReference<Subscription> sub = new AtomicReference<>();
        Runnable unsubscribe = () -> {
            open.remove(stream);
            Subscription s = sub.getAndSet(null);
            if (s != null) {
                s.close();
            }
        };
        client.onClose(() -> {
            unsubscribe.run();
            ofClient.decrementAndGet();
            metrics.watcherClosed();
        });
        metrics.watcherOpened();
        try {
            stream.start();
        } catch (IOException | IllegalStateException e) {
            client.close(); // the client left before its stream could start
            return;
        }
        sub.set(store.subscribe(domains, from, stream::offer));
        open.add(stream);
        if (client.terminated()) { // closed while subscribing: onClose ran before there was anything to close
            unsubscribe.run();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
