package dev.cscs.store.raft;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.store.LogEntry;
import dev.cscs.store.LogEntryCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Group commit for status reports. One batch is in the log's hands at a time; the reports
 * that arrive meanwhile wait, the newest per node replacing an older one, and all that waited
 * go as the next single entry once it is done. So a fleet of N devices acknowledging a change
 * costs a few log entries instead of N: with one entry per report, a node 6,000 entries behind
 * missed changes its watchers were owed (issue 11). A quiet node sends each report at once.
 */
final class StatusBatcher {
    /** A batch still unanswered after this lets the next one go (Ratis retries on its own). */
    static final Duration IN_FLIGHT_LIMIT = Duration.ofSeconds(30);

    private final Function<byte[], CompletableFuture<Long>> send;
    private final int maxEntryBytes;
    private final Executor proposer;
    private final Map<String, Waiting> waiting = new LinkedHashMap<>();
    private boolean inFlight;
    private long submitted;
    private long proposed;

    private record Waiting(LogEntry.ReportStatus report, CompletableFuture<Long> answer) {
        /** A newer report of the same node took this one's place before it reached the log. */
        void supersede() {
            answer.completeExceptionally(new CscsException(ErrorCode.UNAVAILABLE,
                    "superseded by a newer status report from " + report.node() + " before it reached the log"));
        }
    }

    /**
     * {@code send} proposes one encoded entry; an entry never exceeds {@code maxEntryBytes} unless one
     * report alone does. The next batch is proposed on {@code proposer}, never on the thread that
     * completed the last one: that is Ratis' own, and its client may block a sender for a permit.
     */
    StatusBatcher(Function<byte[], CompletableFuture<Long>> send, int maxEntryBytes, Executor proposer) {
        this.send = send;
        this.maxEntryBytes = maxEntryBytes;
        this.proposer = proposer;
    }

    /** Completes once the entry holding {@code report} is applied, or with why it was not. */
    CompletableFuture<Long> submit(LogEntry.ReportStatus report) {
        CompletableFuture<Long> answer = new CompletableFuture<>();
        Waiting superseded;
        List<Waiting> batch;
        synchronized (this) {
            submitted++;
            superseded = waiting.remove(report.node());
            waiting.put(report.node(), new Waiting(report, answer));
            batch = takeBatch();
        }
        if (superseded != null) {
            superseded.supersede();
        }
        propose(batch);
        return answer;
    }

    /** How many reports wait for the batch in flight. */
    synchronized int waiting() {
        return waiting.size();
    }

    /** Reports submitted and log entries proposed for them, since the start: their ratio is the batching. */
    synchronized RaftNode.StatusCounts counts() {
        return new RaftNode.StatusCounts(submitted, proposed);
    }

    /** The next batch, oldest first, if none is in flight. */
    private synchronized List<Waiting> takeBatch() {
        if (inFlight || waiting.isEmpty()) {
            return null;
        }
        inFlight = true;
        List<Waiting> batch = new ArrayList<>();
        for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext() && batch.size() < LogEntryCodec.MAX_REPORTS; ) {
            batch.add(it.next());
            it.remove();
        }
        return batch;
    }

    private void propose(List<Waiting> batch) {
        if (batch == null) {
            return;
        }
        CompletableFuture<Long> applied;
        try { // whatever fails here fails this batch, never the batches after it
            byte[] entry = encode(batch);
            synchronized (this) {
                proposed++;
            }
            applied = send.apply(entry).orTimeout(IN_FLIGHT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            applied = CompletableFuture.failedFuture(e);
        }
        applied.whenComplete((reply, error) -> {
            for (Waiting w : batch) {
                if (error == null) {
                    w.answer.complete(reply);
                } else {
                    w.answer.completeExceptionally(error);
                }
            }
            List<Waiting> next;
            synchronized (this) {
                inFlight = false;
                next = takeBatch();
            }
            if (next != null) {
                try {
                    proposer.execute(() -> propose(next));
                } catch (RejectedExecutionException e) { // the node is closing
                    next.forEach(w -> w.answer.completeExceptionally(new CscsException(ErrorCode.UNAVAILABLE, "the node is closing")));
                }
            }
        });
    }

    /**
     * The batch as one entry; one that would be too large keeps its first half and gives the
     * rest back to wait for the next round (rare: reports are small, the limit is a megabyte).
     */
    private byte[] encode(List<Waiting> batch) {
        while (true) {
            byte[] entry = LogEntryCodec.encode(batch.size() == 1 ? batch.get(0).report
                    : new LogEntry.ReportStatuses(batch.stream().map(Waiting::report).toList()));
            if (entry.length <= maxEntryBytes || batch.size() == 1) {
                return entry;
            }
            List<Waiting> rest = new ArrayList<>(batch.subList(batch.size() / 2, batch.size()));
            batch.subList(batch.size() / 2, batch.size()).clear();
            giveBack(rest);
        }
    }

    private void giveBack(List<Waiting> rest) {
        List<Waiting> superseded = new ArrayList<>();
        synchronized (this) {
            for (Waiting w : rest) {
                if (waiting.putIfAbsent(w.report.node(), w) != null) {
                    superseded.add(w);
                }
            }
        }
        superseded.forEach(Waiting::supersede);
    }
}
