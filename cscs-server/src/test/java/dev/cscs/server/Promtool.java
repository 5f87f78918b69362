package dev.cscs.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' {@code promtool}: {@code $PROMTOOL}, where {@code packaging/test/metrics-check}
 * puts it, or on the PATH; when none is there, that script is run once to fetch it from
 * Debian's package (it is not a Maven artifact). Tests that need it skip, saying so, only when
 * it cannot be had.
 */
final class Promtool {
    static final String MISSING = "promtool not found: run packaging/test/metrics-check (fetches it from Debian's "
            + "prometheus package into ~/.cache/cscs/promtool), install prometheus, or set PROMTOOL";

    private Promtool() {
    }

    private static Optional<Path> found;

    /** Finds promtool, fetching it once per JVM when it is nowhere. */
    static synchronized Optional<Path> get() throws IOException, InterruptedException {
        if (found == null) {
            found = find();
            Path script = Path.of("..", "packaging", "test", "metrics-check");
            if (found.isEmpty() && Files.isExecutable(script)) {
                Process p = new ProcessBuilder(script.toString(), "--fetch").inheritIO().start();
                if (!p.waitFor(180, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                found = find();
            }
        }
        return found;
    }

    static Optional<Path> find() {
        String env = System.getenv("PROMTOOL");
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isEmpty()) {
            candidates.add(Path.of(env));
        }
        // the script caches under $HOME, which may differ from the JVM's user.home
        String home = System.getenv().getOrDefault("HOME", System.getProperty("user.home"));
        candidates.add(Path.of(home, ".cache/cscs/promtool/usr/bin/promtool"));
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
        return run(new ProcessBuilder(promtool.toString(), "check", "metrics"), exposition);
    }

    /** Runs {@code promtool args...} in {@code dir}. */
    static Result run(Path promtool, Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        return run(new ProcessBuilder(command).directory(dir.toFile()), new byte[0]);
    }

    private static Result run(ProcessBuilder pb, byte[] stdin) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
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
