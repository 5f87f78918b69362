package dev.cscs.server.config;

import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Digest;
import dev.cscs.server.api.ApiLimits;
import dev.cscs.store.raft.AutopilotSettings;
import dev.cscs.store.raft.HostPort;
import dev.cscs.store.raft.Peer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The node's config file (DESIGN.md §4), checked. {@code raft} is set for {@code cscs server},
 * {@code edge} for {@code cscs agent}. {@code apiLocal}, when set, is a loopback address where the
 * API also answers plain HTTP, for tools on the node itself. {@code metricsListen}, when set, is a
 * loopback address where an edge agent serves {@code GET /metrics} (a server has it on its API).
 */
public record ServerConfig(Path source, String nodeId, Path dataDir, List<String> domains, Raft raft, Edge edge,
                           HostPort apiListen, HostPort apiLocal, Path genesis, Digest anchor, Tls tls, boolean insecure, Agent agent,
                           Log log, Limits limits, Duration alertInterval, ApiLimits apiLimits, HostPort metricsListen) {

    /** Where the rolling log file goes. */
    public Path logDir() {
        return log.dir();
    }

    /** {@code log:}: the rolling file's directory, the lowest level logged and the line format. */
    public record Log(Path dir, Level level, Format format) {
        public static final Log DEFAULT = new Log(Path.of("/var/log/cscs"), Level.INFO, Format.TEXT);

        /** Lowest first; {@code debug} also turns on stack traces. */
        public enum Level { ERROR, WARN, INFO, DEBUG }

        /** {@code text}: a plain line; {@code json}: one JSON object per line. */
        public enum Format { TEXT, JSON }
    }

    /**
     * @param autopilot         {@code raft.autopilot}, or null: then the registry's roles alone decide who votes
     * @param freshnessInterval how often the leader signs a freshness record (issue #14)
     */
    public record Raft(HostPort listen, HostPort advertise, boolean replica, List<Peer> peers, Join join,
                       Duration electionMin, Duration electionMax, long snapshotEvery, int eventHistory,
                       AutopilotSettings autopilot, Duration freshnessInterval) {
    }

    public record Join(String endpoint, Path token) {
    }

    /** An edge agent's servers, tried in order, and its join token (registers its key for signed status). */
    public record Edge(List<String> endpoints, Path token) {
    }

    public record Tls(Path ca, Path cert, Path key) {
    }

    /**
     * @param quietMax the longest a burst of changes may postpone an apply
     * @param commitConfirm how long a firewall change may take to prove the cluster is still reachable
     * @param maxStaleness  no signed freshness record newer than this: the device is stale (0: never)
     */
    public record Agent(boolean enabled, Path root, List<String> appliers, Duration reconcileInterval, Duration quietPeriod,
                        Duration quietMax, boolean dryRun, Duration commitConfirm, Duration statusInterval,
                        Duration maxStaleness) {
    }
}
