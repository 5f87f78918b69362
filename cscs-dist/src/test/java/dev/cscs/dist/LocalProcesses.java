package dev.cscs.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Ports and shutdown for the test harnesses' clusters of local {@code java -jar} nodes (the
 * benchmarks use them too).
 */
public final class LocalProcesses {
    private LocalProcesses() {
    }

    /** A loopback port free at the time of asking (the node binds it a moment later). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
