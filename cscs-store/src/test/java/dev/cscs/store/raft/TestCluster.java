package dev.cscs.store.raft;

import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.testing.LoopbackPorts;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.ValueValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Nodes in one JVM on loopback with ephemeral ports and temp dirs. */
public final class TestCluster implements AutoCloseable {
    public static final Duration DEADLINE = Duration.ofSeconds(30);
    private final Path dir;
    private final Changeset genesis;
    private final Map<String, RaftSettings> settings = new LinkedHashMap<>();
    private final Map<String, RaftNode> running = new LinkedHashMap<>();
    private long snapshotEvery = 100_000;
    private int eventHistory = 10_000;

    public TestCluster(Path dir, Changeset genesis) {
        this.dir = dir;
        this.genesis = genesis;
    }

    public TestCluster snapshotEvery(long n) {
        snapshotEvery = n;
        return this;
    }

    public TestCluster eventHistory(int n) {
        eventHistory = n;
        return this;
    }

    /** Starts {@code n} bootstrap voters n1..nN. */
    public TestCluster start(int n) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            peers.add(new Peer("n" + i, new HostPort("127.0.0.1", freePort())));
        }
        for (Peer p : peers) {
            settings.put(p.id(), settingsFor(p, false, peers));
            startNode(p.id());
        }
        return this;
    }

    /** Defines and starts a node that joins the running cluster as a replica (listener). */
    public RaftNode addReplica(String id) {
        List<Peer> peers = new ArrayList<>();
        settings.values().forEach(s -> peers.add(new Peer(s.nodeId(), s.advertise())));
        Peer self = new Peer(id, new HostPort("127.0.0.1", freePort()));
        settings.put(id, settingsFor(self, true, peers));
        return startNode(id);
    }

    public Peer peer(String id) {
        RaftSettings s = settings.get(id);
        return new Peer(id, s.advertise());
    }

    private RaftSettings settingsFor(Peer p, boolean replica, List<Peer> peers) {
        return new RaftSettings(p.id(), dir.resolve(p.id()), p.address(), p.address(), replica, replica ? peers : peers,
                RaftSettings.ELECTION_MIN, RaftSettings.ELECTION_MAX, snapshotEvery, eventHistory, Limits.DEFAULT, null,
                snapshotEvery < 1000 ? 16 << 10 : RaftSettings.LOG_SEGMENT_BYTES, Duration.ZERO);
    }

    public RaftNode startNode(String id) {
        try {
            RaftNode node = RaftNode.start(settings.get(id), new ConfigStore(genesis, ChangesetCodec.digest(genesis.body()),
                    settings.get(id).eventHistory()), ValueValidator.NONE);
            running.put(id, node);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stop(String id) {
        RaftNode n = running.remove(id);
        if (n != null) {
            try {
                n.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public RaftNode node(String id) {
        return running.get(id);
    }

    public List<RaftNode> nodes() {
        return new ArrayList<>(running.values());
    }

    public RaftNode leader() {
        return Eventually.get("a ready leader", DEADLINE, () -> {
            for (RaftNode n : running.values()) {
                try {
                    RaftInfo i = n.info();
                    if (i.isLeader() && i.leaderReady()) {
                        return n;
                    }
                } catch (RuntimeException e) {
                    // not started yet
                }
            }
            return null;
        });
    }

    public RaftNode follower() {
        String leader = leader().nodeId();
        return running.values().stream().filter(n -> !n.nodeId().equals(leader) && "follower".equals(n.info().role()))
                .findFirst().orElseThrow();
    }

    public void awaitAllApplied(long revision) {
        Eventually.await("all nodes applied revision " + revision, DEADLINE,
                () -> running.values().stream().allMatch(n -> n.store().lastRevision() >= revision));
    }

    static int freePort() {
        return LoopbackPorts.free();
    }

    @Override
    public void close() {
        new ArrayList<>(running.keySet()).forEach(this::stop);
    }
}
