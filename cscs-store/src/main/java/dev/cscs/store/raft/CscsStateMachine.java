package dev.cscs.store.raft;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.LogEntry;
import dev.cscs.store.LogEntryCodec;
import dev.cscs.store.Outcome;
import dev.cscs.store.SnapshotCodec;
import dev.cscs.store.ValueValidator;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin Ratis adapter over {@link ConfigStore}: the leader verifies in
 * {@link #startTransaction} so that invalid input never reaches the log; every replica
 * re-verifies in {@link #applyTransaction}, deterministically, and a rejection completes the
 * future exceptionally. Snapshots use {@link SnapshotCodec} through
 * {@link SimpleStateMachineStorage}.
 */
public final class CscsStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(CscsStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final SnapshotFiles files = new SnapshotFiles(SnapshotFiles.Disk.REAL);
    private volatile RaftStorage raftStorage;
    /** Runs before each entry is applied; tests use it to hold a replica back or to inject a fault. */
    private volatile Consumer<LogEntry> beforeApply = e -> { };
    private final ConfigStore store;
    private final Limits limits;
    private final int eventHistory;
    private final ValueValidator validator;
    /** Told of every proposal the leader refuses before the log, to record an alert. */
    interface LeaderRejections {
        void rejected(String origin, String subject, CscsException reason);
    }

    private final LeaderRejections leaderRejections;
    private final Speculation speculation = new Speculation();
    private volatile Runnable onApplied = () -> { };
    private volatile Runnable onLeaderChange = () -> { };
    private volatile Runnable onConfigurationChange = () -> { };

    /**
     * @param leaderRejections told of every submission the leader refuses, to record an alert
     */
    public CscsStateMachine(ConfigStore store, Limits limits, int eventHistory, ValueValidator validator,
                            LeaderRejections leaderRejections) {
        this.store = store;
        this.limits = limits;
        this.eventHistory = eventHistory;
        this.validator = validator;
        this.leaderRejections = leaderRejections;
    }

    public ConfigStore store() {
        return store;
    }

    void onApplied(Runnable r) {
        onApplied = r;
    }

    void onConfigurationChange(Runnable r) {
        onConfigurationChange = r;
    }

    void onLeaderChange(Runnable r) {
        onLeaderChange = r;
    }

    void beforeApply(Consumer<LogEntry> hook) {
        beforeApply = hook;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        this.raftStorage = raftStorage;
        getLifeCycle().startAndTransition(() -> {
            // before the storage looks: it must find the snapshot restored, not a torn one moved aside
            restore(raftStorage, true);
            storage.init(raftStorage);
        }, IOException.class);
    }

    /** Ratis pauses the machine before it installs a snapshot from the leader, then calls {@link #reinitialize}. */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        restore(raftStorage, false);
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    /** Restores the newest snapshot that verifies, or, after an install from the leader, exactly the installed one. */
    private void restore(RaftStorage raftStorage, boolean fallBack) throws IOException {
        SnapshotFiles.Restored r = files.newestRestorable(raftStorage.getStorageDir().getStateMachineDir().toPath(),
                this::readSnapshot, fallBack);
        if (r == null) {
            return;
        }
        store.resetFrom(r.store());
        setLastAppliedTermIndex(r.at());
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(r.file(), r.md5()), r.at()));
        speculation.reset();
        LOG.info("restored snapshot at {} ({} changesets)", r.at(), store.allChangesets().size());
    }

    private ConfigStore readSnapshot(InputStream in, TermIndex at) throws IOException {
        return SnapshotCodec.read(in, store.genesis().changeset(), store.genesis().digest(), eventHistory, at.getTerm(),
                at.getIndex());
    }

    /** Ratis purges the log up to the returned index as soon as this returns: {@link SnapshotFiles#write} is durable. */
    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() <= 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SnapshotCodec.write(store, last.getTerm(), last.getIndex(), bytes);
        MD5Hash md5 = files.write(file.toPath(), bytes.toByteArray());
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        LOG.info("snapshot at {} written to {}", last, file.getName());
        return last.getIndex();
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /**
     * What the leader decoded and checked when it accepted a client's entry, handed to its own
     * apply through the transaction context (Ratis keeps the leader's context until the apply), so
     * the leader decodes each entry once; {@code speculated} is the changeset digest that
     * {@link Speculation} holds, for a submission.
     */
    private record Proposed(LogEntry entry, Digest speculated) {
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext trx = TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request)
                .setLogData(request.getMessage().getContent()).build();
        LogEntry entry;
        try {
            entry = LogEntryCodec.decode(request.getMessage().getContent().toByteArray(), limits);
        } catch (CscsException e) {
            // Only a Raft peer can send this (the API encodes entries itself): the origin it would claim is unreadable.
            leaderRejections.rejected("unknown", "undecodable entry from Raft client " + request.getClientId(), e);
            return trx.setException(new Rejections.Rejected(e));
        }
        trx.setStateMachineContext(new Proposed(entry, null));
        if (entry instanceof LogEntry.Join) {
            LogEntry.Join join = (LogEntry.Join) entry;
            try {
                store.checkJoin(join.token(), Instant.parse(join.received()));
            } catch (CscsException e) {
                leaderRejections.rejected(join.origin(), "join of " + join.token().node(), e);
                return trx.setException(new Rejections.Rejected(e));
            }
        }
        if (entry instanceof LogEntry.Submit) {
            LogEntry.Submit submit = (LogEntry.Submit) entry;
            try {
                validateValues(submit.changeset());
                // told to cancelTransaction if it does not reach the log after all
                trx.setStateMachineContext(new Proposed(entry, speculation.check(store, submit.changeset()).digest()));
            } catch (CscsException e) {
                leaderRejections.rejected(submit.origin(), ChangesetCodec.digest(submit.changeset().body()).toString(), e);
                return trx.setException(new Rejections.Rejected(e));
            }
        }
        return trx;
    }

    private void validateValues(Changeset cs) {
        String domain = cs.body().domain();
        for (Op op : cs.body().ops()) {
            if (!(op instanceof Op.Put)) {
                continue;
            }
            if (Names.NODES.equals(domain)) {
                NodeRecord.parse(KeyPath.parse(op.key()).name(), ((Op.Put) op).value());
            } else if (!Names.TRUST.equals(domain)) {
                validator.validate(domain, op.key(), ((Op.Put) op).value());
            }
        }
    }

    @Override
    public TransactionContext cancelTransaction(TransactionContext trx) throws IOException {
        // Ratis cancels the submissions startTransaction refused too: those never were in the speculation
        if (trx.getStateMachineContext() instanceof Proposed p && p.speculated() != null) {
            speculation.cancelled(store, p.speculated());
        }
        return super.cancelTransaction(trx);
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto proto = trx.getLogEntry();
        long index = proto.getIndex();
        Proposed proposed = trx.getStateMachineContext() instanceof Proposed p ? p : null;
        LogEntry entry;
        try {
            // the node's own limits were applied at the door; what is in the log is decoded the same everywhere
            entry = proposed != null ? proposed.entry()
                    : LogEntryCodec.decode(proto.getStateMachineLogEntry().getLogData().toByteArray(), Limits.PROTOCOL_MAX);
        } catch (CscsException e) {
            // Only a leader that skipped startTransaction could have logged this; every replica records the same alert.
            entry = new LogEntry.RecordAlert("unknown", "1970-01-01T00:00:00Z", e.code().code(),
                    "undecodable log entry: " + e.getMessage(), "log index " + index, 0);
        }
        Outcome outcome;
        try {
            beforeApply.accept(entry);
            outcome = store.apply(index, entry);
        } catch (RuntimeException e) {
            // Ratis would stop the server, and replay after a restart would stop it again
            outcome = store.applyFailed(index, entry, e);
        }
        updateLastAppliedTermIndex(proto.getTerm(), index);
        if (entry instanceof LogEntry.Submit) {
            Digest digest = proposed != null && proposed.speculated() != null ? proposed.speculated()
                    : ChangesetCodec.digest(((LogEntry.Submit) entry).changeset().body());
            speculation.applied(store, digest, outcome instanceof Outcome.Accepted);
        }
        try {
            onApplied.run();
        } catch (RuntimeException e) {
            LOG.warn("after applying revision {}: {}", index, RaftNode.rootMessage(e), e);
        }
        String reply = Long.toString(index);
        if (outcome instanceof Outcome.Accepted) {
            var s = ((Outcome.Accepted) outcome).stored();
            reply = new SubmitReply(index, s.domain(), s.seq(), s.digest()).encode();
        } else if (outcome instanceof Outcome.Rejected) {
            CompletableFuture<Message> failed = new CompletableFuture<>();
            failed.completeExceptionally(new Rejections.Rejected(((Outcome.Rejected) outcome).reason()));
            return failed;
        }
        return CompletableFuture.completedFuture(Message.valueOf(reply));
    }

    /** Reads are served from the local store after a linearizable barrier; the query itself only answers the applied index. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.valueOf(Long.toString(store.lastRevision())));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        speculation.reset();
        onLeaderChange.run();
        onConfigurationChange.run();
    }

    @Override
    public void notifyConfigurationChanged(long term, long index, RaftConfigurationProto conf) {
        onConfigurationChange.run();
    }
}
