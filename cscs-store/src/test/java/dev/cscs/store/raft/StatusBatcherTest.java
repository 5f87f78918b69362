package dev.cscs.store.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.store.LogEntry;
import dev.cscs.store.LogEntryCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The batcher against a log that answers when the test says so. */
class StatusBatcherTest {
    private final List<byte[]> proposed = new ArrayList<>();
    private final List<CompletableFuture<Long>> answers = new ArrayList<>();

    private StatusBatcher batcher(int maxEntryBytes) {
        return new StatusBatcher(entry -> {
            proposed.add(entry);
            CompletableFuture<Long> f = new CompletableFuture<>();
            answers.add(f);
            return f;
        }, maxEntryBytes, Runnable::run);
    }

    private static LogEntry.ReportStatus report(String node, int applied) {
        return new LogEntry.ReportStatus(node, "2026-12-02T03:00:00Z",
                Chains.json("{\"node\":\"" + node + "\",\"applied\":" + applied + "}"), null);
    }

    private List<LogEntry.ReportStatus> reportsIn(int entry) {
        LogEntry e = LogEntryCodec.decode(proposed.get(entry), Limits.DEFAULT);
        return e instanceof LogEntry.ReportStatuses ? ((LogEntry.ReportStatuses) e).reports() : List.of((LogEntry.ReportStatus) e);
    }

    private void applyEntry(int entry) {
        answers.get(entry).complete((long) entry + 1);
    }

    @Test
    void aQuietNodeProposesEachReportAtOnce() {
        StatusBatcher b = batcher(1 << 20);
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Long> answer = b.submit(report("d" + i, 1));
            assertThat(proposed).hasSize(i + 1);
            applyEntry(i);
            assertThat(answer).isCompleted();
        }
        assertThat(LogEntryCodec.decode(proposed.get(0), Limits.DEFAULT)).isInstanceOf(LogEntry.ReportStatus.class);
    }

    @Test
    void reportsArrivingWhileOneEntryIsInFlightGoAsTheNextSingleEntry() {
        StatusBatcher b = batcher(1 << 20);
        CompletableFuture<Long> first = b.submit(report("d0", 1));
        List<CompletableFuture<Long>> rest = IntStream.range(1, 301).mapToObj(i -> b.submit(report("d" + i, 1))).toList();
        assertThat(proposed).as("nothing more while the first entry is in flight").hasSize(1);
        assertThat(b.waiting()).isEqualTo(300);

        applyEntry(0);
        assertThat(first).isCompleted();
        assertThat(proposed).hasSize(2);
        assertThat(reportsIn(1)).extracting(LogEntry.ReportStatus::node)
                .containsExactlyElementsOf(IntStream.range(1, 301).mapToObj(i -> "d" + i).toList());
        assertThat(rest).noneMatch(CompletableFuture::isDone);
        applyEntry(1);
        assertThat(rest).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    @Test
    void theNewestReportOfANodeReplacesTheOneWaitingAndTheOlderCallerIsToldSo() {
        StatusBatcher b = batcher(1 << 20);
        b.submit(report("d0", 1));
        CompletableFuture<Long> older = b.submit(report("d1", 1));
        b.submit(report("d1", 2));

        assertThat(older).isCompletedExceptionally();
        assertThat(older.handle((r, e) -> ((CscsException) e).code())).isCompletedWithValue(ErrorCode.UNAVAILABLE);
        applyEntry(0);
        assertThat(reportsIn(1)).singleElement().satisfies(r -> assertThat(r.report().path("applied").asInt()).isEqualTo(2));
    }

    @Test
    void aFailedEntryFailsItsCallersAndTheWaitingReportsStillGo() {
        StatusBatcher b = batcher(1 << 20);
        CompletableFuture<Long> lost = b.submit(report("d0", 1));
        CompletableFuture<Long> next = b.submit(report("d1", 1));
        answers.get(0).completeExceptionally(new CscsException(ErrorCode.UNAVAILABLE, "no quorum"));

        assertThat(lost).isCompletedExceptionally();
        assertThat(proposed).hasSize(2);
        applyEntry(1);
        assertThat(next).isCompleted();
    }

    @Test
    void aProposalThatThrowsDoesNotWedgeTheBatcher() {
        List<Integer> calls = new ArrayList<>();
        StatusBatcher b = new StatusBatcher(entry -> {
            calls.add(entry.length);
            if (calls.size() == 1) {
                throw new IllegalStateException("client closed");
            }
            return CompletableFuture.completedFuture(0L);
        }, 1 << 20, Runnable::run);
        assertThat(b.submit(report("d0", 1))).isCompletedExceptionally();
        assertThat(b.submit(report("d1", 1))).isCompleted();
    }

    @Test
    void noEntryHoldsMoreReportsThanTheDecoderAcceptsOrMoreBytesThanTheLimit() {
        int limit = 8 * 1024;
        StatusBatcher b = batcher(limit);
        b.submit(report("first", 0));
        int n = LogEntryCodec.MAX_REPORTS + 100;
        IntStream.range(0, n).forEach(i -> b.submit(report("d" + i, i)));
        List<String> delivered = new ArrayList<>();
        for (int entry = 0; entry < proposed.size(); entry++) {
            assertThat(proposed.get(entry).length).isLessThanOrEqualTo(limit);
            if (entry > 0) {
                reportsIn(entry).forEach(r -> delivered.add(r.node()));
            }
            applyEntry(entry);
        }
        assertThat(proposed.size()).as("entries").isGreaterThan(2);
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(IntStream.range(0, n).mapToObj(i -> "d" + i).toList());
        assertThat(b.waiting()).isZero();

        StatusBatcher unbounded = batcher(1 << 22);
        int before = proposed.size();
        unbounded.submit(report("first", 0));
        IntStream.range(0, n).forEach(i -> unbounded.submit(report("d" + i, i)));
        applyEntry(before);
        assertThat(reportsIn(before + 1)).hasSize(LogEntryCodec.MAX_REPORTS);
    }

    @Test
    void theNextBatchIsProposedOnTheProposersThreadNeverOnTheThreadThatAnsweredTheLast() throws Exception {
        List<String> senders = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Long>> sent = new CopyOnWriteArrayList<>();
        ExecutorService proposer = Executors.newSingleThreadExecutor(r -> new Thread(r, "status-proposer"));
        try {
            StatusBatcher b = new StatusBatcher(entry -> {
                senders.add(Thread.currentThread().getName());
                CompletableFuture<Long> f = new CompletableFuture<>();
                sent.add(f);
                return f;
            }, 1 << 20, proposer);
            b.submit(report("d0", 1));
            CompletableFuture<Long> waiting = b.submit(report("d1", 1));
            // Ratis answers on its own thread; a proposal made there may block it waiting for a permit
            Thread ratisReply = new Thread(() -> sent.get(0).complete(0L), "ratis-reply");
            ratisReply.start();
            ratisReply.join();

            Eventually.await("the waiting report proposed", Duration.ofSeconds(10), () -> sent.size() == 2);
            assertThat(senders).containsExactly(Thread.currentThread().getName(), "status-proposer");
            sent.get(1).complete(0L);
            assertThat(waiting).succeedsWithin(Duration.ofSeconds(10));
        } finally {
            proposer.shutdownNow();
        }
    }
}
