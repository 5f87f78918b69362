package dev.cscs.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Logback for the daemon: stdout (for journald) and a rolling file under the configured log dir. */
public final class Logging {
    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level [%thread] %logger{24} - %msg%n";

    private Logging() {
    }

    public static void configure(Path logDir, String fileName) {
        configure(logDir, fileName, true);
    }

    /** {@code console} false keeps stdout for the program's own output (the demo), logging to the file only. */
    public static void configure(Path logDir, String fileName, boolean console) {
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
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);

        if (console) {
            ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
            out.setContext(ctx);
            out.setEncoder(encoder(ctx));
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
        file.setEncoder(encoder(ctx));
        file.start();
        root.addAppender(file);

        quiet(ctx, "org.apache.ratis", Level.WARN);
        quiet(ctx, "org.apache.ratis.thirdparty", Level.ERROR);
        // Ratis logs every rejected request as an ERROR with a stack trace; CSCS reports them itself.
        quiet(ctx, "org.apache.ratis.client.impl.OrderedAsync", Level.OFF);
        quiet(ctx, "org.eclipse.jetty", Level.WARN);
        quiet(ctx, "io.javalin", Level.WARN);
    }

    private static void quiet(LoggerContext ctx, String name, Level level) {
        ctx.getLogger(name).setLevel(level);
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(PATTERN);
        e.start();
        return e;
    }
}
