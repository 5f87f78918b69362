package dev.cscs.bench;

import dev.cscs.server.EdgeDaemon;
import dev.cscs.server.Logging;
import dev.cscs.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The fleet harness's only contact with the edge agent's code, through its public API: the
 * same calls {@code cscs agent} makes. If the edge daemon moves to another module, only the
 * imports here change.
 */
final class EdgeAgentApi {
    private EdgeAgentApi() {
    }

    /** One log file for all the agents of this JVM, as the daemon formats it; nothing on stdout. */
    static void logTo(Path dir, String name) {
        Logging.configure(dir, name, false);
    }

    /**
     * Starts a real edge agent from its {@code cscsd.yaml}: it fetches the genesis and checks it
     * against its anchor, registers its key with its join token, and starts watching, verifying
     * and applying on its own threads. Closing it stops it.
     */
    static AutoCloseable start(Path config) throws IOException {
        return EdgeDaemon.start(ConfigLoader.load(config));
    }
}
