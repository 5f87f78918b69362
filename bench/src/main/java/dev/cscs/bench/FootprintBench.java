package dev.cscs.bench;

import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Head;
import dev.cscs.dist.ProcessCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each role costs on a device with the JVM defaults that ship ({@code packaging/bin/cscs}
 * and {@code packaging/jvm/*.options}, run on the build): an edge agent's RSS, threads and idle
 * CPU; a cluster node's RSS after {@code writes} signed writes, and its idle CPU; the wall time of
 * {@code cscs --version} and {@code cscs verify}. Each figure is printed against its target.
 *
 * <pre>bench/run footprint [writes]   (-Dbench.idle=SECONDS: the idle window, 30 by default)</pre>
 */
final class FootprintBench {
    private static final int IDLE_SECONDS = Integer.getInteger("bench.idle", 30);
    private static final int CLI_RUNS = Integer.getInteger("bench.cliRuns", 11);

    private FootprintBench() {
    }

    /** The shipped launcher run on the build: {@code packaging/bin/cscs}, with the jars and the role options of {@code target/}. */
    static List<String> launcher(Path jar) {
        return List.of("env", "CSCS_SHARE=" + jar.toAbsolutePath().getParent(), "CSCS_CDS_ARCHIVE=" + cdsArchive(jar),
                Path.of("packaging/bin/cscs").toAbsolutePath().toString());
    }

    private static Path cdsArchive(Path jar) {
        return jar.toAbsolutePath().getParent().resolve("cscs.jsa");
    }

    static void run(Path jar, int writes) throws Exception {
        Path cds = cdsArchive(jar);
        List<String> shipped = launcher(jar);
        archive(shipped, jar, cds);
        Path dir = Files.createTempDirectory("cscs-bench");
        try (ProcessCluster c = new ProcessCluster(dir, jar, 3, ClusterBench.UNLIMITED)) {
            c.command(shipped);
            c.startAll();
            String leader = c.awaitLeader();
            String via = c.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            List<String> argv = new ArrayList<>(shipped);
            argv.addAll(List.of("agent", "--config", c.edgeConfig("d1").toString()));
            Process agent = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("d1.out").toFile())).start();
            try {
                Head head = c.awaitHead(via);
                String last = null;
                for (int i = 0; i < writes; i++) {
                    last = "net.bench.k" + (i % 50) + " = " + head.seq();
                    head = ClusterBench.advance(c, via, head, "k" + (i % 50));
                }
                awaitApplied(c.root("d1").resolve("etc/sysctl.d/90-cscs.conf"), last, agent);
                Map<String, Long> pids = new LinkedHashMap<>();
                pids.put("agent d1", agent.pid());
                c.ids().forEach(id -> pids.put("server " + id + (id.equals(leader) ? " (leader)" : ""), c.pid(id)));
                Map<String, ProcStat> before = new LinkedHashMap<>();
                for (Map.Entry<String, Long> p : pids.entrySet()) {
                    before.put(p.getKey(), ProcStat.of(p.getValue()));
                }
                long t0 = System.nanoTime();
                Thread.sleep(IDLE_SECONDS * 1000L);
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "after %d signed writes through %s (the agent applied the last), then %.0f s idle:%n",
                        writes, via, seconds);
                for (Map.Entry<String, Long> p : pids.entrySet()) {
                    ProcStat now = ProcStat.of(p.getValue());
                    boolean isAgent = p.getKey().startsWith("agent");
                    double cpu = now.cpuPercentSince(before.get(p.getKey()), seconds);
                    row(p.getKey() + " RSS", now.rssMb(), "MB", isAgent ? 64 : 160, now.threads() + " threads");
                    row(p.getKey() + " idle CPU", cpu, "% of a core", isAgent ? 0.2 : 1.0, "");
                }
            } finally {
                agent.destroy();
                agent.waitFor();
            }
            Path cs = Files.write(dir.resolve("cs.json"), ChangesetCodec.toPrettyJson(c.change(c.head(via), "sysctl/net.x", "{\"value\":\"1\"}")));
            double version = medianSeconds(shipped, "--version");
            double verify = medianSeconds(shipped, "verify", cs.toString(), "--genesis", c.genesis().toString());
            double plain = medianSeconds(List.of("java", "-jar", jar.toString()), "--version");
            row("cscs --version (median of " + CLI_RUNS + ")", version, "s", 0.15, String.format(Locale.ROOT,
                    "plain `java -jar cscs.jar --version`: %.3f s", plain));
            row("cscs verify (median of " + CLI_RUNS + ")", verify, "s", Double.NaN, "no target; was 0.51 s");
        }
    }

    /** The CLI's class-data archive for this build, as ./cscs makes it. */
    private static void archive(List<String> shipped, Path jar, Path cds) throws IOException, InterruptedException {
        if (Files.exists(cds) && Files.getLastModifiedTime(cds).compareTo(Files.getLastModifiedTime(jar)) > 0) {
            return;
        }
        List<String> argv = new ArrayList<>(shipped);
        argv.add(1, "CSCS_CDS_DUMP=" + cds);
        if (new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() != 0) {
            System.out.println("(no class-data archive: the CLI figures are without it)");
        }
    }

    private static void awaitApplied(Path file, String line, Process agent) throws Exception {
        long deadline = System.nanoTime() + ProcessCluster.DEADLINE.toNanos();
        while (!(Files.exists(file) && Files.readString(file).contains(line))) {
            if (System.nanoTime() > deadline || !agent.isAlive()) {
                throw new IllegalStateException("the edge agent did not apply '" + line + "' within " + ProcessCluster.DEADLINE);
            }
            Thread.sleep(20);
        }
    }

    private static double medianSeconds(List<String> command, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of(args));
        Stats s = new Stats();
        for (int i = 0; i < CLI_RUNS; i++) {
            long t0 = System.nanoTime();
            int rc = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            s.add(System.nanoTime() - t0);
            if (rc != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " exited " + rc);
            }
        }
        return s.pct(50) / 1000.0;
    }

    private static void row(String what, double value, String unit, double target, String note) {
        String verdict = Double.isNaN(target) ? "" : value <= target ? "  met (target <= " + fmt(target) + ")"
                : "  MISSED (target <= " + fmt(target) + ")";
        System.out.printf(Locale.ROOT, "  %-44s %9s %-12s%s%s%n", what, fmt(value), unit, verdict, note.isEmpty() ? "" : "  " + note);
    }

    private static String fmt(double v) {
        return v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
