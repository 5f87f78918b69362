package dev.cscs.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Signature;
import dev.cscs.core.trust.JoinToken;

/** What the Raft log holds. Every entry is decoded strictly; nothing else is ever applied. */
public sealed interface LogEntry permits LogEntry.Submit, LogEntry.RecordAlert, LogEntry.ReportStatus, LogEntry.Join {
    /** A changeset submitted through {@code origin} at {@code received} (RFC 3339). */
    record Submit(String origin, String received, Changeset changeset) implements LogEntry {
    }

    /** A rejection seen before the log (HTTP parsing, or the leader's check), recorded by {@code origin}. */
    record RecordAlert(String origin, String time, String code, String message, String subject, int repeated)
            implements LogEntry {
    }

    /**
     * A node's status report, signed by the node's key over {@code "cscs-status-v1\n" || JCS(report)};
     * the store keeps the latest per node.
     */
    record ReportStatus(String node, String time, JsonNode report, Signature signature) implements LogEntry {
    }

    /** A node presenting an admin-signed join token, received by {@code origin}; {@code raft} is where it listens. */
    record Join(String origin, String received, JoinToken token, String raft) implements LogEntry {
    }
}
