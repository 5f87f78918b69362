package dev.cscs.store.raft;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Signature;
import dev.cscs.core.trust.Freshness;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.Signing;
import dev.cscs.store.Alert;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.LogEntry;
import dev.cscs.store.LogEntryCodec;
import dev.cscs.store.ValueValidator;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's Raft wiring: a Ratis server (gRPC) with the CSCS state machine, and a client
 * with bounded retries for writes, linearizable barriers, alerts and membership. The group
 * id is derived from the genesis digest, so nodes of different clusters never form a group.
 */
public final class RaftNode implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    /** One ReadIndex attempt; a barrier retries until its own deadline. */
    static final Duration READ_ATTEMPT = Duration.ofMillis(500);

    private final RaftSettings settings;
    private final RaftGroup group;
    private final CscsStateMachine machine;
    private final StatusBatcher statusBatcher;
    private final ExecutorService barrierSender = daemonThread("cscs-read-barrier");
    private final ReadBarrier barrier = new ReadBarrier(this::readIndex, READ_ATTEMPT, barrierSender);
    private final RaftServer server;
    private final RaftClients clients;
    private final ExecutorService statusProposer = daemonThread("cscs-status-proposer");
    private final ExecutorService background = daemonThread("cscs-raft-background");
    /** Background work asked for by Ratis callbacks; once the node closes it is dropped, never thrown into Ratis. */
    private final Executor later = task -> {
        try {
            background.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("node is closing: background task dropped");
        }
    };
    private final AlertThrottle throttle;
    private final Membership membership;
    private final AtomicLong leaderChanges = new AtomicLong();

    private RaftNode(RaftSettings settings, ConfigStore store, ValueValidator validator) throws IOException {
        this.settings = settings;
        this.throttle = new AlertThrottle(Clock.systemUTC(), settings.alertInterval());
        this.group = RaftGroup.valueOf(groupId(store.genesis().digest()), peers(settings));
        this.machine = new CscsStateMachine(store, settings.limits(), settings.eventHistory(), validator, this::leaderRejected);
        this.statusBatcher = new StatusBatcher(entry -> send(entry).thenApply(SubmitReply::revisionOf),
                LogEntryCodec.maxEntryBytes(settings.limits()), statusProposer);
        RaftProperties props = RaftTuning.server(settings);
        RaftServer.Builder b = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(settings.nodeId())).setGroup(group)
                .setProperties(props).setStateMachine(machine).setOption(RaftStorage.StartupOption.RECOVER);
        if (settings.tls() != null) {
            b.setParameters(settings.tls());
        }
        this.server = b.build();
        this.clients = new RaftClients(this::newClient, group, later);
        this.membership = new Membership(this, later, settings.autopilot());
        machine.onConfigurationChange(() -> later.execute(this::followMembers));
        machine.onApplied(membership::maybeReconcile);
        machine.onLeaderChange(() -> {
            leaderChanges.incrementAndGet();
            membership.leaderChanged();
        });
    }

    private RaftClient newClient(RaftGroup g) {
        RaftClient.Builder cb = RaftClient.newBuilder().setProperties(RaftTuning.client()).setRaftGroup(g)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(RaftTuning.CLIENT_RETRIES,
                        TimeDuration.valueOf(RaftTuning.CLIENT_RETRY_SLEEP.toMillis(), TimeUnit.MILLISECONDS)));
        if (settings.tls() != null) {
            cb.setParameters(settings.tls());
        }
        return cb.build();
    }

    /** The client follows the configuration's members (see {@link RaftClients}). */
    private void followMembers() {
        try {
            var conf = division().getRaftConf();
            List<RaftPeer> now = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
            now.addAll(conf.getCurrentPeers(RaftPeerRole.LISTENER));
            clients.follow(now);
        } catch (CscsException e) {
            LOG.debug("members changed before the group runs: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("could not follow the new members: {}", rootMessage(e));
        }
    }

    /** Starts the node; a fresh data dir bootstraps from the settings' peers, an existing one recovers. */
    public static RaftNode start(RaftSettings settings, ConfigStore store, ValueValidator validator) throws IOException {
        RaftNode node = new RaftNode(settings, store, validator);
        node.server.start();
        LOG.info("node {} started: raft {} (advertised {}), {} peers, group {}", settings.nodeId(), settings.listen(),
                settings.advertise(), node.group.getPeers().size(), node.group.getGroupId());
        return node;
    }

    static RaftGroupId groupId(Digest genesis) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(genesis.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    private static List<RaftPeer> peers(RaftSettings s) {
        List<RaftPeer> out = new ArrayList<>();
        boolean self = false;
        for (Peer p : s.peers()) {
            self |= p.id().equals(s.nodeId());
            out.add(RaftPeer.newBuilder().setId(p.id()).setAddress(p.address().toString()).build());
        }
        if (!self) {
            out.add(RaftPeer.newBuilder().setId(s.nodeId()).setAddress(s.advertise().toString())
                    .setStartupRole(s.replica() ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER).build());
        }
        return out;
    }

    public ConfigStore store() {
        return machine.store();
    }

    public String nodeId() {
        return settings.nodeId();
    }

    RaftClient client() {
        return clients.current();
    }

    CscsStateMachine machine() {
        return machine;
    }

    RaftServer.Division division() {
        try {
            return server.getDivision(group.getGroupId());
        } catch (IOException e) {
            throw new CscsException(ErrorCode.UNAVAILABLE, "raft group is not running: " + e.getMessage());
        }
    }

    /** Submits a signed changeset through Raft; completes with the reply or a typed {@link CscsException}. */
    public CompletableFuture<SubmitReply> submit(Changeset cs, String origin) {
        LogEntry.Submit entry = new LogEntry.Submit(origin, Signing.rfc3339(Instant.now()), cs);
        return send(LogEntryCodec.encode(entry)).thenApply(SubmitReply::decode);
    }

    /** Records a rejection seen before the log (throttled per origin and reason). */
    public void recordAlert(String origin, CscsException reason, String subject) {
        int repeated = throttle.admit(origin, reason.code().code());
        if (repeated < 0) {
            return;
        }
        LogEntry.RecordAlert alert = new LogEntry.RecordAlert(origin, Signing.rfc3339(Instant.now()),
                reason.code().code(), reason.getMessage(), subject, repeated);
        send(LogEntryCodec.encode(alert)).exceptionally(e -> {
            LOG.warn("could not record alert {} from {}: {}", reason.code().code(), origin, e.getMessage());
            return null;
        });
    }

    /** Records a node's status report; {@code signature} is the node's own signature over it (see StatusSignatures). */
    public CompletableFuture<Long> reportStatus(String node, JsonNode report, Signature signature) {
        return statusBatcher.submit(new LogEntry.ReportStatus(node, Signing.rfc3339(Instant.now()), report, signature));
    }

    /** Proposes a join; completes when it is applied, or with the reason it was refused. */
    public CompletableFuture<Long> join(JoinToken token, String raftAddress, String origin) {
        return send(LogEntryCodec.encode(new LogEntry.Join(origin, Signing.rfc3339(Instant.now()), token, raftAddress)))
                .thenApply(SubmitReply::revisionOf);
    }

    /** Commits a signed freshness record; completes with its revision, or with why the replicas refused it. */
    public CompletableFuture<Long> recordFreshness(Freshness f) {
        return send(LogEntryCodec.encode(new LogEntry.SignedFreshness(f))).thenApply(SubmitReply::revisionOf);
    }

    /** Records an autopilot action as an alert about {@code member}; never throttled (the autopilot paces itself). */
    void recordAutopilot(String member, String message) {
        LogEntry.RecordAlert alert = new LogEntry.RecordAlert(settings.nodeId(), Signing.rfc3339(Instant.now()),
                Alert.AUTOPILOT, message, member, 0);
        send(LogEntryCodec.encode(alert)).exceptionally(e -> {
            LOG.warn("could not record the autopilot alert about {}: {}", member, e.getMessage());
            return null;
        });
    }

    /** The autopilot this node runs when it leads, or {@code null}: for {@code GET /v1/members}. */
    public AutopilotSettings autopilot() {
        return settings.autopilot();
    }

    private void leaderRejected(String origin, String subject, CscsException reason) {
        later.execute(() -> recordAlert(origin, reason, subject));
    }

    /** Proposes an entry; completes with the state machine's answer (see {@link SubmitReply}). */
    private CompletableFuture<String> send(byte[] entry) {
        RaftClient used = clients.current();
        return used.async().send(Message.valueOf(ByteString.copyFrom(entry))).handle((reply, error) -> {
            if (error != null) {
                clients.failed(used, error);
            }
            return decodeReply(reply, error);
        });
    }

    private static String decodeReply(RaftClientReply reply, Throwable error) {
        Throwable problem = error != null ? error : reply.getException();
        if (problem != null) {
            CscsException typed = Rejections.decode(problem);
            throw new CompletionException(typed != null ? typed
                    : new CscsException(ErrorCode.UNAVAILABLE, "no quorum: " + rootMessage(problem)));
        }
        if (!reply.isSuccess()) {
            throw new CompletionException(new CscsException(ErrorCode.UNAVAILABLE, "raft request failed"));
        }
        return reply.getMessage().getContent().toStringUtf8();
    }

    /**
     * A linearizable read barrier: returns once this node has applied everything committed
     * before the call (Raft ReadIndex through this node). Reads that follow see at least that.
     * A ReadIndex sent to a leader that just died only fails at the server's read timeout, so
     * it is retried in short attempts until the deadline: a new leader answers the next one.
     * Concurrent readers share rounds ({@link ReadBarrier}): one request in flight per node.
     */
    public void barrier(Duration timeout) {
        barrier.await(timeout);
    }

    /** One ReadIndex request through this node: it answers once it has applied up to the leader's commit index. */
    private CompletableFuture<RaftClientReply> readIndex() {
        return clients.current().async().sendReadOnlyUnordered(Message.valueOf("barrier"), RaftPeerId.valueOf(settings.nodeId()))
                .thenApply(reply -> {
                    if (!reply.isSuccess()) {
                        throw new CompletionException(new CscsException(ErrorCode.UNAVAILABLE, rootMessage(reply.getException())));
                    }
                    return reply;
                });
    }

    /** Role, term, leader and indexes, for /metrics and `cscs member ls`. */
    public RaftInfo info() {
        RaftServer.Division d = division();
        var info = d.getInfo();
        RaftPeerId leader = info.getLeaderId();
        return new RaftInfo(settings.nodeId(), info.getCurrentRole().name().toLowerCase(Locale.ROOT),
                info.getCurrentTerm(), leader == null ? null : leader.toString(),
                d.getRaftLog().getLastCommittedIndex(), info.getLastAppliedIndex(), info.isLeaderReady());
    }

    /** Status reports submitted through this node, and the log entries that carried them: for /metrics. */
    public StatusCounts statusCounts() {
        return statusBatcher.counts();
    }

    /** Status reports submitted through this node, and the log entries proposed to carry them. */
    public record StatusCounts(long reports, long entries) {
    }

    /** How many times this node was told of a new leader (or of none) since it started: for /metrics. */
    public long leaderChanges() {
        return leaderChanges.get();
    }

    /** Each member's commit index and last contact, as far as this node knows them ({@link MemberLink}). */
    public Map<String, MemberLink> links() {
        return MemberLink.of(division());
    }

    /** The current Raft configuration: voters and listeners. */
    public List<MemberInfo> members() {
        return membership.current();
    }

    /** Takes a snapshot of this node now (Ratis' default API snapshots only the leader). */
    public long snapshotNow() throws IOException {
        RaftClientReply r = clients.current().getSnapshotManagementApi(RaftPeerId.valueOf(settings.nodeId())).create(30_000);
        if (!r.isSuccess()) {
            throw new IOException("snapshot failed: " + rootMessage(r.getException()));
        }
        return r.getLogIndex();
    }

    static String rootMessage(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    @Override
    public void close() throws IOException {
        membership.close();
        background.shutdownNow();
        statusProposer.shutdownNow();
        barrierSender.shutdownNow();
        try {
            clients.close();
        } finally {
            server.close();
        }
    }

    /** One daemon thread of our own, so that no follow-up work runs on (or waits for) one of Ratis' threads. */
    private static ExecutorService daemonThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
