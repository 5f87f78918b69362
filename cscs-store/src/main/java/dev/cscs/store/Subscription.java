package dev.cscs.store;

import dev.cscs.core.model.Names;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watcher's registration. It filters by domain ({@code _trust} is always included, since
 * every domain's verification depends on it) and never delivers a revision twice.
 * <p>
 * The consumer never runs on the thread that applies the log: a slow or throwing watcher
 * must not stall or stop Raft. What the store publishes is queued (at most
 * {@link #MAX_PENDING} deliveries) and handed to the consumer in order, one at a time, on a
 * thread of a small shared pool ({@link #DELIVERY_THREADS}, so thousands of watchers cost no
 * more threads than one): a consumer should hand the delivery on rather than block, since a
 * blocked one holds a pool thread. A watcher that falls further behind loses its queue and, once it is free
 * again, receives a {@link Delivery.Snapshot} of the full chains at the then-current revision
 * instead: the same resync a watch from before the compacted history gets. Events after the
 * snapshot follow; none is delivered twice.
 */
public final class Subscription implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);
    static final int MAX_PENDING = 1000;
    /** Threads of the shared delivery pool: a fixed few, however many watchers there are. */
    static final int DELIVERY_THREADS = 4;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadPoolExecutor DELIVERY = new ThreadPoolExecutor(DELIVERY_THREADS, DELIVERY_THREADS, 60,
            TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "cscs-watch-delivery-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    static {
        DELIVERY.allowCoreThreadTimeOut(true); // an idle node keeps none of them
    }

    private final Set<String> domains;
    private final Consumer<Delivery> consumer;
    private final Supplier<Delivery.Snapshot> resync;
    private final Runnable onClose;
    private final Deque<Delivery> pending = new ArrayDeque<>();
    private boolean draining;
    private boolean lost;
    private volatile boolean closed;
    /** Only the delivering thread (or the subscriber, before registration) touches them. */
    private long delivered;
    private long freshDelivered;

    Subscription(Set<String> domains, long delivered, Consumer<Delivery> consumer, Supplier<Delivery.Snapshot> resync,
                 Runnable onClose) {
        this.domains = Set.copyOf(domains);
        this.delivered = delivered;
        this.consumer = consumer;
        this.resync = resync;
        this.onClose = onClose;
    }

    boolean wants(String domain) {
        return domains.isEmpty() || domains.contains(domain) || Names.TRUST.equals(domain);
    }

    /** Queues {@code d} for the delivery thread; never blocks and never runs the consumer. */
    void offer(Delivery d) {
        synchronized (pending) {
            if (closed || lost) {
                return; // a lost watcher resyncs from a snapshot, which covers this
            }
            if (pending.size() >= MAX_PENDING) {
                pending.clear();
                lost = true;
                LOG.warn("a watcher fell {} deliveries behind; it will resync from a snapshot", MAX_PENDING);
            } else {
                pending.addLast(d);
            }
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            DELIVERY.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (pending) {
                draining = false; // else no later offer would ever start a drain again
            }
            LOG.error("the delivery pool refused a watcher's delivery; it is queued for the next one", e);
        }
    }

    private void drain() {
        while (true) {
            Delivery next;
            synchronized (pending) {
                if (closed) {
                    pending.clear();
                    draining = false;
                    return;
                }
                if (lost) {
                    lost = false;
                    next = null;
                } else {
                    next = pending.pollFirst();
                    if (next == null) {
                        draining = false;
                        return;
                    }
                }
            }
            // the snapshot is taken after 'lost' is cleared, so it covers every event dropped before
            deliverNow(next != null ? next : resync.get());
        }
    }

    /** Hands {@code d} to the consumer on the calling thread (the subscriber's own, or the delivery thread). */
    void deliverNow(Delivery d) {
        try {
            if (d instanceof Delivery.Snapshot) {
                delivered = ((Delivery.Snapshot) d).revision();
                consumer.accept(d);
                return;
            }
            if (d instanceof Delivery.Fresh f) {
                // counted on its own: the one a new watcher gets may be older than the changesets it got first
                if (f.revision() > freshDelivered) {
                    freshDelivered = f.revision();
                    consumer.accept(d);
                }
                return;
            }
            List<StoredChangeset> fresh = new ArrayList<>();
            for (StoredChangeset s : ((Delivery.Events) d).changesets()) {
                if (s.revision() > delivered && wants(s.domain())) {
                    fresh.add(s);
                    delivered = s.revision();
                }
            }
            if (!fresh.isEmpty()) {
                consumer.accept(new Delivery.Events(fresh));
            }
        } catch (RuntimeException e) {
            LOG.warn("a watcher's callback failed; it keeps receiving deliveries", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        onClose.run();
    }
}
