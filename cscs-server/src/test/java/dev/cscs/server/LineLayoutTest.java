package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LineLayoutTest {
    private static final LoggerContext CTX = new LoggerContext();

    private static String line(ServerConfig.Log.Level level, ServerConfig.Log.Format format, boolean journald, Level eventLevel,
                               String message, Throwable t) {
        LineLayout layout = new LineLayout(new ServerConfig.Log(Path.of("/tmp"), level, format), "n1", journald);
        layout.setContext(CTX);
        layout.start();
        LoggingEvent e = new LoggingEvent("x", CTX.getLogger("dev.cscs.server.Daemon"), eventLevel, message, t, null);
        return layout.doLayout(e);
    }

    @Test
    void aJsonLineHasTheFieldsAndTheExceptionButNoStackTraceAboveDebug() throws Exception {
        String s = line(ServerConfig.Log.Level.INFO, ServerConfig.Log.Format.JSON, false, Level.WARN, "apply failed\nforged line",
                new IOException("disk full", new IllegalStateException("inner")));
        assertThat(s).endsWith("\n").hasLineCount(1);
        JsonNode j = new ObjectMapper().readTree(s);
        assertThat(j.path("level").asText()).isEqualTo("WARN");
        assertThat(j.path("logger").asText()).isEqualTo("dev.cscs.server.Daemon");
        assertThat(j.path("message").asText()).isEqualTo("apply failed\nforged line");
        assertThat(j.path("node").asText()).isEqualTo("n1");
        assertThat(j.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(j.path("exception").asText()).isEqualTo("java.io.IOException");
        assertThat(j.path("exceptionMessage").asText()).isEqualTo("disk full");
        assertThat(j.has("stackTrace")).isFalse();
    }

    @Test
    void aTextLineIsOneLineWithTheExceptionSummaryAboveDebug() {
        String s = line(ServerConfig.Log.Level.INFO, ServerConfig.Log.Format.TEXT, false, Level.ERROR, "a\nb",
                new IOException("disk full"));
        assertThat(s).hasLineCount(1).contains("ERROR").contains("a\\nb").contains("[java.io.IOException: disk full]")
                .doesNotContain("\tat ");
    }

    @Test
    void debugAddsTheStackTrace() {
        assertThat(line(ServerConfig.Log.Level.DEBUG, ServerConfig.Log.Format.TEXT, false, Level.ERROR, "m", new IOException("x")))
                .contains("\n\tat dev.cscs.server.LineLayoutTest");
        assertThat(line(ServerConfig.Log.Level.DEBUG, ServerConfig.Log.Format.JSON, false, Level.ERROR, "m", new IOException("x")))
                .hasLineCount(1).contains("\"stackTrace\"");
    }

    @Test
    void forJournaldEachLineStartsWithItsSyslogPriority() {
        assertThat(line(ServerConfig.Log.Level.DEBUG, ServerConfig.Log.Format.TEXT, true, Level.ERROR, "m", null)).startsWith("<3>2");
        assertThat(line(ServerConfig.Log.Level.DEBUG, ServerConfig.Log.Format.TEXT, true, Level.WARN, "m", null)).startsWith("<4>");
        assertThat(line(ServerConfig.Log.Level.DEBUG, ServerConfig.Log.Format.JSON, true, Level.INFO, "m", null)).startsWith("<6>{");
        assertThat(line(ServerConfig.Log.Level.DEBUG, ServerConfig.Log.Format.TEXT, true, Level.DEBUG, "m", null)).startsWith("<7>");
        assertThat(line(ServerConfig.Log.Level.DEBUG, ServerConfig.Log.Format.TEXT, false, Level.WARN, "m", null)).startsWith("2");
    }
}
