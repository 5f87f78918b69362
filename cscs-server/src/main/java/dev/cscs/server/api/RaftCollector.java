package dev.cscs.server.api;

import dev.cscs.store.raft.RaftInfo;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code cscs_raft_*} gauges from one {@link RaftInfo} per scrape: read once, so a scrape is
 * one moment of Raft and never shows, say, an applied index past the commit index it shows
 * (each read separately, the applier could move between the two). No sample but the roles (all
 * 0) while the group is not running.
 */
final class RaftCollector implements MultiCollector {
    private static final List<String> ROLES = List.of("leader", "follower", "candidate", "listener");
    private static final String TERM = "cscs_raft_term";
    private static final String COMMIT = "cscs_raft_commit_index";
    private static final String APPLIED = "cscs_raft_applied_index";
    private static final String HAS_LEADER = "cscs_raft_has_leader";
    private static final String ROLE = "cscs_raft_role";
    private final Supplier<RaftInfo> info;

    /** @param info this node's Raft now, or null while the group is not running */
    RaftCollector(Supplier<RaftInfo> info) {
        this.info = info;
    }

    @Override
    public MetricSnapshots collect() {
        RaftInfo now = info.get();
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        if (now != null) {
            all.metricSnapshot(gauge(TERM, "Current Raft term as this node knows it.", now.term()));
            all.metricSnapshot(gauge(COMMIT, "Raft commit index on this node.", now.commitIndex()));
            all.metricSnapshot(gauge(APPLIED, "Last log index this node applied to its state machine.", now.appliedIndex()));
            all.metricSnapshot(gauge(HAS_LEADER, "1 when this node knows a leader, else 0.", now.leaderId() == null ? 0 : 1));
        }
        GaugeSnapshot.Builder role = GaugeSnapshot.builder().name(ROLE).help("Raft role of this node (1 for the current role).");
        String current = now == null ? "" : now.role();
        for (String each : ROLES) {
            role.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("role", each)).value(each.equals(current) ? 1 : 0).build());
        }
        return all.metricSnapshot(role.build()).build();
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(TERM, COMMIT, APPLIED, HAS_LEADER, ROLE);
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }
}
