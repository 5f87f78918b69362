package dev.cscs.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.server.config.ServerConfig;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One log event, one line (DESIGN.md §4 {@code log:}): a text line or a JSON object. A message's
 * own line breaks are escaped, so an event never spans lines and a value logged by the daemon
 * cannot forge a line of its own. An exception adds its class and message; its stack trace only
 * when the configured level is {@code debug} (in text, then, on the lines that follow).
 * With {@code journald}, each line starts with the sd-daemon(3) priority ({@code <3>} error ...
 * {@code <7>} debug), which journald reads as the entry's priority.
 */
final class LineLayout extends LayoutBase<ILoggingEvent> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);
    private final TargetLengthBasedClassNameAbbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(24);
    private final ServerConfig.Log.Format format;
    private final String node;
    private final boolean stackTraces;
    private final boolean journald;

    LineLayout(ServerConfig.Log log, String node, boolean journald) {
        this.format = log.format();
        this.node = node;
        this.stackTraces = log.level() == ServerConfig.Log.Level.DEBUG;
        this.journald = journald;
    }

    @Override
    public String doLayout(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(160);
        if (journald) {
            b.append('<').append(priority(e.getLevel())).append('>');
        }
        switch (format) {
            case JSON:
                b.append(json(e));
                break;
            case TEXT:
            default:
                text(e, b);
                break;
        }
        return b.append('\n').toString();
    }

    /** sd-daemon(3): 3 err, 4 warning, 6 info, 7 debug (TRACE is logged as debug). */
    static int priority(Level level) {
        switch (level.toInt()) {
            case Level.ERROR_INT:
                return 3;
            case Level.WARN_INT:
                return 4;
            case Level.INFO_INT:
                return 6;
            default:
                return 7;
        }
    }

    private void text(ILoggingEvent e, StringBuilder b) {
        b.append(TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append(' ')
                .append(String.format("%-5s", e.getLevel())).append(" [").append(oneLine(e.getThreadName())).append("] ")
                .append(abbreviator.abbreviate(e.getLoggerName())).append(" - ").append(oneLine(e.getFormattedMessage()));
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            b.append(" [").append(oneLine(summary(t))).append(']');
            if (stackTraces) {
                for (IThrowableProxy c = t; c != null; c = c.getCause()) {
                    if (c != t) {
                        b.append("\nCaused by: ").append(c.getClassName()).append(": ").append(oneLine(c.getMessage()));
                    }
                    for (StackTraceElementProxy s : c.getStackTraceElementProxyArray()) {
                        b.append("\n\tat ").append(s.getStackTraceElement());
                    }
                }
            }
        }
    }

    private String json(ILoggingEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", TIME.format(Instant.ofEpochMilli(e.getTimeStamp())));
        o.put("level", e.getLevel().toString());
        o.put("logger", e.getLoggerName());
        o.put("message", e.getFormattedMessage());
        o.put("node", node);
        o.put("thread", e.getThreadName());
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            o.put("exception", t.getClassName());
            o.put("exceptionMessage", t.getMessage());
            if (stackTraces) {
                StringBuilder s = new StringBuilder();
                for (IThrowableProxy c = t; c != null; c = c.getCause()) {
                    s.append(c == t ? "" : "Caused by: ").append(c.getClassName()).append(": ").append(c.getMessage()).append('\n');
                    for (StackTraceElementProxy el : c.getStackTraceElementProxyArray()) {
                        s.append("\tat ").append(el.getStackTraceElement()).append('\n');
                    }
                }
                o.put("stackTrace", s.toString());
            }
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException x) {
            // an ObjectNode of strings always serializes
            throw new IllegalStateException(x);
        }
    }

    /** The exception and, when it differs, its root cause: usually the line that says what failed. */
    private static String summary(IThrowableProxy t) {
        IThrowableProxy root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String s = t.getClassName() + ": " + t.getMessage();
        return root == t ? s : s + "; caused by " + root.getClassName() + ": " + root.getMessage();
    }

    static String oneLine(String s) {
        if (s == null) {
            return "null";
        }
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
