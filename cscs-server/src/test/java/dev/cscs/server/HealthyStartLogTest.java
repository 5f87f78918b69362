package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import dev.cscs.core.testing.Eventually;
import dev.cscs.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The daemon's logging as configured in production (not logback-test.xml), on a real 3-node start. */
class HealthyStartLogTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreTheTestLogging() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }

    @Test
    void aHealthyThreeNodeStartLogsNoWarningOrError() throws Exception {
        Path logDir = dir.resolve("log");
        Logging.configure(new ServerConfig.Log(logDir, ServerConfig.Log.Level.INFO, ServerConfig.Log.Format.TEXT), "n1", "cscsd",
                false, false);
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")), "test CA");
        // The nodes start one after another here; with the default 200 ms election timeout two of
        // them can elect a leader before the third listens, and the leader then rightly warns that
        // it cannot reach it. A first election after 3 s leaves the start of all three before it.
        try (LocalCluster cluster = new LocalCluster(dir, 3, pki, "changesetBytes: 65536, alertInterval: 0s", false,
                "electionTimeoutMin: 3s\n  electionTimeoutMax: 4s")) {
            for (String id : cluster.ids()) {
                Eventually.await(id + " ready", Duration.ofSeconds(60), () -> cluster.get(id, "/readyz").status() == 200);
            }
            assertThat(cluster.get("n1", "/v1/members").body().path("members").size()).isEqualTo(3);
            // read before the nodes stop: a stopped peer is a real warning for the others
            List<String> lines = Files.readAllLines(logDir.resolve("cscsd.log"), StandardCharsets.UTF_8);
            assertThat(lines).anyMatch(l -> l.contains("node n1 is up"));
            List<String> bad = lines.stream().filter(l -> l.matches("\\S+ (WARN|ERROR) .*")).collect(Collectors.toList());
            assertThat(bad).as("WARN/ERROR lines of a healthy start").isEmpty();
        }
    }

    @Test
    void logLevelErrorAlsoSilencesTheLibrariesWarnings() {
        Logging.configure(new ServerConfig.Log(dir.resolve("log"), ServerConfig.Log.Level.ERROR, ServerConfig.Log.Format.TEXT), "n1",
                "cscsd", false, false);
        assertThat(LoggerFactory.getLogger("org.apache.ratis.grpc.server.GrpcLogAppender").isWarnEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("dev.cscs.server.Daemon").isWarnEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("dev.cscs.server.Daemon").isErrorEnabled()).isTrue();
        Logging.configure(new ServerConfig.Log(dir.resolve("log"), ServerConfig.Log.Level.DEBUG, ServerConfig.Log.Format.TEXT), "n1",
                "cscsd", false, false);
        assertThat(LoggerFactory.getLogger("org.apache.ratis.grpc.server.GrpcLogAppender").isWarnEnabled()).isTrue();
        assertThat(LoggerFactory.getLogger("org.apache.ratis.grpc.server.GrpcLogAppender").isInfoEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("dev.cscs.server.Daemon").isDebugEnabled()).isTrue();
    }

    @Test
    void aPeerThatCannotBeReachedIsStillAWarning() {
        String refused = "n3@group-CC3E0FE5DCCF->n1-AppendLogResponseHandler: Failed appendEntries: "
                + "org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException: UNAVAILABLE: io exception";
        assertThat(LibraryLoggers.routine("org.apache.ratis.grpc.server.GrpcLogAppender", refused)).isFalse();
        assertThat(LibraryLoggers.routine("org.apache.ratis.grpc.server.GrpcLogAppender",
                "n3@group-CC3E0FE5DCCF->n1-GrpcLogAppender: Follower failed (request=null, errorCount=20); keep nextIndex (3) "
                        + "unchanged and retry.")).isFalse();
        assertThat(LibraryLoggers.routine("org.apache.ratis.grpc.server.GrpcLogAppender",
                "n2@group-CC3E0FE5DCCF->n3-AppendLogResponseHandler: received NOT_LEADER reply with term 2")).isTrue();
        assertThat(LibraryLoggers.routine("dev.cscs.store.raft.RaftNode", "received NOT_LEADER reply with term 2")).isFalse();
    }
}
