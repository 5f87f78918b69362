package dev.cscs.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.Delivery;
import dev.cscs.store.StoredChangeset;
import dev.cscs.store.Subscription;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/watch?domains=&fromRevision=} as Server-Sent Events. Each event carries its
 * revision as the SSE id, so a client resumes with {@code Last-Event-ID} or
 * {@code fromRevision}. Deliveries never block the apply thread: each client has a bounded
 * queue drained on a shared pool, and a client that falls too far behind is disconnected
 * (it resumes where it left off).
 */
final class WatchRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(WatchRoutes.class);
    static final int MAX_QUEUED = 10_000;
    private final ConfigStore store;
    private final Metrics metrics;
    private final int maxPerClient;
    private final ExecutorService senders = Executors.newFixedThreadPool(4, daemon("cscs-watch-send"));
    private final ScheduledExecutorService keepalive = Executors.newSingleThreadScheduledExecutor(daemon("cscs-watch-keepalive"));
    private final java.util.Map<String, AtomicInteger> perClient = new java.util.concurrent.ConcurrentHashMap<>();

    WatchRoutes(ConfigStore store, Metrics metrics, int maxPerClient) {
        this.store = store;
        this.metrics = metrics;
        this.maxPerClient = maxPerClient;
    }

    void register(Javalin app) {
        app.sse("/v1/watch", this::open);
    }

    void close() {
        senders.shutdownNow();
        keepalive.shutdownNow();
    }

    private void open(SseClient client) {
        Set<String> domains = Requests.watchDomains(client.ctx().queryParam("domains"));
        long from = Requests.watchFrom(client.ctx().header("Last-Event-ID"), client.ctx().queryParam("fromRevision"));
        String who = client.ctx().ip();
        AtomicInteger open = perClient.computeIfAbsent(who, k -> new AtomicInteger());
        if (open.incrementAndGet() > maxPerClient) {
            open.decrementAndGet();
            metrics.rateLimited();
            client.sendEvent("error", "{\"error\":{\"code\":\"rate-limited\",\"message\":\"more than " + maxPerClient
                    + " watches from " + who + "\"}}", null);
            client.close();
            return;
        }
        client.keepAlive();
        Sender sender = new Sender(client);
        Subscription sub = store.subscribe(domains, from, sender::offer);
        metrics.watcherOpened();
        var ping = keepalive.scheduleAtFixedRate(() -> sender.offer(null), 15, 15, TimeUnit.SECONDS);
        client.onClose(() -> {
            sub.close();
            ping.cancel(false);
            open.decrementAndGet();
            metrics.watcherClosed();
        });
    }

    /** One client's queue; {@code null} items are keepalive pings. */
    private final class Sender {
        private final SseClient client;
        private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final AtomicBoolean draining = new AtomicBoolean();

        Sender(SseClient client) {
            this.client = client;
        }

        void offer(Delivery d) {
            if (size.incrementAndGet() > MAX_QUEUED) {
                LOG.warn("watch client {} fell {} events behind; disconnecting it (it can resume)", client.ctx().ip(), MAX_QUEUED);
                client.close();
                return;
            }
            queue.add(d == null ? Boolean.TRUE : d);
            if (draining.compareAndSet(false, true)) {
                senders.execute(this::drain);
            }
        }

        private void drain() {
            try {
                Object item;
                while ((item = queue.poll()) != null && !client.terminated()) {
                    size.decrementAndGet();
                    send(item);
                }
            } catch (RuntimeException e) {
                client.close();
            } finally {
                draining.set(false);
                if (!queue.isEmpty() && !client.terminated() && draining.compareAndSet(false, true)) {
                    senders.execute(this::drain);
                }
            }
        }

        private void send(Object item) {
            if (item instanceof Delivery.Events) {
                for (StoredChangeset s : ((Delivery.Events) item).changesets()) {
                    client.sendEvent("changeset", Json.event(s).toString(), Long.toString(s.revision()));
                }
            } else if (item instanceof Delivery.Snapshot) {
                Delivery.Snapshot snap = (Delivery.Snapshot) item;
                ObjectNode o = Json.object().put("revision", snap.revision());
                ArrayNode list = o.putArray("changesets");
                snap.changesets().forEach(s -> list.add(Json.stored(s)));
                client.sendEvent("snapshot", o.toString(), Long.toString(snap.revision()));
            } else {
                client.sendComment("keepalive");
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
