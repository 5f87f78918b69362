package dev.cscs.server;

import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.agent.Agent;
import dev.cscs.server.api.ApiServer;
import dev.cscs.server.config.ServerConfig;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.ValueValidator;
import dev.cscs.store.raft.RaftNode;
import dev.cscs.store.raft.RaftSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import dev.cscs.store.raft.Peer;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cscs server}: one process with the store (Raft), the HTTP API and the agent, wired
 * here and nowhere else. Stops cleanly on SIGTERM: API first, then the agent, then Raft
 * (which snapshots on the way out).
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private final ServerConfig config;
    private final RaftNode raft;
    private final ApiServer api;
    private final Agent agent;
    private final FreshnessSigner freshness;

    private Daemon(ServerConfig config, RaftNode raft, ApiServer api, Agent agent, FreshnessSigner freshness) {
        this.config = config;
        this.raft = raft;
        this.api = api;
        this.agent = agent;
        this.freshness = freshness;
    }

    /** Starts every part of the node; on failure, stops what was started and throws. */
    public static Daemon start(ServerConfig config) throws IOException {
        if (config.raft() == null) {
            throw new CscsException(ErrorCode.BAD_CONFIG, config.source() + ": raft: is missing (cscs server runs a cluster "
                    + "node; for an edge device use `cscs agent`)");
        }
        if (config.insecure()) {
            LOG.warn("INSECURE MODE: Raft and the HTTP API run without TLS and without client certificates. "
                    + "Use it only for local tests and demos.");
        }
        Transport transport = Transport.of(config);
        ServerConfig.Raft r = config.raft();
        Changeset genesis;
        List<Peer> peers = r.peers();
        boolean replica = r.replica();
        if (r.peers().isEmpty() && r.join() != null) {
            Joiner.Joined joined = Joiner.joinOrResume(config, transport.tls());
            genesis = joined.genesis();
            peers = joined.peers();
            replica = true;
        } else {
            genesis = NodeSetup.genesis(config);
        }
        Files.createDirectories(config.dataDir());
        ConfigStore store = new ConfigStore(genesis, config.anchor(), config.raft().eventHistory());
        ValueValidator validator = Validation.appliers();
        RaftSettings settings = new RaftSettings(config.nodeId(), config.dataDir(), r.listen(), r.advertise(), replica,
                peers, r.electionMin(), r.electionMax(), r.snapshotEvery(), r.eventHistory(), config.limits(),
                transport.grpc(), RaftSettings.LOG_SEGMENT_BYTES, config.alertInterval(), r.autopilot());
        if (transport.peers() != null) {
            Set<String> initial = new TreeSet<>(transport.peers().get());
            peers.forEach(p -> initial.add(p.id()));
            transport.peers().follow(() -> initial);
        }
        RaftNode raft = RaftNode.start(settings, store, validator);
        if (transport.peers() != null) {
            transport.peers().follow(() -> knownNodes(raft, config.nodeId()));
        }
        ApiServer api;
        try {
            api = new ApiServer(config.nodeId(), raft, validator, config.limits(), config.apiListen(), transport.https(),
                    config.apiLocal(), config.apiLimits()).start();
        } catch (RuntimeException e) {
            raft.close();
            throw new CscsException(ErrorCode.BAD_CONFIG, "api.listen " + config.apiListen() + ": cannot listen: "
                    + rootMessage(e));
        }
        if (transport.tls() != null) {
            api.metrics().exposition().certificate(transport.tls().certificate());
        }
        PrivateKeyRef identity;
        Agent agent = null;
        try {
            identity = NodeIdentity.of(config.dataDir(), transport.tls());
            if (config.agent().enabled()) {
                // the store's heads are the server's own cscs_domain_head_seq: the agent adds only what it applied
                agent = NodeAgent.start(config, raft, identity, api.metrics().exposition().agent(false));
            }
        } catch (RuntimeException | IOException e) {
            api.close();
            raft.close();
            throw e;
        }
        FreshnessSigner freshness = FreshnessSigner.start(raft, config.nodeId(), identity, r.freshnessInterval());
        LOG.info("node {} is up: raft {}, api {}, genesis {}, domains {}", config.nodeId(), r.listen(), config.apiListen(),
                store.genesis().digest(), config.domains());
        return new Daemon(config, raft, api, agent, freshness);
    }

    /** Current members and registered nodes, less the removed ones: who may speak Raft. */
    static Set<String> knownNodes(RaftNode raft, String self) {
        Set<String> ids = new TreeSet<>();
        ids.add(self);
        try {
            raft.members().forEach(m -> ids.add(m.id()));
        } catch (RuntimeException e) {
            // not running yet
        }
        raft.store().nodes().forEach((id, n) -> {
            if ("removed".equals(n.role())) {
                ids.remove(id);
            } else if (!"agent".equals(n.role())) {
                ids.add(id);
            }
        });
        return ids;
    }

    public RaftNode raft() {
        return raft;
    }

    public int apiPort() {
        return api.port();
    }

    /** The routes the API serves, as "METHOD /path". */
    public List<String> apiRoutes() {
        return api.routes();
    }

    /** The in-process agent, or null when agent.enabled is false. */
    public Agent agent() {
        return agent;
    }

    /** For the systemd watchdog: Raft answers about itself (a hung or closed server does not). */
    boolean healthy() {
        try {
            raft.info();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs until the process is told to stop. */
    public static int runUntilStopped(ServerConfig config) throws IOException {
        Daemon d = start(config);
        // only now: Raft runs, the API listens and the agent has started (not: a leader is elected,
        // which needs a quorum of nodes that may still be starting one after another)
        SystemdNotify systemd = SystemdNotify.fromEnvironment();
        systemd.ready(d::healthy);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping node {}", config.nodeId());
            systemd.stopping();
            systemd.close();
            d.close();
            stopped.countDown();
        }, "cscs-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    @Override
    public void close() {
        freshness.close();
        if (agent != null) {
            try {
                agent.close();
            } catch (RuntimeException e) {
                LOG.warn("agent stop: {}", e.getMessage());
            }
        }
        try {
            api.close();
        } catch (RuntimeException e) {
            LOG.warn("API stop: {}", e.getMessage());
        }
        try {
            raft.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Raft stop: {}", e.getMessage());
        }
        LOG.info("node {} stopped cleanly", config.nodeId());
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
