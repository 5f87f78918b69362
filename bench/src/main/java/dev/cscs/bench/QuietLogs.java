package dev.cscs.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warnings and errors only. Unconfigured, logback logs at DEBUG: jetcd's gRPC and vert.x would
 * then log every frame, in the bench JVM and in each watcher, and spend the CPU being measured.
 */
final class QuietLogs {
    private QuietLogs() {
    }

    static void warnAndAbove() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    }
}
