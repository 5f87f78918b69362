package dev.cscs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.applier.Applier;
import dev.cscs.agent.applier.Appliers;
import dev.cscs.agent.applier.ApplyContext;
import dev.cscs.agent.applier.Reachability;
import dev.cscs.agent.feed.ChangesetFeed;
import dev.cscs.agent.feed.FeedSubscription;
import dev.cscs.agent.os.CommandRunner;
import dev.cscs.agent.os.SshdCheckRunner;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.agent.status.StatusSink;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Labels;
import dev.cscs.core.model.Names;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The level-triggered reconcile loop of DESIGN.md §4, after consul-template's runner: a feed
 * event wakes it (at once for a lone change; a burst settles first, {@link Quiescence}), and it reconciles everything
 * against its own verified view of the source; a periodic reconcile finds and corrects drift.
 *
 * <p>Every reconcile runs under one lock, on whichever thread triggered it (the scheduler's,
 * or the caller of {@link #reconcileNow()}), so verification, apply and status never overlap.
 * Feed callbacks only queue and poke the quiet-period timer.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private final AgentConfig config;
    private final ChangesetFeed feed;
    private final Clock clock;
    private final Scheduler scheduler;
    private final ScheduledExecutorService ownedExecutor;
    private final Inbox inbox;
    private final Quiescence quiescence;
    private final Verification verification;
    private final ReconcileRound round;
    private final Reconciler reconciler;
    private final StatusPublisher publisher;
    private final AgentMetrics metrics;
    private final Object lock = new Object();
    private volatile StatusReport last;
    private volatile boolean closed;
    private boolean started;
    private long reconciles;
    private FeedSubscription subscription;
    private Scheduler.Cancellable periodic;

    private Agent(Builder b) {
        this.config = b.config;
        this.feed = Objects.requireNonNull(b.feed, "feed");
        this.clock = b.clock;
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cscs-agent-" + config.nodeId());
                t.setDaemon(true);
                return t;
            });
            this.scheduler = Scheduler.of(ownedExecutor);
        }
        Map<String, Applier> known = new LinkedHashMap<>();
        Appliers.all().forEach(a -> known.put(a.name(), a));
        if (b.appliers != null) {
            b.appliers.forEach(a -> known.put(a.name(), a));
        }
        List<Applier> run = new ArrayList<>();
        known.values().stream().filter(a -> config.appliers().contains(a.name())).forEach(run::add);
        ApplyContext ctx = ApplyContext.builder(config.root().toAbsolutePath()).runner(b.runner).clock(clock)
                .live(config.live()).protectedPorts(config.protectedPorts())
                .reachability(b.reachability, config.confirmTimeout()).stateDir(config.stateDir()).build();
        AuditLog audit = new AuditLog(config.auditLog(), clock, config.nodeId());
        FreshnessWatch freshness = new FreshnessWatch(config.maxStaleness(), b.nanos, config.stateDir().resolve("freshness.json"),
                !config.dryRun());
        this.verification = new Verification(Objects.requireNonNull(b.genesis, "genesis"), b.anchor, config.domains(),
                (key, value) -> validate(known, key, value), config.stateDir(), freshness);
        this.publisher = new StatusPublisher(b.sink, clock, config.statusInterval());
        this.metrics = b.metrics;
        this.quiescence = new Quiescence(scheduler, clock, config.quietMin(), config.quietMax(), () -> safely("feed"));
        this.inbox = new Inbox(quiescence::poke);
        this.reconciler = new Reconciler(run, ctx, config.dryRun(), audit);
        this.round = new ReconcileRound(config, b.labels, clock, inbox, verification, reconciler, audit);
    }

    private static void validate(Map<String, Applier> known, String key, JsonNode value) {
        KeyPath k = KeyPath.parse(key);
        Applier a = known.get(k.applier());
        if (a != null) {
            a.validate(k.name(), value);
        }
    }

    public static Builder builder(AgentConfig config) {
        return new Builder(config);
    }

    /**
     * Restores the persisted state, subscribes to the feed from where it stopped, and schedules
     * the first reconcile (after the quiet period) and the periodic one.
     */
    public void start() {
        synchronized (lock) {
            if (started || closed) {
                throw new IllegalStateException("agent already started or closed");
            }
            started = true;
            verification.restore().forEach(round::refused);
            // an apply a crash interrupted is rolled back before anything else, so its skipped checks run again
            reconciler.recoverAll();
            // under the lock: a round that a first delivery triggers may replace the subscription
            subscribe(verification.resumeFrom());
        }
        schedulePeriodic();
        quiescence.poke();
    }

    /** Follows {@code _trust}, {@code _nodes} (the node's labels) and the domains the view follows, from {@code from}; under the lock. */
    private void subscribe(long from) {
        List<String> domains = verification.domains();
        LOG.info("agent {} watching {} from revision {}{}", config.nodeId(), domains, from, config.dryRun() ? " (dry run)" : "");
        List<String> watched = new ArrayList<>(domains);
        watched.add(Names.NODES);
        subscription = feed.subscribe(watched, from, inbox.renew());
    }

    /**
     * After a round whose verified policy and registry give this node other domains (a selector
     * matching its labels, or its labels changed): the view starts again from the genesis for the
     * new list and the feed from revision 0; what is applied stays until that replay is verified.
     */
    private void followWanted() {
        Subscriptions wanted = round.wanted();
        if (wanted == null || wanted.names().equals(verification.domains())) {
            return;
        }
        LOG.info("agent {}: its domains are now {} (were {}): {}", config.nodeId(), wanted.names(), verification.domains(),
                wanted.domains());
        closeSubscription();
        verification.follow(wanted.names());
        subscribe(0);
    }

    private void closeSubscription() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.warn("closing the feed subscription: {}", e.toString());
            }
        }
    }

    /** Reconciles now, on the calling thread, and returns the report; waits for a reconcile in progress. */
    public StatusReport reconcileNow() {
        synchronized (lock) {
            if (!started) {
                throw new IllegalStateException("start the agent first");
            }
        }
        return reconcile("requested");
    }

    /** Asks for a reconcile soon, on the agent's scheduler; returns at once (e.g. from a SIGHUP handler). */
    public void requestReconcile() {
        if (!closed) {
            scheduler.schedule(Duration.ZERO, () -> safely("requested"));
        }
    }

    /** The report of the last reconcile, sent or coalesced. */
    public Optional<StatusReport> lastStatus() {
        return Optional.ofNullable(last);
    }

    /** Stops the timers and the feed, and waits for a reconcile in progress to finish. */
    @Override
    public void close() {
        closed = true;
        quiescence.close();
        synchronized (this) {
            if (periodic != null) {
                periodic.cancel();
            }
        }
        synchronized (lock) {
            // entering the lock waits for a reconcile in progress, which may replace the subscription
            closeSubscription();
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
            try {
                ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How many reconciles ran; for tests that count applies. */
    long reconciles() {
        synchronized (lock) {
            return reconciles;
        }
    }

    private synchronized void schedulePeriodic() {
        if (!closed) {
            periodic = scheduler.schedule(config.reconcileInterval(), () -> {
                try {
                    safely("periodic");
                } finally {
                    schedulePeriodic();
                }
            });
        }
    }

    private void safely(String trigger) {
        try {
            reconcile(trigger);
        } catch (RuntimeException e) {
            // a bug must not stop the loop: the next event or period tries again
            LOG.error("reconcile ({}) failed", trigger, e);
        }
    }

    private StatusReport reconcile(String trigger) {
        synchronized (lock) {
            if (closed) {
                return last;
            }
            reconciles++;
            StatusReport report = round.run();
            followWanted();
            verification.abandonSource().ifPresent(why -> {
                LOG.warn("agent {}: leaving its source: {}", config.nodeId(), why);
                subscription.abandonSource(why);
            });
            last = report;
            metrics.reconciled(report);
            LOG.debug("reconcile ({}): {}", trigger, report.appliers());
            publisher.offer(report);
            return report;
        }
    }

    /** The injected collaborators; only the genesis and the feed are required. */
    public static final class Builder {
        private final AgentConfig config;
        private Changeset genesis;
        private Digest anchor;
        private ChangesetFeed feed;
        private StatusSink sink = StatusSink.discarding();
        private Reachability reachability = Reachability.assumed();
        private CommandRunner runner = SshdCheckRunner.system();
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler;
        private List<Applier> appliers;
        private AgentMetrics metrics = AgentMetrics.none();
        private Labels labels = Labels.NONE;
        private LongSupplier nanos = System::nanoTime;

        private Builder(AgentConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The trust root this node was provisioned with; {@code anchor}, if given, must be its digest. */
        public Builder genesis(Changeset g, Digest a) {
            this.genesis = g;
            this.anchor = a;
            return this;
        }

        /** The labels the node was provisioned with (its join token's); its {@code _nodes} record's win. */
        public Builder labels(Labels l) {
            this.labels = Objects.requireNonNull(l);
            return this;
        }

        public Builder feed(ChangesetFeed f) {
            this.feed = f;
            return this;
        }

        public Builder statusSink(StatusSink s) {
            this.sink = Objects.requireNonNull(s);
            return this;
        }

        /** Told of every round's report (applier results, drift, seqs); default: nobody. */
        public Builder metrics(AgentMetrics m) {
            this.metrics = Objects.requireNonNull(m);
            return this;
        }

        /** Commit-confirm after a live firewall change; default: always reachable. */
        public Builder reachability(Reachability r) {
            this.reachability = Objects.requireNonNull(r);
            return this;
        }

        public Builder runner(CommandRunner r) {
            this.runner = Objects.requireNonNull(r);
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c);
            return this;
        }

        /** The monotonic clock staleness is measured on; default {@link System#nanoTime}. */
        Builder nanos(LongSupplier n) {
            this.nanos = Objects.requireNonNull(n);
            return this;
        }

        /** Default: a daemon thread the agent owns and stops on close. */
        public Builder scheduler(Scheduler s) {
            this.scheduler = Objects.requireNonNull(s);
            return this;
        }

        /** Replaces appliers of the same name (tests: a scripted applier). */
        Builder appliers(List<Applier> a) {
            this.appliers = List.copyOf(a);
            return this;
        }

        /** Throws when the genesis does not verify or is not the anchor. */
        public Agent build() {
            return new Agent(this);
        }
    }
}
