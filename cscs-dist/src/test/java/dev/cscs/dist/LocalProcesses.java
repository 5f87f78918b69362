package dev.cscs.dist;

import dev.cscs.core.testing.LoopbackPorts;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Ports and shutdown for the test harnesses' clusters of local {@code java -jar} nodes (the
 * benchmarks use them too).
 */
public final class LocalProcesses {
    private LocalProcesses() {
    }

    /** A loopback port free at the time of asking (the node binds it a moment later), see {@link LoopbackPorts}. */
    public static int freePort() {
        return LoopbackPorts.free();
    }

    /**
     * SIGTERM to all at once (so they shut down in parallel), then up to {@code graceSeconds}
     * each for a clean stop before SIGKILL.
     */
    public static void stopAll(Collection<Process> processes, int graceSeconds) {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
