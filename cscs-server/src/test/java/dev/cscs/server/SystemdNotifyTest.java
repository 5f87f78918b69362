package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real systemd-notify, to a real AF_UNIX datagram socket standing in for systemd's (python3: the JDK has none). */
class SystemdNotifyTest {
    // prints each datagram on one line ("\n" as "|") and exits after `count` of them, or after 30 s
    private static final String RECEIVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.bind(sys.argv[1]); s.settimeout(30)",
            "print('bound', flush=True)",
            "for _ in range(int(sys.argv[2])):",
            "    print(s.recv(4096).decode().replace('\\n', '|'), flush=True)");

    @TempDir
    Path dir;

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void readySendsReadyAndThenPingsTheWatchdogAtHalfItsInterval() throws Exception {
        Map<String, String> env = Map.of("WATCHDOG_USEC", "400000");
        List<String> got = receiveWith(env, 6, notify -> notify.ready(() -> true));
        assertThat(got.get(0)).isEqualTo("READY=1|STATUS=node is up");
        assertThat(got.subList(1, got.size())).isNotEmpty().allMatch("WATCHDOG=1"::equals);
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

    private List<String> receiveWith(Map<String, String> env, int messages, java.util.function.Consumer<SystemdNotify> use)
            throws Exception {
        // each systemd-notify call also sends a BARRIER=1 datagram (it waits until the receiver has read it)
        java.util.HashMap<String, String> all = new java.util.HashMap<>(env);
        Path socket = dir.resolve("notify");
        all.put("NOTIFY_SOCKET", socket.toString());
        assumeTrue(onPath("systemd-notify") && onPath("python3"), "needs systemd-notify and python3");
        Process receiver = new ProcessBuilder("python3", "-c", RECEIVER, socket.toString(), Integer.toString(messages * 2))
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
        try (SystemdNotify notify = new SystemdNotify(all, "systemd-notify")) {
            assertThat(out.readLine()).isEqualTo("bound");
            use.accept(notify);
            List<String> got = new ArrayList<>();
            for (String line; got.size() < messages && (line = out.readLine()) != null; ) {
                if (!line.equals("BARRIER=1")) {
                    got.add(line);
                }
            }
            return got;
        } finally {
            receiver.destroy();
            receiver.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
