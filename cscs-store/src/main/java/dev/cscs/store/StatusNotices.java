package dev.cscs.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The conditions a device reports that are worth an alert of their own: it is stale (it heard no
 * signed freshness record lately), or its server withheld changesets. Alerted when a report first
 * has one, not on every report while it lasts; derived from the reports in the log alone, so every
 * replica records the same alerts.
 */
final class StatusNotices {
    private static final Set<String> ALERTED = Set.of(ErrorCode.STALE.code(), ErrorCode.WITHHELD.code());
    private static final int MAX_MESSAGE = 500;

    private StatusNotices() {
    }

    /** The alert, at {@code revision}, of each alerted condition that {@code next} reports and {@code previous} did not. */
    static List<Alert> raised(long revision, LogEntry.ReportStatus previous, LogEntry.ReportStatus next) {
        Set<String> before = previous == null ? Set.of() : codes(previous.report());
        List<Alert> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode p : next.report().path("errors")) {
            String code = p.path("code").asText("");
            if (ALERTED.contains(code) && !before.contains(code) && seen.add(code)) {
                String message = p.path("message").asText("");
                out.add(new Alert(revision, next.time(), next.node(), code, "node " + next.node() + ": "
                        + (message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message),
                        "status of " + next.node(), 0));
            }
        }
        return out;
    }

    private static Set<String> codes(JsonNode report) {
        Set<String> out = new HashSet<>();
        report.path("errors").forEach(p -> out.add(p.path("code").asText("")));
        return out;
    }
}
