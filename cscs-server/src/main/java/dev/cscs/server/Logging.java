package dev.cscs.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Logback for the daemon: stdout (for journald) and a rolling file under {@code log.dir}, one line
 * per event in the configured format ({@link LineLayout}). Library loggers that report a healthy
 * start or a routine event as a warning are set one level lower, by name, below.
 */
public final class Logging {
    private Logging() {
    }

    /** {@code console} false keeps stdout for the program's own output (the demo), logging to the file only. */
    public static void configure(Path logDir, String fileName, boolean console) {
        configure(new ServerConfig.Log(logDir, ServerConfig.Log.Level.INFO, ServerConfig.Log.Format.TEXT), "", fileName, console);
    }

    /**
     * The console lines carry journald's priority prefix when stdout is the journal: systemd sets
     * {@code JOURNAL_STREAM} for a service whose stdout is connected to it; on a terminal or a
     * pipe the lines are plain.
     */
    public static void configure(ServerConfig.Log log, String node, String fileName, boolean console) {
        configure(log, node, fileName, console, System.getenv("JOURNAL_STREAM") != null);
    }

    static void configure(ServerConfig.Log log, String node, String fileName, boolean console, boolean journald) {
        Path logDir = log.dir();
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new CscsException(ErrorCode.BAD_CONFIG, "log.dir " + logDir + ": cannot create it: " + e.getMessage());
        }
        if (!Files.isWritable(logDir)) {
            throw new CscsException(ErrorCode.BAD_CONFIG, "log.dir " + logDir + ": not writable by this user");
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        // java.util.logging (the shaded gRPC in Ratis) would print two-line records of its own on stderr
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(log.level().name()));

        if (console) {
            ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
            out.setContext(ctx);
            out.setEncoder(encoder(ctx, new LineLayout(log, node, journald)));
            out.start();
            root.addAppender(out);
        }

        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setFile(logDir.resolve(fileName + ".log").toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(ctx);
        policy.setParent(file);
        policy.setFileNamePattern(logDir.resolve(fileName + ".%d{yyyy-MM-dd}.%i.log.gz").toString());
        policy.setMaxFileSize(FileSize.valueOf("10MB"));
        policy.setMaxHistory(14);
        policy.setTotalSizeCap(FileSize.valueOf("200MB"));
        policy.start();
        file.setRollingPolicy(policy);
        file.setEncoder(encoder(ctx, new LineLayout(log, node, false)));
        file.start();
        root.addAppender(file);

        LibraryLoggers.apply(ctx, log.level());
    }

    private static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext ctx, LineLayout layout) {
        layout.setContext(ctx);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> e = new LayoutWrappingEncoder<>();
        e.setContext(ctx);
        e.setLayout(layout);
        e.setCharset(StandardCharsets.UTF_8);
        e.start();
        return e;
    }
}
