package dev.cscs.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.model.Changeset;

/** What the Raft log holds. Every entry is decoded strictly; nothing else is ever applied. */
public sealed interface LogEntry permits LogEntry.Submit, LogEntry.RecordAlert, LogEntry.ReportStatus {
    /** A changeset submitted through {@code origin} at {@code received} (RFC 3339). */
    record Submit(String origin, String received, Changeset changeset) implements LogEntry {
    }

    /** A rejection seen before the log (HTTP parsing, or the leader's check), recorded by {@code origin}. */
    record RecordAlert(String origin, String time, String code, String message, String subject, int repeated)
            implements LogEntry {
    }

    /** A node's signed status report; the store keeps the latest per node. */
    record ReportStatus(String node, String time, JsonNode report) implements LogEntry {
    }
}
