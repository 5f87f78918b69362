package dev.cscs.store.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The shared barrier against a ReadIndex that answers when the test says so. */
class ReadBarrierTest {
    private final List<CompletableFuture<Object>> requests = new ArrayList<>();
    private final ReadBarrier barrier = new ReadBarrier(() -> {
        CompletableFuture<Object> f = new CompletableFuture<>();
        requests.add(f);
        return f;
    }, Duration.ofSeconds(30), Runnable::run);

    @Test
    void readersArrivingWhileARoundIsOutAllShareTheNextOne() {
        CompletableFuture<Void> first = barrier.join();
        List<CompletableFuture<Void>> later = IntStream.range(0, 50).mapToObj(i -> barrier.join()).toList();

        assertThat(requests).as("one request in flight for 51 readers").hasSize(1);
        assertThat(later).allMatch(f -> f == later.get(0));
        requests.get(0).complete("index 7");
        assertThat(first).isCompleted();
        assertThat(later.get(0)).isNotDone();
        assertThat(requests).hasSize(2);
        requests.get(1).complete("index 9");
        assertThat(later.get(0)).isCompleted();
        assertThat(requests).as("no request without a reader").hasSize(2);
    }

    @Test
    void aReaderNeverReliesOnARoundSentBeforeItArrived() {
        barrier.join();
        CompletableFuture<Void> mine = barrier.join();
        requests.get(0).complete("taken before my write was acknowledged");
        assertThat(mine).isNotDone();
        requests.get(1).complete("after");
        assertThat(mine).isCompleted();
    }

    @Test
    void aFailedRoundFailsItsReadersAndTheQueuedOnesStillGetARound() {
        CompletableFuture<Void> first = barrier.join();
        CompletableFuture<Void> queued = barrier.join();
        requests.get(0).completeExceptionally(new CscsException(ErrorCode.UNAVAILABLE, "no leader"));

        assertThat(first).isCompletedExceptionally();
        assertThat(queued).isNotDone();
        requests.get(1).complete("index 3");
        assertThat(queued).isCompleted();
    }

    @Test
    void aRoundThatNeverAnswersIsAbandonedAfterOneAttemptAndTheDeadlineIsKept() {
        List<Integer> sent = new CopyOnWriteArrayList<>();
        ReadBarrier silent = new ReadBarrier(() -> {
            sent.add(1);
            return new CompletableFuture<>();
        }, Duration.ofMillis(50), Runnable::run);

        CompletableFuture<Void> abandoned = silent.join();
        CompletableFuture<Void> queued = silent.join();
        Eventually.await("the queued readers' round sent once the first was abandoned", Duration.ofSeconds(10),
                () -> abandoned.isCompletedExceptionally() && sent.size() == 2);
        assertThat(queued).isNotCompleted();
        assertThatThrownBy(() -> silent.await(Duration.ofMillis(400))).isInstanceOfSatisfying(CscsException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE)).hasMessageContaining("no linearizable read within 400 ms");
    }

    @Test
    void theQueuedRoundIsSentOnTheBarriersOwnThreadNeverOnTheThreadThatEndedTheLast() throws Exception {
        List<String> senders = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Object>> sent = new CopyOnWriteArrayList<>();
        ExecutorService own = Executors.newSingleThreadExecutor(r -> new Thread(r, "barrier-sender"));
        try {
            ReadBarrier b = new ReadBarrier(() -> {
                senders.add(Thread.currentThread().getName());
                CompletableFuture<Object> f = new CompletableFuture<>();
                sent.add(f);
                return f;
            }, Duration.ofSeconds(30), own);
            b.join();
            CompletableFuture<Void> queued = b.join();
            Thread ratisReply = new Thread(() -> sent.get(0).complete("index 4"), "ratis-reply");
            ratisReply.start();
            ratisReply.join();

            Eventually.await("the queued round sent", Duration.ofSeconds(10), () -> sent.size() == 2);
            assertThat(senders).containsExactly(Thread.currentThread().getName(), "barrier-sender");
            sent.get(1).complete("index 5");
            assertThat(queued).succeedsWithin(Duration.ofSeconds(10));
        } finally {
            own.shutdownNow();
        }
    }
}
