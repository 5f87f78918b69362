package dev.cscs.store;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.Accepted;
import dev.cscs.core.trust.ChainState;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.TrustPolicy;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated state, as a plain deterministic class: verified chains and current values
 * per domain, the trust policy, the node registry, alerts and status reports. The Raft state
 * machine is a thin adapter over it; given the same entries in the same order, every replica
 * ends in the same state. Thread-safe: applies are serialized, reads run concurrently.
 */
public final class ConfigStore {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);
    public static final int MAX_ALERTS = 1000;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final StoredChangeset genesis;
    private final int eventHistory;
    private ChainState chains;
    private final Map<String, List<StoredChangeset>> history = new TreeMap<>();
    private final Map<String, SortedMap<String, KeyValue>> values = new TreeMap<>();
    private final NavigableMap<Long, StoredChangeset> recent = new TreeMap<>();
    private final Deque<Alert> alerts = new ArrayDeque<>();
    private final Map<String, Long> rejectionsByCode = new TreeMap<>();
    private final StatusRecords statuses = new StatusRecords();
    private final Joins joins = new Joins();
    private final Watchers watchers = new Watchers();
    private final FreshnessLedger freshness = new FreshnessLedger();
    private long lastRevision;
    /** The highest revision whose changeset left the event index; a watch from before it gets a snapshot. */
    private long compactedThrough = -1;

    /** A store rooted in {@code genesis}; {@code anchor}, when given, must be its digest. */
    public ConfigStore(Changeset genesis, Digest anchor, int eventHistory) {
        this.chains = ChainState.fromGenesis(genesis, anchor);
        this.genesis = new StoredChangeset(0, genesis, chains.trustHead().digest());
        this.eventHistory = Math.max(1, eventHistory);
        record(this.genesis);
    }

    /** Applies one committed log entry at {@code revision}. Never throws for bad input: it is rejected and recorded. */
    public Outcome apply(long revision, LogEntry entry) {
        Outcome outcome;
        lock.writeLock().lock();
        try {
            if (revision <= lastRevision) {
                throw new IllegalStateException("revision " + revision + " is not after " + lastRevision);
            }
            lastRevision = revision;
            try {
                outcome = applyLocked(revision, entry);
            } catch (RuntimeException e) {
                outcome = failedLocked(revision, entry, e);
            }
        } finally {
            lock.writeLock().unlock();
        }
        if (outcome instanceof Outcome.Accepted) {
            watchers.publish(new Delivery.Events(List.of(((Outcome.Accepted) outcome).stored())));
        } else if (outcome instanceof Outcome.Recorded && entry instanceof LogEntry.SignedFreshness f) {
            watchers.publish(new Delivery.Fresh(revision, f.freshness()));
        }
        return outcome;
    }

    /**
     * Records that {@code entry} at {@code revision} could not be applied because of an
     * unexpected exception (a bug, not bad input), instead of letting it stop Raft: replay after
     * a restart would only repeat it. The alert is built from the entry and the exception's class
     * alone, never from its message or the local state, so every replica records the same one.
     */
    public Outcome applyFailed(long revision, LogEntry entry, RuntimeException e) {
        lock.writeLock().lock();
        try {
            lastRevision = Math.max(lastRevision, revision);
            return failedLocked(revision, entry, e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Outcome failedLocked(long revision, LogEntry entry, RuntimeException e) {
        LOG.error("log entry at revision {} could not be applied", revision, e);
        CscsException reason = new CscsException(ErrorCode.INTERNAL, "the " + entry.kind().wire()
                + " entry at revision " + revision + " could not be applied (" + e.getClass().getName() + "); see the node logs");
        addAlert(new Alert(revision, entry.time(), entry.origin(), reason.code().code(),
                reason.getMessage(), Digest.of(LogEntryCodec.encode(entry)).toString(), 0));
        return new Outcome.Rejected(reason);
    }

    private Outcome applyLocked(long revision, LogEntry entry) {
        return switch (entry.kind()) {
            case SUBMIT -> submit(revision, (LogEntry.Submit) entry);
            case ALERT -> {
                LogEntry.RecordAlert a = (LogEntry.RecordAlert) entry;
                addAlert(new Alert(revision, a.time(), a.origin(), a.code(), a.message(), a.subject(), a.repeated()));
                yield new Outcome.Recorded(revision);
            }
            case JOIN -> join(revision, (LogEntry.Join) entry);
            case FRESHNESS -> fresh(revision, (LogEntry.SignedFreshness) entry);
            case STATUS -> recordStatus(revision, (LogEntry.ReportStatus) entry);
            case STATUSES -> {
                // each report stands alone: one that fails its check is an alert and refuses the batch's answer,
                // while the others are recorded, the same on every replica
                Outcome outcome = new Outcome.Recorded(revision);
                for (LogEntry.ReportStatus r : ((LogEntry.ReportStatuses) entry).reports()) {
                    Outcome o = recordStatus(revision, r);
                    outcome = o instanceof Outcome.Rejected && outcome instanceof Outcome.Recorded ? o : outcome;
                }
                yield outcome;
            }
        };
    }

    private Outcome submit(long revision, LogEntry.Submit s) {
        try {
            Accepted a = chains.accept(s.changeset());
            StoredChangeset stored = new StoredChangeset(revision, s.changeset(), a.digest());
            record(stored);
            return new Outcome.Accepted(stored);
        } catch (CscsException e) {
            addAlert(new Alert(revision, s.received(), s.origin(), e.code().code(), e.getMessage(),
                    ChangesetCodec.digest(s.changeset().body()).toString(), 0));
            return new Outcome.Rejected(e);
        }
    }

    private Outcome recordStatus(long revision, LogEntry.ReportStatus r) {
        try {
            boolean signed = StatusSignatures.check(r, nodesLocked().get(r.node()));
            StatusNotices.raised(revision, statuses.previous(r.node()), r).forEach(this::addAlert);
            statuses.take(revision, r, signed);
            return new Outcome.Recorded(revision);
        } catch (CscsException e) {
            addAlert(new Alert(revision, r.time(), r.node(), e.code().code(), e.getMessage(), "status of " + r.node(), 0));
            return new Outcome.Rejected(new CscsException(e.code(), "the status report of " + r.node() + ": " + e.getMessage()));
        }
    }

    private Outcome fresh(long revision, LogEntry.SignedFreshness f) {
        try {
            freshness.check(f.freshness(), nodesLocked().get(f.freshness().node()));
            freshness.take(revision, f.freshness());
            return new Outcome.Recorded(revision);
        } catch (CscsException e) {
            addAlert(new Alert(revision, f.time(), f.origin(), e.code().code(), e.getMessage(), "freshness of " + f.origin(), 0));
            return new Outcome.Rejected(e);
        }
    }

    private Outcome join(long revision, LogEntry.Join j) {
        try {
            joins.accept(revision, j, chains.policy());
            return new Outcome.Recorded(revision);
        } catch (CscsException e) {
            addAlert(new Alert(revision, j.received(), j.origin(), e.code().code(), e.getMessage(),
                    "join token " + j.token().id(), 0));
            return new Outcome.Rejected(e);
        }
    }

    /** The leader's check of a join before it reaches the log (the same check runs again on apply). */
    public void checkJoin(JoinToken token, Instant now) {
        lock.readLock().lock();
        try {
            joins.check(token, chains.policy(), now);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The API's check of a status report before it reaches the log: over the API only a node
     * whose key the cluster knows (it joined with a token, or the registry names its key) may
     * report, signed by that key. Reports of bootstrap nodes without a key come from their own
     * daemon through Raft, never through this check.
     */
    public void checkReport(LogEntry.ReportStatus r) {
        NodeView n = nodes().get(r.node());
        if (n == null || n.spki() == null) {
            throw new CscsException(ErrorCode.UNKNOWN_KEY, "node " + Names.shown(r.node())
                    + " has no registered key: only a node that joined with a token reports its status over the API");
        }
        StatusSignatures.check(r, n);
    }

    /** Every known node: operator registry entries and joins, the later one winning. */
    public Map<String, NodeView> nodes() {
        return read(this::nodesLocked);
    }

    private Map<String, NodeView> nodesLocked() {
        Map<String, NodeView> all = new TreeMap<>(joins.joined());
        for (KeyValue kv : values.getOrDefault(Names.NODES, new TreeMap<>()).values()) {
            String id = kv.key().substring("node/".length());
            NodeView prev = all.get(id);
            if (prev == null || kv.revision() > prev.revision()) {
                all.put(id, NodeViews.fromRegistry(id, kv, prev));
            }
        }
        return all;
    }

    /** Whether each node's latest status report was signed by its registered key. */
    public Map<String, Boolean> statusVerified() {
        return read(statuses::verified);
    }

    public Set<String> usedTokens() {
        return read(joins::usedTokens);
    }

    /**
     * The entries besides changesets that a snapshot must carry, by revision: every accepted join,
     * each node's latest status report and the latest freshness record. Replayed in revision order among the changesets,
     * they re-derive the joined nodes, the used tokens and the verified flags.
     */
    NavigableMap<Long, LogEntry> provenEntries() {
        return read(() -> {
            NavigableMap<Long, LogEntry> out = joins.entries();
            out.putAll(statuses.entries());
            FreshnessLedger.Latest f = freshness.latest();
            if (f != null) {
                out.put(f.revision(), new LogEntry.SignedFreshness(f.freshness()));
            }
            return out;
        });
    }

    private void record(StoredChangeset stored) {
        history.computeIfAbsent(stored.domain(), d -> new ArrayList<>()).add(stored);
        SortedMap<String, KeyValue> kv = values.computeIfAbsent(stored.domain(), d -> new TreeMap<>());
        for (Op op : stored.changeset().body().ops()) {
            if (op instanceof Op.Put) {
                kv.put(op.key(), new KeyValue(op.key(), ((Op.Put) op).value(), stored.seq(), stored.revision()));
            } else {
                kv.remove(op.key());
            }
        }
        recent.put(stored.revision(), stored);
        while (recent.size() > eventHistory) {
            compactedThrough = recent.pollFirstEntry().getKey();
        }
    }

    private void addAlert(Alert a) {
        alerts.addLast(a);
        while (alerts.size() > MAX_ALERTS) {
            alerts.removeFirst();
        }
        if (!a.notice()) {
            rejectionsByCode.merge(a.code(), 1L + a.repeated(), Long::sum);
        }
    }

    /** Verifies {@code cs} as the next link of its chain against the current state, changing nothing. */
    public Accepted check(Changeset cs) {
        lock.readLock().lock();
        try {
            return chains.check(cs);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A copy of the chain state, for the leader's speculative checks of entries not yet applied. */
    public ChainState chainState() {
        return read(chains::copy);
    }

    /**
     * Registers a watcher of {@code domains} (empty: all) from {@code fromRevision}. It first
     * receives what it missed: the changesets after that revision, or, where they were
     * compacted away, a snapshot of the full chains; then every new changeset.
     */
    public Subscription subscribe(Set<String> domains, long fromRevision, Consumer<Delivery> consumer) {
        lock.writeLock().lock();
        try {
            Subscription[] self = new Subscription[1];
            Subscription s = new Subscription(domains, fromRevision, consumer, () -> snapshotFor(self[0]),
                    () -> watchers.remove(self[0]));
            self[0] = s;
            // on the subscriber's thread, before it is registered: nothing published can overtake it
            if (fromRevision >= compactedThrough) {
                s.deliverNow(new Delivery.Events(new ArrayList<>(recent.tailMap(fromRevision, false).values())));
            } else {
                s.deliverNow(new Delivery.Snapshot(lastRevision, fullChains(s)));
            }
            FreshnessLedger.Latest f = freshness.latest();
            if (f != null) {
                // after everything before it, so a device can tell whether the heads it signs were all delivered
                s.deliverNow(new Delivery.Fresh(f.revision(), f.freshness()));
            }
            watchers.add(s);
            return s;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Delivery.Snapshot snapshotFor(Subscription s) {
        return read(() -> new Delivery.Snapshot(lastRevision, fullChains(s)));
    }

    private List<StoredChangeset> fullChains(Subscription s) {
        List<StoredChangeset> all = new ArrayList<>();
        history.forEach((domain, chain) -> {
            if (s.wants(domain)) {
                all.addAll(chain);
            }
        });
        all.sort((a, b) -> Long.compare(a.revision(), b.revision()));
        return all;
    }

    /**
     * Takes over the whole state of {@code other} (a snapshot installed from the leader), and
     * tells every watcher, who receives the new full state as a snapshot delivery.
     */
    public void resetFrom(ConfigStore other) {
        if (!other.genesis.digest().equals(genesis.digest())) {
            throw new IllegalArgumentException("a store of another cluster");
        }
        lock.writeLock().lock();
        try {
            other.lock.readLock().lock();
            try {
                chains = other.chains.copy();
                history.clear();
                other.history.forEach((d, chain) -> history.put(d, new ArrayList<>(chain)));
                values.clear();
                other.values.forEach((d, kv) -> values.put(d, new TreeMap<>(kv)));
                recent.clear();
                recent.putAll(other.recent);
                compactedThrough = Math.max(compactedThrough, other.compactedThrough);
                alerts.clear();
                alerts.addAll(other.alerts);
                rejectionsByCode.clear();
                rejectionsByCode.putAll(other.rejectionsByCode);
                statuses.resetFrom(other.statuses);
                joins.resetFrom(other.joins);
                freshness.reset(other.freshness.latest());
                lastRevision = other.lastRevision;
            } finally {
                other.lock.readLock().unlock();
            }
            // taken on the publisher thread, so it is ordered after every event published before it
            watchers.publishEach(this::snapshotFor);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Restores what a snapshot holds that no signature proves: the alerts and the rejection
     * counts (reports, never used to decide anything), and the snapshot's own revision. Only
     * {@link SnapshotCodec} calls this, after it replayed every proven entry.
     */
    void restoreRecords(long revision, List<Alert> savedAlerts, Map<String, Long> counts) {
        lock.writeLock().lock();
        try {
            if (revision < lastRevision) {
                throw new IllegalStateException("snapshot revision " + revision + " is before its last entry " + lastRevision);
            }
            lastRevision = revision;
            alerts.clear();
            alerts.addAll(savedAlerts);
            rejectionsByCode.clear();
            rejectionsByCode.putAll(counts);
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ---- reads ----

    public long lastRevision() {
        return read(() -> lastRevision);
    }

    public StoredChangeset genesis() {
        return genesis;
    }

    public TrustPolicy policy() {
        return read(chains::policy);
    }

    public Head head(String domain) {
        return read(() -> chains.head(domain));
    }

    public Map<String, Head> heads() {
        return read(() -> new TreeMap<>(chains.heads()));
    }

    /** The current values of a domain, by key. */
    public SortedMap<String, KeyValue> values(String domain) {
        return read(() -> Collections.unmodifiableSortedMap(new TreeMap<>(values.getOrDefault(domain, new TreeMap<>()))));
    }

    /** A domain's chain from {@code fromSeq} on, at most {@code limit} changesets. */
    public List<StoredChangeset> changesets(String domain, long fromSeq, int limit) {
        return read(() -> {
            List<StoredChangeset> out = new ArrayList<>();
            for (StoredChangeset s : history.getOrDefault(domain, List.of())) {
                if (s.seq() >= fromSeq && out.size() < limit) {
                    out.add(s);
                }
            }
            return out;
        });
    }

    /** Every stored changeset in revision order (audit, snapshots). */
    public List<StoredChangeset> allChangesets() {
        return read(() -> {
            List<StoredChangeset> all = new ArrayList<>();
            history.values().forEach(all::addAll);
            all.sort((a, b) -> Long.compare(a.revision(), b.revision()));
            return all;
        });
    }

    public List<Alert> alerts() {
        return read(() -> new ArrayList<>(alerts));
    }

    public Map<String, Long> rejectionsByCode() {
        return read(() -> new TreeMap<>(rejectionsByCode));
    }

    /** The latest signed freshness record, if the log holds one. */
    public Optional<Delivery.Fresh> freshness() {
        return read(() -> Optional.ofNullable(freshness.latest()).map(l -> new Delivery.Fresh(l.revision(), l.freshness())));
    }

    public Map<String, LogEntry.ReportStatus> status() {
        return read(statuses::latest);
    }

    private <T> T read(Supplier<T> f) {
        lock.readLock().lock();
        try {
            return f.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    static CscsException unknownDomain(String domain) {
        return new CscsException(ErrorCode.NOT_FOUND, "domain " + Names.shown(domain) + " has no chain");
    }
}
