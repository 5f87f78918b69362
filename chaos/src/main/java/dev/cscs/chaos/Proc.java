package dev.cscs.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code cscs server} or {@code cscs agent} process, run as its own uid (so that partitions
 * can match its packets by owner), its output appended to {@code <dir>/<id>.out}.
 */
final class Proc {
    final String id;
    final int uid;
    final Path config;
    final Path out;
    private final String verb;
    private final Path jar;
    private final Path home;
    private Process process;
    private boolean stopped;

    Proc(String id, String verb, int uid, Path jar, Path config, Path home, Path out) {
        this.id = id;
        this.verb = verb;
        this.uid = uid;
        this.jar = jar;
        this.config = config;
        this.home = home;
        this.out = out;
    }

    synchronized void start() {
        ProcessBuilder pb = new ProcessBuilder(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                "java", "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-jar", jar.toString(), verb, "--config", config.toString()));
        pb.environment().put("HOME", home.toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stopped = false;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    synchronized Process process() {
        return process;
    }

    /** SIGKILL and wait for it: nothing of the process's own shutdown runs. */
    synchronized void kill9() throws InterruptedException {
        if (process != null) {
            cont();
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    synchronized void stop() {
        signal("STOP");
        stopped = true;
    }

    synchronized void cont() {
        if (stopped) {
            signal("CONT");
            stopped = false;
        }
    }

    /** SIGQUIT: the JVM prints a thread dump to its output ({@link #out}) and runs on. */
    synchronized void requestThreadDump() {
        signal("QUIT");
    }

    private void signal(String sig) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
