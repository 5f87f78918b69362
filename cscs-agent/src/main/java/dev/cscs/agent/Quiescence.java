package dev.cscs.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When a change is applied. A lone change is applied at once: nothing is gained by waiting when
 * no other change came within {@code min} before it. A burst is batched as consul-template's
 * quiescence timer does: an event within {@code min} of the one before waits {@code min} for
 * more, each further one pushes the deadline out by {@code min} again, but never past {@code max}
 * after the burst's first. So a burst gives at most two reconciles (its first change at once, the
 * rest together), and a steady stream one every {@code max}.
 */
final class Quiescence {
    private final Scheduler scheduler;
    private final Clock clock;
    private final Duration min;
    private final Duration max;
    private final Runnable fire;
    /** The last event, whenever it came: it tells a lone change from one in a burst. */
    private Instant last;
    /** The first event of the burst now being batched, or null. */
    private Instant first;
    private Scheduler.Cancellable pending;
    /** Whether {@link #pending} fires at once: an event arriving before it runs is covered by it. */
    private boolean immediate;
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

    /** An event arrived: fire at once, or (re)arm the timer. Cheap; any thread. */
    synchronized void poke() {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        boolean lone = last == null || !now.isBefore(last.plus(min));
        last = now;
        if (pending != null && immediate) {
            return;
        }
        if (pending == null && lone) {
            arm(Duration.ZERO, true);
            return;
        }
        if (first == null) {
            first = now;
        }
        Instant due = now.plus(min);
        Instant cap = first.plus(max);
        if (due.isAfter(cap)) {
            due = cap;
        }
        Duration delay = Duration.between(now, due);
        arm(delay.isNegative() ? Duration.ZERO : delay, false);
    }

    private void arm(Duration delay, boolean now) {
        if (pending != null) {
            pending.cancel();
        }
        long gen = ++generation;
        immediate = now;
        pending = scheduler.schedule(delay, () -> elapsed(gen));
    }

    private void elapsed(long gen) {
        synchronized (this) {
            if (closed || gen != generation) {
                return;
            }
            first = null;
            pending = null;
            immediate = false;
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
