package dev.cscs.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.Signature;
import dev.cscs.core.trust.Freshness;
import dev.cscs.core.trust.JoinToken;
import java.util.List;

/** What the Raft log holds. Every entry is decoded strictly; nothing else is ever applied. */
public sealed interface LogEntry permits LogEntry.Submit, LogEntry.RecordAlert, LogEntry.ReportStatus,
        LogEntry.ReportStatuses, LogEntry.Join, LogEntry.SignedFreshness {
    /** An entry's wire type. Switches over it are expressions, so a new kind is a compile error wherever it is not handled. */
    enum Kind {
        SUBMIT("submit"), ALERT("alert"), STATUS("status"), STATUSES("statuses"), JOIN("join"), FRESHNESS("freshness");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        /** The entry's {@code type} field, and its name in messages. */
        public String wire() {
            return wire;
        }
    }

    Kind kind();

    /** The node the entry came through (a status report: the reporting node). */
    String origin();

    /** The time the entry carries (RFC 3339), the same on every replica. */
    String time();

    /** A changeset submitted through {@code origin} at {@code received} (RFC 3339). */
    record Submit(String origin, String received, Changeset changeset) implements LogEntry {
        @Override
        public Kind kind() {
            return Kind.SUBMIT;
        }

        @Override
        public String time() {
            return received;
        }
    }

    /** A rejection seen before the log (HTTP parsing, or the leader's check), recorded by {@code origin}. */
    record RecordAlert(String origin, String time, String code, String message, String subject, int repeated)
            implements LogEntry {
        @Override
        public Kind kind() {
            return Kind.ALERT;
        }
    }

    /**
     * A node's status report, signed by the node's key over {@code "cscs-status-v1\n" || JCS(report)};
     * the store keeps the latest per node.
     */
    record ReportStatus(String node, String time, JsonNode report, Signature signature) implements LogEntry {
        @Override
        public Kind kind() {
            return Kind.STATUS;
        }

        @Override
        public String origin() {
            return node;
        }
    }

    /**
     * Status reports of distinct nodes coalesced into one entry (see {@code StatusBatcher}): a
     * fleet acknowledging a change costs a few entries, not one per device. Each report is
     * checked and recorded on its own, exactly as a {@link ReportStatus} would be.
     */
    record ReportStatuses(List<ReportStatus> reports) implements LogEntry {
        public ReportStatuses {
            if (reports.isEmpty()) {
                throw new IllegalArgumentException("a batch of no status reports");
            }
            reports = List.copyOf(reports);
        }

        @Override
        public Kind kind() {
            return Kind.STATUSES;
        }

        /** The first report's node: the batch came through the node that proposed it, and holds this one. */
        @Override
        public String origin() {
            return reports.get(0).node();
        }

        @Override
        public String time() {
            return reports.get(0).time();
        }
    }

    /** A node presenting an admin-signed join token, received by {@code origin}; {@code raft} is where it listens. */
    record Join(String origin, String received, JoinToken token, String raft) implements LogEntry {
        @Override
        public Kind kind() {
            return Kind.JOIN;
        }

        @Override
        public String time() {
            return received;
        }
    }

    /** The leader's signed freshness record (issue #14): the store keeps the latest and hands it to every watcher. */
    record SignedFreshness(Freshness freshness) implements LogEntry {
        @Override
        public Kind kind() {
            return Kind.FRESHNESS;
        }

        @Override
        public String origin() {
            return freshness.node();
        }

        @Override
        public String time() {
            return freshness.issued().toString();
        }
    }
}
