package dev.cscs.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.store.raft.RaftInfo;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RaftCollectorTest {
    @Test
    void oneScrapeReadsRaftOnceSoItsIndexesAreOneMoment() {
        AtomicInteger reads = new AtomicInteger();
        // Raft moving on between reads: each read applies what the one before committed
        RaftCollector c = new RaftCollector(() -> {
            int n = reads.incrementAndGet();
            return new RaftInfo("n1", "follower", 3, "n2", 10L * n + 10, 10L * n, true);
        });
        Map<String, Double> got = values(c.collect());
        assertThat(reads).hasValue(1);
        assertThat(got).containsEntry("cscs_raft_term", 3.0).containsEntry("cscs_raft_commit_index", 20.0)
                .containsEntry("cscs_raft_applied_index", 10.0).containsEntry("cscs_raft_has_leader", 1.0)
                .containsEntry("cscs_raft_role{role=follower}", 1.0).containsEntry("cscs_raft_role{role=leader}", 0.0);
        assertThat(c.getPrometheusNames()).containsExactlyInAnyOrderElementsOf(
                got.keySet().stream().map(k -> k.replaceAll("\\{.*", "")).distinct().toList());
    }

    @Test
    void aGroupThatIsNotRunningShowsOnlyTheRolesAllAtZero() {
        Map<String, Double> got = values(new RaftCollector(() -> null).collect());
        assertThat(got).containsOnlyKeys("cscs_raft_role{role=leader}", "cscs_raft_role{role=follower}",
                "cscs_raft_role{role=candidate}", "cscs_raft_role{role=listener}").allSatisfy((k, v) -> assertThat(v).isZero());
    }

    private static Map<String, Double> values(MetricSnapshots snapshots) {
        Map<String, Double> all = new TreeMap<>();
        for (MetricSnapshot s : snapshots) {
            for (DataPointSnapshot d : s.getDataPoints()) {
                String labels = d.getLabels().isEmpty() ? "" : "{" + d.getLabels().getName(0) + "=" + d.getLabels().getValue(0) + "}";
                all.put(s.getMetadata().getPrometheusName() + labels, ((GaugeSnapshot.GaugeDataPointSnapshot) d).getValue());
            }
        }
        return all;
    }
}
