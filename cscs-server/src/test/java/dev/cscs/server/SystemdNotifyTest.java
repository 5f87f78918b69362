package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real systemd-notify, to a real AF_UNIX datagram socket standing in for systemd's. */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    @Test
    void readySendsReadyAndThenPingsTheWatchdogAtHalfItsInterval() throws Exception {
        List<String> got = receiveWith(Map.of("WATCHDOG_USEC", "400000"), 6, notify -> notify.ready(() -> true));
        assertThat(got.get(0)).isEqualTo("READY=1|STATUS=node is up");
        assertThat(got.subList(1, got.size())).hasSize(5).allMatch("WATCHDOG=1"::equals);
    }

    @Test
    void anUnhealthyNodeDoesNotPingTheWatchdog() throws Exception {
        List<String> got = receiveWith(Map.of("WATCHDOG_USEC", "200000"), 2, notify -> {
            notify.ready(() -> false);
            notify.stopping();
        });
        assertThat(got).containsExactly("READY=1|STATUS=node is up", "STOPPING=1");
    }

    @Test
    void theWatchdogIsOnlyForTheProcessItNames() {
        SystemdNotify other = new SystemdNotify(Map.of("NOTIFY_SOCKET", "/x", "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1"), "false");
        assertThat(other.watchdogInterval()).isNull();
        String self = Long.toString(ProcessHandle.current().pid());
        SystemdNotify mine = new SystemdNotify(Map.of("NOTIFY_SOCKET", "/x", "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", self), "false");
        assertThat(mine.watchdogInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(new SystemdNotify(Map.of(), "false").enabled()).isFalse();
    }

    private List<String> receiveWith(Map<String, String> env, int messages, Consumer<SystemdNotify> use) throws Exception {
        assumeTrue(NotifySocket.available(), "needs systemd-notify and python3");
        try (NotifySocket socket = new NotifySocket(dir.resolve("notify"))) {
            Map<String, String> all = new HashMap<>(env);
            all.put("NOTIFY_SOCKET", socket.path.toString());
            try (SystemdNotify notify = new SystemdNotify(all, "systemd-notify")) {
                use.accept(notify);
                List<String> got = new ArrayList<>();
                for (String m; got.size() < messages && (m = socket.next()) != null; ) {
                    got.add(m);
                }
                return got;
            }
        }
    }
}
