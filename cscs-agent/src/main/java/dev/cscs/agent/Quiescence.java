package dev.cscs.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * consul-template's quiescence timer: after an event, wait {@code min} for more; each further
 * event pushes the deadline out by {@code min} again, but never past {@code max} after the
 * first one. A burst of changes therefore gives one reconcile, and a steady stream still gives
 * one every {@code max}.
 */
final class Quiescence {
    private final Scheduler scheduler;
    private final Clock clock;
    private final Duration min;
    private final Duration max;
    private final Runnable fire;
    private Instant first;
    private Scheduler.Cancellable pending;
    /** Tells a timer that was replaced (but had already started) to do nothing. */
    private long generation;
    private boolean closed;

    Quiescence(Scheduler scheduler, Clock clock, Duration min, Duration max, Runnable fire) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.min = min;
        this.max = max;
        this.fire = fire;
    }

    /** An event arrived: (re)arm the timer. Cheap; any thread. */
    synchronized void poke() {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        if (first == null) {
            first = now;
        }
        Instant due = now.plus(min);
        Instant cap = first.plus(max);
        if (due.isAfter(cap)) {
            due = cap;
        }
        if (pending != null) {
            pending.cancel();
        }
        Duration delay = Duration.between(now, due);
        long gen = ++generation;
        pending = scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay, () -> elapsed(gen));
    }

    private void elapsed(long gen) {
        synchronized (this) {
            if (closed || gen != generation) {
                return;
            }
            first = null;
            pending = null;
        }
        // outside the lock: events arriving during the reconcile arm the next round
        fire.run();
    }

    synchronized void close() {
        closed = true;
        if (pending != null) {
            pending.cancel();
        }
    }
}
