package dev.cscs.agent.status;

/**
 * Where status reports go: the local store ({@code _status/<node>}) on a server, an HTTP POST
 * on an edge agent. Called on the agent's reconcile thread, so implementations hand the report
 * off and return; a failure is theirs to log, and the next report is the retry.
 */
@FunctionalInterface
public interface StatusSink {
    void report(StatusReport report);

    /** Drops every report: an agent nobody watches (tests, one-off runs). */
    static StatusSink discarding() {
        return r -> {
        };
    }
}
