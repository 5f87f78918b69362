package dev.cscs.dist.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where the browser tests find Chromium and their scripts, and how a script runs: bounded in time. */
final class Browsers {
    static final Path SCRIPTS = Path.of("src/test/ui");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CSCS_CHROMIUM", "/usr/bin/chromium"));

    private Browsers() {
    }

    static void require() {
        assertThat(CHROMIUM).as("Chromium for the browser tests; ./test installs Debian's chromium package").isExecutable();
        assertThat(SCRIPTS.resolve("node_modules/playwright-core")).as("the npm packages of " + SCRIPTS
                + "; ./test runs npm ci there").isDirectory();
    }

    /**
     * Starts {@code node SCRIPT} with {@code env} (and the Chromium to drive), stdout and stderr
     * merged; it is killed once {@code deadline} has passed, so a hung browser ends the read of its
     * output instead of the test run.
     */
    static Process start(String script, Map<String, String> env, Duration deadline) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("node", script).directory(SCRIPTS.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("CSCS_CHROMIUM", CHROMIUM.toString());
        Process node = pb.start();
        Thread watchdog = new Thread(() -> {
            try {
                if (!node.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                node.destroyForcibly();
            }
        }, script + "-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
        return node;
    }
}
