package dev.cscs.store.raft;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
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
import org.apache.ratis.util.MD5FileUtil;
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

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().startAndTransition(() -> {
            storage.init(raftStorage);
            loadLatestSnapshot();
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
        loadLatestSnapshot();
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(file, md5);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
            ConfigStore restored = SnapshotCodec.read(in, store.genesis().changeset(), store.genesis().digest(), eventHistory);
            store.resetFrom(restored);
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
        speculation.reset();
        LOG.info("restored snapshot at {} ({} changesets)", snapshot.getTermIndex(), store.allChangesets().size());
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() <= 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.toPath()))) {
            SnapshotCodec.write(store, last.getTerm(), last.getIndex(), out);
        }
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        LOG.info("snapshot at {} written to {}", last, file.getName());
        return last.getIndex();
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
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
        if (entry instanceof LogEntry.Join) {
            LogEntry.Join join = (LogEntry.Join) entry;
            try {
                store.checkJoin(join.token(), java.time.Instant.parse(join.received()));
            } catch (CscsException e) {
                leaderRejections.rejected(join.origin(), "join of " + join.token().node(), e);
                return trx.setException(new Rejections.Rejected(e));
            }
        }
        if (entry instanceof LogEntry.Submit) {
            LogEntry.Submit submit = (LogEntry.Submit) entry;
            try {
                validateValues(submit.changeset());
                speculation.check(store, submit.changeset());
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
        speculation.reset();
        return super.cancelTransaction(trx);
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto proto = trx.getLogEntry();
        long index = proto.getIndex();
        LogEntry entry;
        try {
            // the node's own limits were applied at the door; what is in the log is decoded the same everywhere
            entry = LogEntryCodec.decode(proto.getStateMachineLogEntry().getLogData().toByteArray(), Limits.PROTOCOL_MAX);
        } catch (CscsException e) {
            // Only a leader that skipped startTransaction could have logged this; every replica records the same alert.
            entry = new LogEntry.RecordAlert("unknown", "1970-01-01T00:00:00Z", e.code().code(),
                    "undecodable log entry: " + e.getMessage(), "log index " + index, 0);
        }
        Outcome outcome = store.apply(index, entry);
        updateLastAppliedTermIndex(proto.getTerm(), index);
        if (entry instanceof LogEntry.Submit) {
            speculation.applied(ChangesetCodec.digest(((LogEntry.Submit) entry).changeset().body()),
                    outcome instanceof Outcome.Accepted);
        }
        onApplied.run();
        ObjectNode reply = JsonNodeFactory.instance.objectNode().put("revision", index);
        if (outcome instanceof Outcome.Accepted) {
            var s = ((Outcome.Accepted) outcome).stored();
            reply.put("domain", s.domain()).put("seq", s.seq()).put("digest", s.digest().toString());
        } else if (outcome instanceof Outcome.Rejected) {
            CompletableFuture<Message> failed = new CompletableFuture<>();
            failed.completeExceptionally(new Rejections.Rejected(((Outcome.Rejected) outcome).reason()));
            return failed;
        }
        return CompletableFuture.completedFuture(Message.valueOf(reply.toString()));
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
    public void notifyConfigurationChanged(long term, long index, org.apache.ratis.proto.RaftProtos.RaftConfigurationProto conf) {
        onConfigurationChange.run();
    }
}
