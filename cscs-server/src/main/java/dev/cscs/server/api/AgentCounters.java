package dev.cscs.server.api;

import dev.cscs.agent.AgentMetrics;
import dev.cscs.agent.status.ApplierState;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.agent.status.StatusReport.ApplierStatus;
import dev.cscs.agent.status.StatusReport.DomainHead;
import dev.cscs.core.error.ErrorCode;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The agent's figures, from each reconcile's report: applier runs by result, drift corrections,
 * whether it is stale or its server withholds, and per chain the seq applied (and, on an edge
 * agent, the head it has verified). The seq gauges show the last report's chains only, so a
 * domain no longer watched disappears.
 */
final class AgentCounters implements AgentMetrics {
    private final Counter runs;
    private final Counter drift;
    private volatile StatusReport last;

    AgentCounters(PrometheusRegistry registry, boolean withHeads) {
        runs = Counter.builder().name("cscs_applier_runs_total")
                .help("Applier runs by this node's agent, by result (in-sync, applied, drift-corrected, failed, dry-run, skipped).")
                .labelNames("applier", "result").register(registry);
        drift = Counter.builder().name("cscs_drift_corrected_total")
                .help("Applier runs that found the system changed outside cscs and put the configuration back.")
                .labelNames("applier").register(registry);
        GaugeWithCallback.builder().name("cscs_domain_applied_seq")
                .help("The seq of each chain this node's agent has applied (0: none yet).").labelNames("domain")
                .callback(cb -> (last == null ? List.<DomainHead>of() : last.applied()).forEach(h -> cb.call(h.seq(), h.domain())))
                .register(registry);
        GaugeWithCallback.builder().name("cscs_agent_stale")
                .help("1 while this agent has heard no signed freshness record for longer than agent.maxStaleness.")
                .callback(cb -> cb.call(reports(ErrorCode.STALE))).register(registry);
        GaugeWithCallback.builder().name("cscs_agent_source_withheld")
                .help("1 while a signed freshness record shows this agent's server giving it less than the cluster signed.")
                .callback(cb -> cb.call(reports(ErrorCode.WITHHELD))).register(registry);
        if (withHeads) {
            GaugeWithCallback.builder().name("cscs_domain_head_seq")
                    .help("The newest seq of each chain this agent has received and verified.").labelNames("domain")
                    .callback(cb -> (last == null ? List.<DomainHead>of() : last.heads()).forEach(h -> cb.call(h.seq(), h.domain())))
                    .register(registry);
        }
    }

    private double reports(ErrorCode code) {
        StatusReport r = last;
        return r != null && r.errors().stream().anyMatch(p -> p.code().equals(code.code())) ? 1 : 0;
    }

    @Override
    public void reconciled(StatusReport report) {
        for (ApplierStatus a : report.appliers()) {
            // the series alerts watch exist at 0 from the first round on, so increase() sees the first failure or drift
            runs.labelValues(a.applier(), ApplierState.FAILED.wire());
            var corrected = drift.labelValues(a.applier());
            runs.labelValues(a.applier(), a.state().wire()).inc();
            if (a.state() == ApplierState.DRIFT_CORRECTED) {
                corrected.inc();
            }
        }
        last = report;
    }
}
