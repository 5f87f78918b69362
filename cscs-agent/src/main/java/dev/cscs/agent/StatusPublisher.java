package dev.cscs.agent;

import dev.cscs.agent.status.StatusReport;
import dev.cscs.agent.status.StatusSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces status reports: one that says something new (heads, applier results, errors) goes
 * out at once; one that only repeats the last goes out at most once per interval, as a
 * heartbeat. A fleet of thousands reconciling every minute must not write to the cluster
 * every minute each for nothing.
 */
final class StatusPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(StatusPublisher.class);
    private final StatusSink sink;
    private final Clock clock;
    private final Duration interval;
    private StatusReport lastSent;
    private Instant lastSentAt;

    StatusPublisher(StatusSink sink, Clock clock, Duration interval) {
        this.sink = sink;
        this.clock = clock;
        this.interval = interval;
    }

    /** Sends {@code report} unless it repeats the last one within the interval; returns whether it was sent. */
    synchronized boolean offer(StatusReport report) {
        Instant now = clock.instant();
        if (report.sameContent(lastSent) && now.isBefore(lastSentAt.plus(interval))) {
            return false;
        }
        lastSent = report;
        lastSentAt = now;
        try {
            sink.report(report);
        } catch (RuntimeException e) {
            // the next report is the retry
            LOG.warn("status sink failed: {}", e.toString());
        }
        return true;
    }
}
