package dev.cscs.store.raft;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Linearizable read barriers, shared by every reader of this node. A round is one ReadIndex
 * request; a reader waits for a round that started after it arrived (one already in flight may
 * have taken its index before the reader's write was acknowledged), so readers who arrive
 * while a round is out all share the next one. However many reads come in, a node has one
 * round in flight: a fleet's start storm once sent a new request per reader every 500 ms, each
 * left in flight with the client's retries, and the cluster lost its leader for minutes.
 */
final class ReadBarrier {
    private final Supplier<CompletableFuture<?>> readIndex;
    private final Duration attempt;
    private final Executor sender;
    private CompletableFuture<Void> inFlight;
    private CompletableFuture<Void> next;

    /**
     * {@code readIndex} sends one request, completing once this node has applied up to the leader's
     * commit index. The round queued behind one that ends is sent on {@code sender}, never on the
     * thread that ended it: that is Ratis' reply thread (on two cores, the common pool's only one)
     * or the JDK's single timeout thread, and neither may wait on a send.
     */
    ReadBarrier(Supplier<CompletableFuture<?>> readIndex, Duration attempt, Executor sender) {
        this.readIndex = readIndex;
        this.attempt = attempt;
        this.sender = sender;
    }

    /** Returns once a round that started after the call succeeded; rounds that fail or take longer than an attempt are retried until the deadline. */
    void await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            try {
                join().get(left, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                last = "no answer within " + left + " ms";
            } catch (ExecutionException e) {
                last = RaftNode.rootMessage(e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CscsException(ErrorCode.UNAVAILABLE, "interrupted");
            }
        }
        throw new CscsException(ErrorCode.UNAVAILABLE, "no linearizable read within " + timeout.toMillis() + " ms (" + last + ")");
    }

    /** The round this caller may rely on: a new one if none is out, else the one after it. */
    CompletableFuture<Void> join() {
        CompletableFuture<Void> round;
        boolean send;
        synchronized (this) {
            send = inFlight == null;
            if (send) {
                inFlight = new CompletableFuture<>();
                round = inFlight;
            } else {
                if (next == null) {
                    next = new CompletableFuture<>();
                }
                round = next;
            }
        }
        if (send) {
            send(round);
        }
        return round;
    }

    /** Sends {@code round}; when it ends, the readers who queued behind it get theirs. */
    private void send(CompletableFuture<Void> round) {
        CompletableFuture<?> reply;
        try {
            reply = readIndex.get().orTimeout(attempt.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((ok, error) -> {
            CompletableFuture<Void> queued;
            synchronized (this) {
                queued = next;
                next = null;
                inFlight = queued;
            }
            if (error == null) {
                round.complete(null);
            } else {
                round.completeExceptionally(error);
            }
            if (queued != null) {
                try {
                    sender.execute(() -> send(queued));
                } catch (RejectedExecutionException e) { // the node is closing
                    queued.completeExceptionally(new CscsException(ErrorCode.UNAVAILABLE, "the node is closing"));
                }
            }
        });
    }
}
