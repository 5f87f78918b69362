package dev.cscs.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports for the clusters that tests and benchmarks start. A port is free when asked for and is
 * bound by a node a moment later. The kernel may hand the same ephemeral port to two
 * consecutive asks, which gave two nodes of one cluster the same API port ("Address already in
 * use" at start), so no port is handed out twice in one JVM.
 */
public final class LoopbackPorts {
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();
    private static final int ATTEMPTS = 1000;

    private LoopbackPorts() {
    }

    /** A port that is free now and that this JVM has not handed out before. */
    public static int free() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (GIVEN.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port not handed out before, after " + ATTEMPTS + " tries");
    }
}
