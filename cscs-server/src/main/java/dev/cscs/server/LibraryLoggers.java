package dev.cscs.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.cscs.server.config.ServerConfig;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * Levels for the libraries' loggers, and the Ratis warnings that are routine. A healthy start
 * logs no WARN: Ratis reports the ordinary steps of an election and of a follower catching up
 * as warnings from the same loggers (by class) that report a peer it cannot reach, so those
 * loggers stay at WARN and {@link #ROUTINE} drops only the messages listed there, each with the
 * reason. Everything else Ratis warns about (e.g. "Failed appendEntries: ... UNAVAILABLE ...
 * Connection refused", a peer that is down, repeated every few seconds while it lasts) stays.
 * With {@code log.level: debug} nothing is dropped.
 */
final class LibraryLoggers {
    /** Matched against the formatted message of a WARN from {@code org.apache.ratis}. */
    static final List<Pattern> ROUTINE = List.of(
            // a request of the previous term that arrives after an election: answered with the new term
            Pattern.compile("Failed to recognize \\S+ as leader for \\S+ since peerTerm = \\d+ < currentTerm"),
            // a follower telling a former leader about the new one
            Pattern.compile("received NOT_LEADER reply with term"),
            // a new or restarted follower: the leader walks nextIndex back to where their logs agree
            Pattern.compile("received INCONSISTENCY reply with nextIndex"),
            // the other end closed an append stream: a leader change or a node stopping
            Pattern.compile("APPEND_ENTRIES onError, .*CANCELLED"),
            Pattern.compile("Failed appendEntries: .*CANCELLED"),
            // the first retry after one of the above; a lasting failure is logged as itself, with its cause
            Pattern.compile("Follower failed \\(request=null, errorCount=1\\)"),
            // a leader that stepped down, and its view of each follower; /readyz and `cscs status` show the leader
            Pattern.compile("Lost leadership on term"),
            Pattern.compile("^Follower \\S+->\\S+\\(c"),
            // a log appender stopped because its leader stepped down or the node stops
            Pattern.compile("is interrupted: java.lang.InterruptedException"),
            // a gRPC channel to a peer closed while the node stops
            Pattern.compile("Timed out gracefully shutting down connection"));

    private LibraryLoggers() {
    }

    static void apply(LoggerContext ctx, ServerConfig.Log.Level level) {
        Level configured = Level.toLevel(level.name());
        if (level == ServerConfig.Log.Level.DEBUG) {
            // the libraries' own INFO and DEBUG lines are many thousands per minute; WARN is the useful part
            set(ctx, "org.apache.ratis", Level.WARN, configured);
            set(ctx, "org.apache.ratis.thirdparty", Level.WARN, configured);
            set(ctx, "org.eclipse.jetty", Level.INFO, configured);
            set(ctx, "io.javalin", Level.INFO, configured);
            return;
        }
        ctx.addTurboFilter(new RoutineWarnings());
        set(ctx, "org.apache.ratis", Level.WARN, configured);
        set(ctx, "org.apache.ratis.thirdparty", Level.ERROR, configured);
        // Ratis logs every rejected request as an ERROR with a stack trace; CSCS reports them itself.
        set(ctx, "org.apache.ratis.client.impl.OrderedAsync", Level.OFF, configured);
        set(ctx, "org.eclipse.jetty", Level.WARN, configured);
        set(ctx, "io.javalin", Level.WARN, configured);
    }

    static boolean routine(String logger, String message) {
        return logger.startsWith("org.apache.ratis.") && ROUTINE.stream().anyMatch(p -> p.matcher(message).find());
    }

    /** Drops the {@link #ROUTINE} warnings before they reach an appender. */
    static final class RoutineWarnings extends TurboFilter {
        @Override
        public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
            if (level != Level.WARN || format == null || !logger.getName().startsWith("org.apache.ratis.")) {
                return FilterReply.NEUTRAL;
            }
            return routine(logger.getName(), MessageFormatter.basicArrayFormat(format, params))
                    ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }

    /** The library's level, or the configured one where that is higher: log.level: error means errors only. */
    private static void set(LoggerContext ctx, String name, Level library, Level configured) {
        ctx.getLogger(name).setLevel(library.isGreaterOrEqual(configured) ? library : configured);
    }
}
