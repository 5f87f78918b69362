package dev.cscs.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd (a {@code Type=notify} unit) that the node is ready, then pings its watchdog.
 * The protocol is a datagram on the AF_UNIX socket named by {@code NOTIFY_SOCKET}; the JDK has no
 * AF_UNIX datagrams (only stream channels), so each message is sent by systemd's own
 * {@code systemd-notify}, which the unit allows with {@code NotifyAccess=all}. Since systemd 246
 * it waits until the manager has read the message (a barrier, see its {@code --no-block}), so the
 * message is not lost when systemd-notify exits before the manager looks up its sender.
 * Without {@code NOTIFY_SOCKET} (not started by systemd, or {@code Type=simple}) it does nothing.
 */
public final class SystemdNotify implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    private final Map<String, String> env;
    private final String command;
    private final Duration sendTimeout;
    private ScheduledExecutorService pings;

    SystemdNotify(Map<String, String> env, String command) {
        this(env, command, SEND_TIMEOUT);
    }

    SystemdNotify(Map<String, String> env, String command, Duration sendTimeout) {
        this.env = env;
        this.command = command;
        this.sendTimeout = sendTimeout;
    }

    public static SystemdNotify fromEnvironment() {
        return new SystemdNotify(System.getenv(), "systemd-notify");
    }

    boolean enabled() {
        String socket = env.get("NOTIFY_SOCKET");
        return socket != null && !socket.isEmpty();
    }

    /**
     * Sends {@code READY=1}; then, when the unit has a watchdog meant for this process
     * ({@code WATCHDOG_USEC}, and {@code WATCHDOG_PID} unset or ours), {@code WATCHDOG=1} at half
     * its interval for as long as {@code healthy} says so: a node that stops answering is restarted.
     */
    public void ready(BooleanSupplier healthy) {
        if (!enabled()) {
            return;
        }
        send("READY=1", "STATUS=node is up");
        Duration interval = watchdogInterval();
        if (interval == null) {
            return;
        }
        pings = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cscs-watchdog");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis() / 2);
        pings.scheduleWithFixedDelay(() -> {
            if (healthy.getAsBoolean()) {
                send("WATCHDOG=1");
            } else {
                LOG.warn("not pinging the systemd watchdog: the node is not healthy");
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** {@code STOPPING=1}: systemd shows the unit as deactivating while Raft closes. */
    public void stopping() {
        if (enabled()) {
            send("STOPPING=1");
        }
    }

    Duration watchdogInterval() {
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (usec == null || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return null;
        }
        try {
            long us = Long.parseLong(usec);
            return us > 0 ? Duration.ofNanos(us * 1000) : null;
        } catch (NumberFormatException e) {
            LOG.warn("WATCHDOG_USEC={} is not a number of microseconds; not pinging the watchdog", usec);
            return null;
        }
    }

    private void send(String... assignments) {
        ProcessBuilder pb = new ProcessBuilder(concat(command, assignments)).redirectErrorStream(true);
        pb.environment().put("NOTIFY_SOCKET", env.get("NOTIFY_SOCKET"));
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // wait first, read after: a systemd-notify that hangs (a manager that never takes the barrier)
            // must not block the watchdog thread or the shutdown hook; its output is a line or two, well
            // within the pipe's buffer, so it cannot block on writing while we wait
            try (InputStream out = p.getInputStream()) {
                if (!p.waitFor(sendTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    LOG.warn("{} {}: no answer within {} ms", command, String.join(" ", assignments), sendTimeout.toMillis());
                } else if (p.exitValue() != 0) {
                    LOG.warn("{} {}: exit {}: {}", command, String.join(" ", assignments), p.exitValue(),
                            new String(out.readAllBytes(), StandardCharsets.UTF_8).strip());
                }
            }
        } catch (IOException e) {
            LOG.warn("{} {}: {}", command, String.join(" ", assignments), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> concat(String command, String... args) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(List.of(args));
        return all;
    }

    @Override
    public void close() {
        if (pings != null) {
            pings.shutdownNow();
        }
    }
}
