package dev.cscs.store.raft;

import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.ratis.conf.Parameters;

/**
 * How a node runs Raft. The election timeout range and pre-vote are chosen for fast, stable
 * failover; bench/failover measures them (README "Figures").
 *
 * @param replica start as a non-voting member (a Ratis listener)
 * @param peers the bootstrap voters of a new cluster (this node among them unless it is a replica)
 * @param snapshotEvery take a snapshot about every this many log entries (see {@link #snapshotThreshold})
 * @param eventHistory changesets kept for watch resumption; older watches get a full snapshot
 * @param tls gRPC TLS parameters, or {@code null} for plaintext
 * @param logSegmentBytes Raft log segment size; only closed segments below a snapshot are purged
 * @param alertInterval at most one alert per origin and reason per interval; the rest are counted
 * @param autopilot the leader's voter target and replacement of silent members, or {@code null} for none:
 *                  then the registry's roles alone decide who votes
 */
public record RaftSettings(String nodeId, Path dataDir, HostPort listen, HostPort advertise, boolean replica,
                           List<Peer> peers, Duration electionMin, Duration electionMax, long snapshotEvery,
                           int eventHistory, Limits limits, Parameters tls, long logSegmentBytes,
                           Duration alertInterval, AutopilotSettings autopilot) {
    public static final Duration ELECTION_MIN = Duration.ofMillis(200);
    public static final Duration ELECTION_MAX = Duration.ofMillis(400);
    public static final long LOG_SEGMENT_BYTES = 8L << 20;
    public static final Duration ALERT_INTERVAL = Duration.ofSeconds(1);

    public RaftSettings {
        peers = List.copyOf(peers);
    }

    /** Without autopilot. */
    public RaftSettings(String nodeId, Path dataDir, HostPort listen, HostPort advertise, boolean replica, List<Peer> peers,
                        Duration electionMin, Duration electionMax, long snapshotEvery, int eventHistory, Limits limits,
                        Parameters tls, long logSegmentBytes, Duration alertInterval) {
        this(nodeId, dataDir, listen, advertise, replica, peers, electionMin, electionMax, snapshotEvery, eventHistory, limits,
                tls, logSegmentBytes, alertInterval, null);
    }

    /**
     * This node's snapshot interval: {@code snapshotEvery} plus a fixed offset below half of it,
     * derived from the node id. Voters then snapshot (and purge their logs) at different
     * indexes, so one site-wide power cut does not catch all of them in the middle of it.
     */
    public long snapshotThreshold() {
        long span = Math.max(1, snapshotEvery / 2);
        byte[] h = Digest.sha256(nodeId.getBytes(StandardCharsets.UTF_8));
        return snapshotEvery + Math.floorMod(ByteBuffer.wrap(h).getLong(), span);
    }
}
