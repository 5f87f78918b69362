package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cscs.core.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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
        AtomicInteger asked = new AtomicInteger();
        List<String> got = receiveWith(Map.of("WATCHDOG_USEC", "200000"), 2, notify -> {
            notify.ready(() -> asked.incrementAndGet() < 0);
            // three pings were due and refused before the node stops
            Eventually.await("the watchdog to ask for the node's health 3 times", Duration.ofSeconds(20), () -> asked.get() >= 3);
            notify.stopping();
        });
        assertThat(got).containsExactly("READY=1|STATUS=node is up", "STOPPING=1");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSystemdNotifyThatHangsIsKilledAfterTheSendTimeout() throws Exception {
        Path hanging = dir.resolve("hanging-notify");
        // output and then silence with stdout held open: what a manager that never takes the barrier looks like
        Files.writeString(hanging, "#!/bin/sh\necho waiting\nexec sleep 599\n");
        Files.setPosixFilePermissions(hanging, PosixFilePermissions.fromString("rwx------"));
        Logger log = (Logger) LoggerFactory.getLogger(SystemdNotify.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        log.addAppender(events);
        try (SystemdNotify notify = new SystemdNotify(Map.of("NOTIFY_SOCKET", dir.resolve("none").toString()), hanging.toString(),
                Duration.ofMillis(500))) {
            notify.stopping();
        } finally {
            log.detachAppender(events);
        }
        assertThat(events.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .endsWith("STOPPING=1: no answer within 500 ms");
        Eventually.await("the hanging systemd-notify to be killed", Duration.ofSeconds(20),
                () -> ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                        .noneMatch(h -> h.info().commandLine().orElse("").contains("599")));
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
