package dev.cscs.agent;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay: the agent's only source of timers. Injected so tests drive
 * time by hand (quiet periods, the periodic reconcile) instead of sleeping.
 */
@FunctionalInterface
public interface Scheduler {
    /** Runs {@code task} once, {@code delay} from now; cancelling before it starts prevents it. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A pending task. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** Over a JDK executor; the caller owns and shuts down {@code executor}. */
    static Scheduler of(ScheduledExecutorService executor) {
        return (delay, task) -> {
            ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
