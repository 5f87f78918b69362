package dev.cscs.agent;

import dev.cscs.agent.status.StatusReport;

/**
 * Told of every reconcile's report, to count applier results and drift and to show the
 * applied and head seq of each chain. The agent depends on no metrics library: the server
 * module implements this with the Prometheus client. It runs on the reconcile thread, so it
 * must be quick and must not throw.
 */
public interface AgentMetrics {
    void reconciled(StatusReport report);

    static AgentMetrics none() {
        return report -> { };
    }
}
