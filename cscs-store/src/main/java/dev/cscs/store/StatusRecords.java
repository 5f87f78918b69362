package dev.cscs.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Each node's latest status report, whether its registered key signed it, and the revision that
 * recorded it, so that a snapshot carries the reports where they were applied and a restore checks
 * each signature again. Guarded by the store's lock.
 */
final class StatusRecords {
    private final Map<String, LogEntry.ReportStatus> latest = new TreeMap<>();
    private final Map<String, Boolean> verified = new TreeMap<>();
    private final Map<String, Long> revisions = new TreeMap<>();

    /** The node's report before {@code r}, or {@code null}. */
    LogEntry.ReportStatus previous(String node) {
        return latest.get(node);
    }

    void take(long revision, LogEntry.ReportStatus r, boolean signed) {
        verified.put(r.node(), signed);
        latest.put(r.node(), r);
        revisions.put(r.node(), revision);
    }

    Map<String, LogEntry.ReportStatus> latest() {
        return new TreeMap<>(latest);
    }

    Map<String, Boolean> verified() {
        return new TreeMap<>(verified);
    }

    /** The reports by revision; those one batch recorded share its revision and go back as one batch. */
    NavigableMap<Long, LogEntry> entries() {
        NavigableMap<Long, List<LogEntry.ReportStatus>> byRevision = new TreeMap<>();
        revisions.forEach((node, revision) -> byRevision.computeIfAbsent(revision, r -> new ArrayList<>()).add(latest.get(node)));
        NavigableMap<Long, LogEntry> out = new TreeMap<>();
        byRevision.forEach((revision, reports) -> out.put(revision,
                reports.size() == 1 ? reports.get(0) : new LogEntry.ReportStatuses(reports)));
        return out;
    }

    void resetFrom(StatusRecords other) {
        latest.clear();
        latest.putAll(other.latest);
        verified.clear();
        verified.putAll(other.verified);
        revisions.clear();
        revisions.putAll(other.revisions);
    }
}
