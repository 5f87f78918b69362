package dev.cscs.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A watcher's registration. It filters by domain ({@code _trust} is always included, since
 * every domain's verification depends on it) and never delivers a revision twice.
 */
public final class Subscription implements AutoCloseable {
    private final Set<String> domains;
    private final Consumer<Delivery> consumer;
    private final Runnable onClose;
    private long delivered;

    Subscription(Set<String> domains, long delivered, Consumer<Delivery> consumer, Runnable onClose) {
        this.domains = Set.copyOf(domains);
        this.delivered = delivered;
        this.consumer = consumer;
        this.onClose = onClose;
    }

    boolean wants(String domain) {
        return domains.isEmpty() || domains.contains(domain) || dev.cscs.core.model.Names.TRUST.equals(domain);
    }

    synchronized void deliver(Delivery d) {
        if (d instanceof Delivery.Snapshot) {
            delivered = ((Delivery.Snapshot) d).revision();
            consumer.accept(d);
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
    }

    @Override
    public void close() {
        onClose.run();
    }
}
