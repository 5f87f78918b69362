package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cscs.server.NotifySocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cscs server` as a Type=notify unit runs it: NOTIFY_SOCKET and WATCHDOG_USEC set, a real datagram socket. */
class SystemdReadinessIT {
    @TempDir
    Path dir;

    @Test
    void readyArrivesOnlyOnceTheApiAnswersThenTheWatchdogIsPingedAndSigtermSaysStopping() throws Exception {
        assumeTrue(NotifySocket.available(), "needs systemd-notify and python3");
        try (ProcessCluster c = new ProcessCluster(dir, Path.of("target/cscs.jar"), 1, "");
             NotifySocket socket = new NotifySocket(dir.resolve("notify"))) {
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx256m", "-jar", "target/cscs.jar", "server", "--config",
                    dir.resolve("n1.yaml").toString());
            pb.environment().put("NOTIFY_SOCKET", socket.path.toString());
            pb.environment().put("WATCHDOG_USEC", "1000000");
            pb.environment().remove("WATCHDOG_PID");
            pb.redirectErrorStream(true).redirectOutput(dir.resolve("n1.out").toFile());
            Process p = pb.start();
            try {
                assertThat(socket.next()).isEqualTo("READY=1|STATUS=node is up");
                // at the moment READY=1 arrives, the API already answers (any status: it is listening)
                assertThat(c.get("n1", "/readyz").status()).isIn(200, 503);
                assertThat(socket.next()).isEqualTo("WATCHDOG=1");
                p.destroy();
                String next;
                do {
                    next = socket.next();
                } while ("WATCHDOG=1".equals(next));
                assertThat(next).isEqualTo("STOPPING=1");
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
