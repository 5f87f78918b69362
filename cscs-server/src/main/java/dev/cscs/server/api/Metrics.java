package dev.cscs.server.api;

import dev.cscs.store.ConfigStore;
import dev.cscs.store.raft.RaftInfo;
import dev.cscs.store.raft.RaftNode;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Prometheus text exposition, without a metrics library: Raft role, term and indexes,
 * changesets accepted and rejected by reason (cluster-wide, from the replicated store), and
 * the latency of submissions through this node as a histogram.
 */
public final class Metrics {
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private final AtomicLongArray bucketCounts = new AtomicLongArray(BUCKETS.length + 1);
    private final AtomicLong latencyCount = new AtomicLong();
    private final AtomicLong latencyNanos = new AtomicLong();
    private final AtomicLong watchers = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();

    void observeSubmit(long nanos) {
        double seconds = nanos / 1e9;
        int i = 0;
        while (i < BUCKETS.length && seconds > BUCKETS[i]) {
            i++;
        }
        bucketCounts.incrementAndGet(i);
        latencyCount.incrementAndGet();
        latencyNanos.addAndGet(nanos);
    }

    void watcherOpened() {
        watchers.incrementAndGet();
    }

    void watcherClosed() {
        watchers.decrementAndGet();
    }

    void rateLimited() {
        rateLimited.incrementAndGet();
    }

    String render(RaftNode raft) {
        StringBuilder b = new StringBuilder();
        RaftInfo info = raft.info();
        ConfigStore store = raft.store();
        gauge(b, "cscs_raft_term", "Current Raft term.", info.term());
        b.append("# HELP cscs_raft_role Raft role of this node (1 for the current role).\n# TYPE cscs_raft_role gauge\n");
        for (String role : new String[] {"leader", "follower", "candidate", "listener"}) {
            b.append("cscs_raft_role{role=\"").append(role).append("\"} ").append(role.equals(info.role()) ? 1 : 0).append('\n');
        }
        gauge(b, "cscs_raft_commit_index", "Raft commit index.", info.commitIndex());
        gauge(b, "cscs_raft_applied_index", "Last log index applied to the state machine.", info.appliedIndex());
        b.append("# HELP cscs_changesets_accepted_total Changesets in the store's chains (cluster-wide).\n")
                .append("# TYPE cscs_changesets_accepted_total counter\n")
                .append("cscs_changesets_accepted_total ").append(store.allChangesets().size() - 1).append('\n');
        b.append("# HELP cscs_changesets_rejected_total Rejected submissions by reason (cluster-wide, from _alerts).\n")
                .append("# TYPE cscs_changesets_rejected_total counter\n");
        store.rejectionsByCode().forEach((code, n) ->
                b.append("cscs_changesets_rejected_total{reason=\"").append(code).append("\"} ").append(n).append('\n'));
        b.append("# HELP cscs_submit_latency_seconds Submission latency through this node, request to commit and apply.\n")
                .append("# TYPE cscs_submit_latency_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += bucketCounts.get(i);
            b.append("cscs_submit_latency_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
        }
        cumulative += bucketCounts.get(BUCKETS.length);
        b.append("cscs_submit_latency_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        b.append("cscs_submit_latency_seconds_sum ").append(String.format(Locale.ROOT, "%.6f", latencyNanos.get() / 1e9)).append('\n');
        b.append("cscs_submit_latency_seconds_count ").append(latencyCount.get()).append('\n');
        gauge(b, "cscs_watchers", "Open watch streams on this node.", watchers.get());
        metric(b, "counter", "cscs_rate_limited_total", "Requests refused with 429 by this node.", rateLimited.get());
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, long value) {
        metric(b, "gauge", name, help, value);
    }

    private static void metric(StringBuilder b, String type, String name, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ').append(type)
                .append('\n').append(name).append(' ').append(value).append('\n');
    }
}
