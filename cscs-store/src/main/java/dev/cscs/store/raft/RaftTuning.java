package dev.cscs.store.raft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** The Ratis properties a node's server and client run with, and why each differs from Ratis' default. */
final class RaftTuning {
    /** How often the leader retries a member it cannot reach (Ratis' default grows to 5 s). */
    static final Duration APPENDER_RETRY = Duration.ofMillis(500);
    /**
     * How long a write waits before it is sent again when no leader answered (a leader change): the
     * new leader is found within this of its election. It was 100 ms, a fifth of the failover time
     * (bench/run); a refused attempt fails at once, an unreachable one after the request timeout.
     */
    static final Duration CLIENT_RETRY_SLEEP = Duration.ofMillis(20);
    /** With {@link #CLIENT_RETRY_SLEEP}, four seconds of retries before a write is answered "unavailable". */
    static final int CLIENT_RETRIES = 200;
    /** A restarted node's first election timeout: well past a few of the leader's retries. */
    static final Duration FIRST_ELECTION = Duration.ofSeconds(3);

    private RaftTuning() {
    }

    static RaftProperties server(RaftSettings s) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(s.dataDir().resolve("raft").toFile()));
        GrpcConfigKeys.Server.setHost(p, s.listen().socketHost());
        GrpcConfigKeys.Server.setPort(p, s.listen().port());
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(s.electionMin().toMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(s.electionMax().toMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        // A voter the autopilot demoted while it was down still reads itself as a voter in its old log.
        // Campaigning before the leader reaches it, it is told to shut down (Ratis: a candidate not among
        // the voters, behind the configuration entry). So, with the autopilot, the leader retries an
        // unreachable member often and a restarted node waits longer for its first election than that.
        if (s.autopilot() != null) {
            RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, "1ms,10, " + APPENDER_RETRY.toMillis() + "ms,100000000");
        }
        if (s.autopilot() != null && recovering(s)) {
            Duration first = FIRST_ELECTION.compareTo(s.electionMax().multipliedBy(2)) > 0 ? FIRST_ELECTION
                    : s.electionMax().multipliedBy(2);
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(first.toMillis(), TimeUnit.MILLISECONDS));
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p,
                    TimeDuration.valueOf(first.plus(s.electionMax()).toMillis(), TimeUnit.MILLISECONDS));
        }
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setTimeout(p, TimeDuration.valueOf(RaftNode.READ_ATTEMPT.toMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, s.snapshotEvery()));
        // the newest snapshot and the one before: a torn newest one falls back to it (SnapshotFiles)
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        // ... so the log from the previous snapshot on stays: Ratis purges at most up to lastIndex - this
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, 2 * s.snapshotThreshold());
        // A power cut mid-append leaves part of a record before the preallocated zeros of the open
        // segment, never acknowledged (Ratis syncs first). The default policy refuses to start then;
        // this one keeps the records before it, and the leader sends the rest again.
        RaftServerConfigKeys.Log.setCorruptionPolicy(p, RaftServerConfigKeys.Log.CorruptionPolicy.WARN_AND_RETURN);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(s.logSegmentBytes()));
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.max(1, Math.min(1024, s.snapshotEvery() / 2)));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("16MB"));
        return p;
    }

    /** Whether this node has Raft storage already, i.e. restarts rather than bootstraps. */
    private static boolean recovering(RaftSettings s) {
        try (Stream<Path> groups = Files.list(s.dataDir().resolve("raft"))) {
            return groups.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    static RaftProperties client() {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("16MB"));
        return p;
    }
}
