package dev.cscs.server;

import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.Names;
import dev.cscs.core.trust.Freshness;
import dev.cscs.store.KeyValue;
import dev.cscs.store.raft.RaftNode;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private final RaftNode raft;
    private final String node;
    private final PrivateKeyRef key;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private boolean saidUnregistered;

    private FreshnessSigner(RaftNode raft, String node, PrivateKeyRef key, Clock clock) {
        this.raft = raft;
        this.node = node;
        this.key = key;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cscs-freshness");
            t.setDaemon(true);
            return t;
        });
    }

    static FreshnessSigner start(RaftNode raft, String node, PrivateKeyRef key, Duration interval) {
        FreshnessSigner s = new FreshnessSigner(raft, node, key, Clock.systemUTC());
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
        if (!raft.info().isLeader() || !raft.info().leaderReady()) {
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
        Freshness f = Freshness.sign(key, node, clock.instant(), raft.store().heads());
        raft.recordFreshness(f).exceptionally(e -> {
            LOG.debug("freshness record not committed: {}", e.getMessage());
            return null;
        });
    }

    private boolean registered() {
        KeyValue kv = raft.store().values(Names.NODES).get(Names.nodeKey(node));
        return kv != null && Freshness.signerKey(kv.value()).map(k -> k.keyid().equals(key.keyid())).orElse(false);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
