package dev.cscs.agent;

import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/** Virtual time: tasks run on the test's thread, in due order, when the test advances the clock. */
final class ManualScheduler implements Scheduler {
    private record Task(Instant due, long order, Runnable run, boolean[] cancelled) {
    }

    final MutableClock clock = new MutableClock(Chains.T0);
    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due.equals(b.due)
            ? Long.compare(a.order, b.order) : a.due.compareTo(b.due));
    private long order;

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(clock.instant().plus(delay), order++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Moves time forward by {@code d}, running every task that falls due on the way (including ones they schedule). */
    void advance(Duration d) {
        Instant target = clock.instant().plus(d);
        while (true) {
            Task t;
            synchronized (this) {
                t = tasks.peek();
                if (t == null || t.due.isAfter(target)) {
                    break;
                }
                tasks.poll();
            }
            if (t.due.isAfter(clock.instant())) {
                clock.set(t.due);
            }
            if (!t.cancelled[0]) {
                t.run.run();
            }
        }
        clock.set(target);
    }

    /** Tasks not cancelled that have yet to run. */
    synchronized long pending() {
        return tasks.stream().filter(t -> !t.cancelled[0]).count();
    }
}
