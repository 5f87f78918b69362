package dev.cscs.server;

import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.Names;
import dev.cscs.core.trust.Freshness;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.KeyValue;
import dev.cscs.store.raft.RaftNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's side of freshness (issue #14, part 3): every {@code raft.freshnessInterval}, while
 * this node leads, it signs the heads of every chain and the time with its node key and commits the
 * record through Raft, so every watcher gets it after the changesets before it. Only a node whose
 * key its {@code _nodes} record names signs: devices verify nothing else, so a record of an
 * unregistered node would only be noise. Voters that are not leading sign nothing.
 */
final class FreshnessSigner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FreshnessSigner.class);
    private final ConfigStore store;
    private final BooleanSupplier leading;
    private final Function<Freshness, CompletableFuture<Long>> commit;
    private final String node;
    private final PrivateKeyRef key;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cscs-freshness");
        t.setDaemon(true);
        return t;
    });
    private boolean saidUnregistered;
    private boolean saidBehind;

    /** {@code leading}: whether this node is the ready leader; {@code commit}: proposes a record through Raft. */
    FreshnessSigner(ConfigStore store, BooleanSupplier leading, Function<Freshness, CompletableFuture<Long>> commit, String node,
                    PrivateKeyRef key, Clock clock) {
        this.store = store;
        this.leading = leading;
        this.commit = commit;
        this.node = node;
        this.key = key;
        this.clock = clock;
    }

    static FreshnessSigner start(RaftNode raft, String node, PrivateKeyRef key, Duration interval) {
        FreshnessSigner s = new FreshnessSigner(raft.store(), () -> raft.info().isLeader() && raft.info().leaderReady(),
                raft::recordFreshness, node, key, Clock.systemUTC());
        s.timer.scheduleWithFixedDelay(s::safely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return s;
    }

    private void safely() {
        try {
            signIfLeading();
        } catch (RuntimeException e) {
            // not leading any more, or Raft is closing: the next tick tries again
            LOG.debug("freshness record not signed: {}", e.toString());
        }
    }

    /** Signs and commits one record if this node leads and its key is registered; says once why not. */
    void signIfLeading() {
        if (!leading.getAsBoolean()) {
            return;
        }
        if (!registered()) {
            if (!saidUnregistered) {
                saidUnregistered = true;
                LOG.warn("not signing freshness records: the _nodes record of {} does not name this node's key {}…, so no "
                        + "device could verify them (register it: cscs member key {} --from CERT)", node,
                        key.keyid().substring(0, 12), node);
            }
            return;
        }
        saidUnregistered = false;
        Instant now = clock.instant();
        Optional<Instant> latest = store.freshness().map(l -> l.freshness().issued());
        if (latest.isPresent() && !now.isAfter(latest.get())) {
            // the replicas would refuse it as a replay: say so once, and wait for this clock to pass it
            if (!saidBehind) {
                saidBehind = true;
                LOG.warn("not signing freshness records: this node's clock ({}) is not after the latest record's ({}); "
                        + "check its time synchronisation", now, latest.get());
            }
            return;
        }
        saidBehind = false;
        Freshness f = Freshness.sign(key, node, now, store.heads());
        commit.apply(f).exceptionally(e -> {
            LOG.debug("freshness record not committed: {}", e.getMessage());
            return null;
        });
    }

    private boolean registered() {
        KeyValue kv = store.values(Names.NODES).get(Names.nodeKey(node));
        return kv != null && Freshness.signerKey(kv.value()).map(k -> k.keyid().equals(key.keyid())).orElse(false);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
