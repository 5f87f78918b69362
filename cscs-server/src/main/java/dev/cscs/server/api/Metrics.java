package dev.cscs.server.api;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.store.raft.RaftInfo;
import dev.cscs.store.raft.RaftNode;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/**
 * A cluster node's own figures on top of its {@link Exposition}: Raft as this node sees it,
 * the store's head seq per chain, and what this node's API did. Nothing here is read from the
 * replicated alerts: a refusal is counted once, by the node that answered the client, so
 * {@code sum()} over the nodes is the cluster's total.
 */
public final class Metrics {
    private final Exposition exposition;
    private final Histogram submitLatency;
    private final Counter accepted;
    private final Counter rejections;
    private final Counter rateLimited;
    private final Gauge watchers;

    Metrics(Exposition exposition, RaftNode raft) {
        this.exposition = exposition;
        PrometheusRegistry r = exposition.registry();
        submitLatency = Histogram.builder().name("cscs_submit_latency_seconds").classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .help("Submission latency through this node, request to commit and apply.").register(r);
        accepted = Counter.builder().name("cscs_changesets_accepted_total")
                .help("Changesets submitted through this node and committed.").register(r);
        rejections = Counter.builder().name("cscs_rejections_total")
                .help("Requests this node answered with an error, by error code (as in the JSON error's code; every code from 0).")
                .labelNames("code").register(r);
        // every code at 0 from the start: increase() would miss the first refusal of a series that appears at 1
        for (ErrorCode code : ErrorCode.values()) {
            rejections.labelValues(code.code());
        }
        rateLimited = Counter.builder().name("cscs_rate_limited_total")
                .help("Requests refused with 429 by this node.").register(r);
        watchers = Gauge.builder().name("cscs_watchers").help("Open watch streams on this node.").register(r);
        r.register(new RaftCollector(() -> info(raft)));
        CounterWithCallback.builder().name("cscs_raft_leader_changes_total")
                .help("New leaders (or loss of the leader) this node was told of since it started.")
                .callback(cb -> cb.call(raft.leaderChanges())).register(r);
        CounterWithCallback.builder().name("cscs_status_reports_total")
                .help("Status reports submitted through this node (its own and its edge agents').")
                .callback(cb -> cb.call(raft.statusCounts().reports())).register(r);
        CounterWithCallback.builder().name("cscs_status_entries_total")
                .help("Raft log entries this node proposed to carry them: batched, so far fewer than the reports.")
                .callback(cb -> cb.call(raft.statusCounts().entries())).register(r);
        GaugeWithCallback.builder().name("cscs_domain_head_seq").help("The newest seq of each chain in this node's store.")
                .labelNames("domain").callback(cb -> raft.store().heads().forEach((d, h) -> cb.call(h.seq(), d))).register(r);
    }

    /** Raft as this node sees it, or null while the group is not running. */
    private static RaftInfo info(RaftNode raft) {
        try {
            return raft.info();
        } catch (CscsException e) {
            return null;
        }
    }

    public Exposition exposition() {
        return exposition;
    }

    void observeSubmit(long nanos) {
        submitLatency.observe(nanos / 1e9);
        accepted.inc();
    }

    void rejected(ErrorCode code) {
        rejections.labelValues(code.code()).inc();
    }

    void watcherOpened() {
        watchers.inc();
    }

    void watcherClosed() {
        watchers.dec();
    }

    /** The watch events this node encoded: one per event and node however many watchers it has. */
    void watchEncodes(LongSupplier encoded) {
        CounterWithCallback.builder().name("cscs_watch_events_encoded_total")
                .help("Watch events this node encoded for its watchers; once per event, however many watchers receive it.")
                .callback(cb -> cb.call(encoded.getAsLong())).register(exposition.registry());
    }

    void rateLimited() {
        rateLimited.inc();
    }
}
