package dev.cscs.bench;

import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Eventually;
import dev.cscs.dist.ProcessCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fleet scenario, for {@code bench/run fleet} and the CI smoke test alike: a 3-node
 * cluster of real processes, N real edge agents, then
 * <ol>
 * <li>signed puts of {@code yum/fleet}, each timed until the file is on disk in every agent's root;</li>
 * <li>server CPU and RSS before and with the agents connected;</li>
 * <li>kill -9 of a follower while the survivors are probed (/readyz and a write every 500 ms),
 *     a change put at once, timed until every agent has it (those of the killed server must
 *     reconnect elsewhere first); then the restart, and one more change, applied by all.</li>
 * </ol>
 * Every wait has a deadline; what did not happen by then is reported, by agent.
 */
final class FleetRun {
    /**
     * All agents share 127.0.0.1, which the per-client limits count as one client: unlimited
     * writes (the joins and status reports of N devices), N watches, and the most concurrent requests allowed.
     */
    static final String LIMITS = "limits: {writesPerSecond: 0, watchesPerClient: 10000, concurrentPerClient: 200}";
    /** The servers' election timeouts, {@code -Dfleet.election=1s,2s}; the shipped defaults without it. */
    static final String RAFT = System.getProperty("fleet.election", "").isEmpty() ? ""
            : ", electionTimeoutMin: " + System.getProperty("fleet.election").split(",")[0]
                    + ", electionTimeoutMax: " + System.getProperty("fleet.election").split(",")[1];
    static final String HEAP = System.getProperty("fleet.agentHeap", "224m");

    /**
     * @param agents        how many edge agents
     * @param perJvm        agents per JVM
     * @param puts          measured puts (after the first apply, which creates the files)
     * @param applyDeadline how long each change may take to reach every agent; then the missing are listed
     * @param idleWindow    how long server CPU is sampled for the idle figures
     */
    record Plan(int agents, int perJvm, int puts, Duration applyDeadline, Duration idleWindow) {
    }

    private final ProcessCluster cluster;
    private final PrintStream log;
    private final Writer writer;
    private final Plan plan;

    private FleetRun(ProcessCluster cluster, String via, Plan plan, PrintStream log) {
        this.cluster = cluster;
        this.log = log;
        this.plan = plan;
        this.writer = new Writer(cluster, via);
    }

    static FleetReport run(Path jar, Plan plan, PrintStream log) throws Exception {
        int agents = plan.agents();
        Path clusterDir = Files.createTempDirectory("cscs-fleet");
        Path agentsDir = agentsDir();
        try (ProcessCluster c = new ProcessCluster(clusterDir, jar, 3, 0, RAFT, LIMITS, false)) {
            c.startAll();
            String leader = c.awaitLeader();
            String via = c.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            FleetRun run = new FleetRun(c, via, plan, log);
            for (int i = 0; i < 10; i++) {
                run.writer.put(Fleet.KEY, "{\"baseurl\":\"" + url("warmup-" + i) + "\"}");
            }
            log.printf("cluster up (leader %s, writes through %s); provisioning %d agents in %s%n", leader, via, agents, agentsDir);
            try (Fleet fleet = new Fleet(c, agentsDir, agents)) {
                // Ctrl-C or SIGTERM of the harness must not leave 3 servers and N agents running
                Thread stop = new Thread(() -> {
                    fleet.close();
                    c.close();
                }, "fleet-stop");
                Runtime.getRuntime().addShutdownHook(stop);
                try {
                    return run.measure(fleet);
                } finally {
                    Runtime.getRuntime().removeShutdownHook(stop);
                }
            }
        } finally {
            if (Boolean.getBoolean("fleet.keep")) {
                log.println("kept (-Dfleet.keep): the servers' dirs and logs in " + clusterDir + ", the agents' in " + agentsDir);
            } else {
                DiskUsage.removeTree(agentsDir);
                DiskUsage.removeTree(clusterDir);
            }
        }
    }

    /** On tmpfs when there is one: 1,000 devices each fsync their own disk, not one disk in turn. */
    private static Path agentsDir() throws IOException {
        String given = System.getProperty("fleet.dir");
        Path shm = Path.of("/dev/shm");
        Path parent = given != null ? Path.of(given) : Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(Files.createDirectories(parent), "cscs-fleet-agents");
    }

    private FleetReport measure(Fleet fleet) throws Exception {
        List<String> servers = cluster.ids();
        FleetReport r = new FleetReport(fleet.agents(), servers);
        r.loadBefore = loadAverage();
        r.agentsDir = fleet.agents().get(0).dir().getParent().toString();
        r.jvmFlags = "-Xmx" + HEAP + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1, " + plan.perJvm() + " agents each";
        r.serverIdleCpuBefore = idleCpu(servers);
        r.serverRssBeforeKb = servers(servers).rssKb();

        long t0 = System.nanoTime();
        fleet.launch(plan.perJvm(), HEAP, Duration.ofSeconds(30), Duration.ofMinutes(10));
        r.launchSeconds = (System.nanoTime() - t0) / 1e9;
        r.jvms = fleet.jvmPids().size();
        int expected = fleet.agents().size() - fleet.notUp().size();
        awaitWatchers(fleet, servers, expected, Duration.ofSeconds(60), r.watchersConnected);
        log.printf("%d agents up in %.1f s, %d not; watch streams %s%n", expected, r.launchSeconds,
                fleet.agents().size() - expected, r.watchersConnected);

        List<Path> files = new ArrayList<>();
        fleet.agents().forEach(a -> files.add(a.file()));
        try (AppliedWatch watch = new AppliedWatch(files)) {
            r.first = deliver(watch, servers, "v0", System.nanoTime());
            // the status reports that follow an apply are not idle load
            Thread.sleep(plan.idleWindow().toMillis());
            r.serverIdleCpuAfter = idleCpu(servers);
            r.serverRssAfterKb = servers(servers).rssKb();
            r.agentJvmRssKb = ProcStat.sum(fleet.jvmPids()).rssKb();
            for (int k = 1; k <= plan.puts(); k++) {
                r.puts.add(deliver(watch, servers, "v" + k, System.nanoTime()));
                log.println("put v" + k + ": " + r.puts.get(k - 1).stats().summary());
            }
            storm(fleet, watch, r);
        }
        r.loadAfter = loadAverage();
        return r;
    }

    /**
     * Puts {@code yum/fleet} = {@code label}'s URL and waits until every agent's file has it. A
     * put that never lands is a finding too: every agent is then counted as never having applied it.
     */
    private FleetReport.Delivery deliver(AppliedWatch watch, List<String> servers, String label, long t0) throws Exception {
        long cpu0 = servers(servers).cpuMillis();
        long p0 = System.nanoTime();
        long[] at;
        double putMs;
        try {
            writer.put(Fleet.KEY, "{\"baseurl\":\"" + url(label) + "\"}");
            putMs = (System.nanoTime() - p0) / 1e6;
            at = watch.await("baseurl=" + url(label), t0, System.nanoTime() + plan.applyDeadline().toNanos());
        } catch (IllegalStateException e) {
            log.println(label + ": " + e.getMessage());
            putMs = Double.NaN;
            at = new long[plan.agents()];
            Arrays.fill(at, -1);
        }
        FleetReport.Delivery d = new FleetReport.Delivery(label, putMs, at, servers(servers).cpuMillis() - cpu0);
        int missing = d.appliedAt().length - d.stats().count();
        if (missing > 0) {
            // said at once, so that a run stopped later still shows it
            log.printf("%s: %d agents did not apply it within %d s (listed at the end)%n", label, missing,
                    plan.applyDeadline().toSeconds());
        }
        return d;
    }

    private static String url(String label) {
        return "https://repo.example/fleet/" + label;
    }

    private void storm(Fleet fleet, AppliedWatch watch, FleetReport r) throws Exception {
        // a follower (asked now: a loaded machine may have moved the leader), so that writes need no
        // election: what is measured is the agents' return
        String leader = cluster.awaitLeader();
        String victim = cluster.ids().stream().filter(id -> !id.equals(leader) && !id.equals(writer.via)).findFirst().orElseThrow();
        r.victim = victim;
        List<String> survivors = new ArrayList<>(cluster.ids());
        survivors.remove(victim);
        Prober prober = new Prober(survivors, r.probes);
        prober.start();
        try {
            long killed = System.nanoTime();
            cluster.kill9(victim);
            // restarted at once, as a supervisor would: its JVM boots while its agents fail over
            cluster.start(victim);
            log.println("killed " + victim + " (kill -9) and started it again");
            r.afterKill = deliver(watch, survivors, "after-kill", killed);
            awaitReady(victim, Duration.ofSeconds(90));
            r.restartSeconds = (System.nanoTime() - killed) / 1e9;
            r.afterRestart = deliver(watch, survivors, "after-restart", System.nanoTime());
        } finally {
            prober.stop();
        }
        awaitWatchers(fleet, cluster.ids(), fleet.agents().size() - fleet.notUp().size(), Duration.ofSeconds(10),
                r.watchersAfterStorm);
        for (String id : cluster.ids()) {
            r.rateLimited.put(id, (long) fleet.metric(id, "cscs_rate_limited_total"));
            r.leaderChanges.put(id, (long) fleet.metric(id, "cscs_raft_leader_changes_total"));
        }
        // an agent still starting when the launch wait ended may be up by now: the report says where each one ended
        r.notStarted.putAll(fleet.notUp());
    }

    /** The machine's 1-minute load average: the figures of a shared 2-core machine mean little without it. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private void awaitReady(String id, Duration within) {
        boolean ready = Eventually.poll(within, () -> {
            try {
                return cluster.get(id, "/readyz").status() == 200;
            } catch (RuntimeException e) {
                return false; // not listening yet
            }
        });
        if (!ready) {
            log.println(id + " not ready within " + within.toSeconds() + " s after its restart");
        }
    }

    /** Waits until the servers' watch streams add up to {@code expected}, or the deadline; records the last count. */
    private static void awaitWatchers(Fleet fleet, List<String> servers, int expected, Duration within, Map<String, Integer> out) {
        Eventually.poll(within, () -> {
            out.clear();
            servers.forEach(s -> out.put(s, fleet.watchers(s)));
            return out.values().stream().mapToInt(Integer::intValue).sum() >= expected;
        });
    }

    /** CPU time and RSS of the servers {@code ids}, added up. */
    private ProcStat servers(List<String> ids) {
        List<Long> pids = new ArrayList<>();
        ids.forEach(id -> pids.add(cluster.pid(id)));
        return ProcStat.sum(pids);
    }

    /** Server CPU over the idle window (no writes), in % of one core, all servers together. */
    private double idleCpu(List<String> ids) throws InterruptedException {
        long c0 = servers(ids).cpuMillis();
        long t0 = System.nanoTime();
        Thread.sleep(plan.idleWindow().toMillis());
        return 100.0 * (servers(ids).cpuMillis() - c0) / ((System.nanoTime() - t0) / 1e6);
    }

    /** Signed puts of {@code global}, one at a time (the prober writes too), each from the current head. */
    static final class Writer {
        private final ProcessCluster cluster;
        final String via;

        Writer(ProcessCluster cluster, String via) {
            this.cluster = cluster;
            this.via = via;
        }

        /** Retries for up to 60 s (a survivor may answer 503 during an election); throws if it never lands. */
        synchronized void put(String key, String value) throws InterruptedException {
            long end = System.nanoTime() + 60_000_000_000L;
            String last = "no attempt";
            while (System.nanoTime() < end) {
                try {
                    ProcessCluster.Response h = cluster.get(via, "/v1/changesets/global?limit=0");
                    if (h.status() != 200) {
                        last = "reading the head: HTTP " + h.status() + " " + h.body();
                        Thread.sleep(100);
                        continue;
                    }
                    Head head = cluster.head(via);
                    ProcessCluster.Response resp = cluster.put(via, head, key, value);
                    if (resp.status() == 201) {
                        return;
                    }
                    last = "HTTP " + resp.status() + " " + resp.body();
                } catch (RuntimeException e) {
                    last = e.toString();
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("write of " + key + " through " + via + " did not land in 60 s: " + last);
        }
    }

    /** Every 500 ms, /readyz of each survivor and one write, until stopped. */
    private final class Prober implements Runnable {
        private final List<String> servers;
        private final List<FleetReport.Probe> out;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread = new Thread(this, "fleet-prober");

        Prober(List<String> servers, List<FleetReport.Probe> out) {
            this.servers = servers;
            this.out = out;
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(40_000);
        }

        @Override
        public void run() {
            int n = 0;
            while (!stop.get()) {
                for (String s : servers) {
                    long t0 = System.nanoTime();
                    boolean ready;
                    try {
                        ready = cluster.get(s, "/readyz").status() == 200;
                    } catch (RuntimeException e) {
                        ready = false;
                    }
                    boolean wrote = true;
                    if (s.equals(writer.via)) {
                        try {
                            // another file than the one timed: the agents apply it too, which is load of the storm
                            writer.put("yum/probe", "{\"baseurl\":\"" + url("probe-" + n++) + "\"}");
                        } catch (RuntimeException | InterruptedException e) {
                            wrote = false;
                        }
                    }
                    synchronized (out) {
                        out.add(new FleetReport.Probe(s, ready, wrote, (System.nanoTime() - t0) / 1e6));
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
