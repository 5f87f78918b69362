package dev.cscs.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' {@code promtool}, where {@code packaging/test/metrics-check} puts it (or on the
 * PATH, or {@code $PROMTOOL}). It is not a Maven artifact: tests that need it skip, saying so,
 * when it is absent.
 */
final class Promtool {
    static final String MISSING = "promtool not found: run packaging/test/metrics-check (fetches it from Debian's "
            + "prometheus package into ~/.cache/cscs/promtool), install prometheus, or set PROMTOOL";

    private Promtool() {
    }

    static Optional<Path> find() {
        String env = System.getenv("PROMTOOL");
        List<Path> candidates = new java.util.ArrayList<>();
        if (env != null && !env.isEmpty()) {
            candidates.add(Path.of(env));
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".cache/cscs/promtool/usr/bin/promtool"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "promtool"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** Runs {@code promtool check metrics} on {@code exposition}; returns its exit code and output. */
    static Result checkMetrics(Path promtool, byte[] exposition) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(exposition);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "promtool did not finish within 60 s");
        }
        return new Result(p.exitValue(), out);
    }

    record Result(int exit, String output) {
    }
}
