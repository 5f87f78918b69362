package dev.cscs.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's registered watchers, and the one thread that hands them what it publishes.
 * <p>
 * Publishing costs the thread that applies the log one queue insertion, however many watchers
 * there are: the walk over the watchers runs on the publisher thread, in publication order, so
 * each watcher sees the store's deliveries in the order the store made them. What a watcher
 * does with a delivery then runs on {@link Subscription}'s bounded delivery pool.
 */
final class Watchers {
    private static final Logger LOG = LoggerFactory.getLogger(Watchers.class);
    /** Shared by every store in the JVM: publishing is queue insertions only, never a callback. */
    private static final ExecutorService PUBLISHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cscs-watch-publish");
        t.setDaemon(true);
        return t;
    });

    private final List<Subscription> registered = new CopyOnWriteArrayList<>();

    void add(Subscription s) {
        registered.add(s);
    }

    void remove(Subscription s) {
        registered.remove(s);
    }

    /** Offers {@code d} to every watcher registered when the publisher thread gets to it. */
    void publish(Delivery d) {
        publishEach(s -> d);
    }

    /**
     * Offers each watcher what {@code deliveryFor} makes for it, on the publisher thread (so
     * that it is ordered after everything published before).
     */
    void publishEach(Function<Subscription, Delivery> deliveryFor) {
        try {
            PUBLISHER.execute(() -> {
                for (Subscription s : registered) {
                    try {
                        s.offer(deliveryFor.apply(s));
                    } catch (RuntimeException e) {
                        LOG.error("a delivery to one watcher could not be queued; the others still get it", e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.error("the watch publisher is shut down; watchers miss this delivery and resync when they reconnect", e);
        }
    }
}
