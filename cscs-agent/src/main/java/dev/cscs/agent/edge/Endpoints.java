package dev.cscs.agent.edge;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Which of the configured servers a watch uses, and when it tries the first (its home) again:
 * the next one after a failure, home once it is ready (asked at most once per jittered
 * {@code returnAfter}), and never one the agent abandoned (it withheld, or its device went stale)
 * for ten {@code returnAfter} periods, unless every other one is abandoned too. Only the watch's own
 * thread uses it.
 */
final class Endpoints {
    /** An abandoned server is avoided this many {@code returnAfter} periods (10 min by default). */
    static final int AVOID_RETURNS = 10;
    private final List<URI> all;
    private final Duration returnAfter;
    /** Per endpoint, until when it is avoided (System.nanoTime); 0: not avoided. */
    private final long[] avoidUntil;
    private int index;
    private long nextHomeCheck;

    Endpoints(List<URI> all, Duration returnAfter) {
        this.all = all;
        this.returnAfter = returnAfter;
        this.avoidUntil = new long[all.size()];
    }

    URI current() {
        return all.get(index);
    }

    URI home() {
        return all.get(0);
    }

    /** The current one failed: the next one that is not avoided; home is asked again after {@code returnAfter}. */
    void next() {
        for (int step = 1; step <= all.size(); step++) {
            int i = (index + step) % all.size();
            if (!avoided(i)) {
                index = i;
                nextHomeCheck = System.nanoTime() + jitteredReturn();
                return;
            }
        }
        index = (index + 1) % all.size();
        nextHomeCheck = System.nanoTime() + jitteredReturn();
    }

    /** The agent distrusts the current one: avoid it, and move on. */
    void abandon() {
        avoidUntil[index] = System.nanoTime() + returnAfter.multipliedBy(AVOID_RETURNS).toNanos();
        next();
    }

    /** Whether it is time to ask the home endpoint if it is ready: away from it, it is not avoided, and the wait is over. */
    boolean homeCheckDue() {
        long now = System.nanoTime();
        if (index == 0 || avoided(0) || now - nextHomeCheck < 0) {
            return false;
        }
        nextHomeCheck = now + jitteredReturn();
        return true;
    }

    void goHome() {
        index = 0;
    }

    private boolean avoided(int i) {
        return avoidUntil[i] != 0 && avoidUntil[i] - System.nanoTime() > 0;
    }

    private long jitteredReturn() {
        return (long) (returnAfter.toNanos() * (1 + Math.random()));
    }
}
