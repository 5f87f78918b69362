package dev.cscs.bench;

import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.dist.ProcessCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Write latency and failover of three local processes, CSCS beside etcd where Debian's
 * etcd-server is installed. Both run the same work: sequential single-key writes, each
 * acknowledged after commit by a quorum; and SIGKILL of the leader, timed to the next
 * acknowledged write through a survivor.
 *
 * <pre>bench/run latency|failover|apply|watch|footprint|fleet [writes|rounds|changes|watchers|writes|agents]</pre>
 * {@code apply} times a signed put until the file is on disk on all three nodes; {@code watch}
 * times a signed put to its event at every one of many watchers ({@link WatchBench});
 * {@code footprint} measures memory, threads and idle CPU of the shipped roles ({@link FootprintBench});
 * {@code fleet} runs N real edge agents against them ({@link FleetRun}).
 */
public final class ClusterBench {
    /** One client writes as fast as commits allow: the per-client rate limit (20/s) would time it instead. */
    static final String UNLIMITED = "limits: {writesPerSecond: 0}";
    private static final int WARMUP_WRITES = Integer.getInteger("bench.warmup", 1000);

    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "latency";
        int n = args.length > 1 ? Integer.parseInt(args[1])
                : "latency".equals(mode) || "footprint".equals(mode) ? 500 : "fleet".equals(mode) ? 1000 : 5;
        Path jar = Path.of(System.getProperty("cscs.jar", "cscs-dist/target/cscs.jar"));
        System.out.printf(Locale.ROOT, "cscs bench %s (%d), %d cores, %s%n", mode, n, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        if ("watch".equals(mode)) {
            WatchBench.run(jar, args.length > 1 ? n : 1000);
            return;
        }
        if ("footprint".equals(mode)) {
            FootprintBench.run(jar, n);
            return;
        }
        if ("fleet".equals(mode)) {
            FleetRun.Plan plan = new FleetRun.Plan(n, Integer.getInteger("fleet.perJvm", 250), Integer.getInteger("fleet.puts", 5),
                    Duration.ofSeconds(60), Duration.ofSeconds(5));
            FleetRun.run(jar, plan, System.out).print(System.out);
            return;
        }
        if ("apply".equals(mode)) {
            Result r = cscsApply(jar, n);
            System.out.println("cscs  " + r.stats.summary());
            System.out.println("(no side-by-side figure: etcd + confd would be the peer, and confd is not packaged here)");
            return;
        }
        Result cscs = "latency".equals(mode) ? cscsLatency(jar, n) : cscsFailover(jar, n);
        System.out.println("cscs  " + cscs.stats.summary());
        if (!EtcdCluster.available()) {
            System.out.println("etcd  not installed (apt-get install etcd-server) - no side-by-side figures");
            return;
        }
        Result etcd = "latency".equals(mode) ? etcdLatency(n) : etcdFailover(n);
        System.out.println("etcd  " + etcd.stats.summary());
        System.out.printf(Locale.ROOT, "ratio cscs/etcd: p50 %.2fx, p99 %.2fx%n", cscs.stats.pct(50) / etcd.stats.pct(50),
                cscs.stats.pct(99) / etcd.stats.pct(99));
    }

    record Result(Stats stats) {
    }

    static Result cscsLatency(Path jar, int writes) throws Exception {
        Path dir = Files.createTempDirectory("cscs-bench");
        try (ProcessCluster c = new ProcessCluster(dir, jar, 3, UNLIMITED)) {
            c.startAll();
            String leader = c.awaitLeader();
            String follower = c.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            Head head = c.head(follower);
            // Three JVMs on two cores spend the first thousand writes compiling (C2 threads lead `top -H`):
            // that is start-up cost, not the steady state a daemon runs in.
            for (int i = 0; i < WARMUP_WRITES; i++) {
                head = advance(c, follower, head, "warmup");
            }
            Stats s = new Stats();
            for (int i = 0; i < writes; i++) {
                long t0 = System.nanoTime();
                head = advance(c, follower, head, "k" + (i % 50));
                s.add(System.nanoTime() - t0);
            }
            Stats direct = new Stats();
            for (int i = 0; i < writes / 5; i++) {
                long t0 = System.nanoTime();
                head = advance(c, leader, head, "k" + (i % 50));
                direct.add(System.nanoTime() - t0);
            }
            System.out.println("cscs  through the leader " + leader + ":   " + direct.summary());
            System.out.println("cscs  sequential signed writes through follower " + follower + " (sign + HTTP + Raft commit + apply), after "
                    + WARMUP_WRITES + " warm-up writes");
            return new Result(s);
        }
    }

    static Head advance(ProcessCluster c, String via, Head head, String key) {
        ProcessCluster.Response r = c.put(via, head, "sysctl/net.bench." + key, "{\"value\":\"" + head.seq() + "\"}");
        if (r.status() != 201) {
            throw new IllegalStateException("write failed: " + r.body());
        }
        return new Head(r.body().path("seq").asLong(), Digest.parse(r.body().path("digest").asText()));
    }

    /** From submitting a signed change to the file on disk on every node's sandbox root. */
    static Result cscsApply(Path jar, int changes) throws Exception {
        Path dir = Files.createTempDirectory("cscs-bench");
        try (ProcessCluster c = new ProcessCluster(dir, jar, 3, UNLIMITED, true)) {
            c.startAll();
            String leader = c.awaitLeader();
            String via = c.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            Head head = c.head(via);
            Stats s = new Stats();
            for (int i = 0; i < changes + 20; i++) {
                String line = "net.bench.applied = " + i;
                long t0 = System.nanoTime();
                ProcessCluster.Response r = c.put(via, head, "sysctl/net.bench.applied", "{\"value\":\"" + i + "\"}");
                if (r.status() != 201) {
                    throw new IllegalStateException("write failed: " + r.body());
                }
                head = new Head(r.body().path("seq").asLong(), Digest.parse(r.body().path("digest").asText()));
                for (String id : c.ids()) {
                    Path f = c.root(id).resolve("etc/sysctl.d/90-cscs.conf");
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (!contains(f, line)) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(id + " did not apply change " + i + " within 30 s");
                        }
                        Thread.onSpinWait();
                    }
                }
                if (i >= 20) {
                    s.add(System.nanoTime() - t0);
                }
            }
            System.out.println("cscs  signed put through follower " + via + " until the file is on disk on all 3 nodes"
                    + " (sign, HTTP, Raft, each node's own verification, quiet period 10 ms, atomic write)");
            return new Result(s);
        }
    }

    private static boolean contains(Path f, String line) {
        try {
            return Files.exists(f) && Files.readString(f).contains(line);
        } catch (IOException e) {
            return false;
        }
    }

    static Result cscsFailover(Path jar, int rounds) throws Exception {
        Stats s = new Stats();
        for (int round = 0; round < rounds; round++) {
            Path dir = Files.createTempDirectory("cscs-bench");
            try (ProcessCluster c = new ProcessCluster(dir, jar, 3, UNLIMITED)) {
                c.startAll();
                c.awaitLeader();
                String warm = c.ids().get(0);
                Head head = c.head(warm);
                for (int i = 0; i < 20; i++) {
                    head = advance(c, warm, head, "warmup");
                }
                // asked only now: a cluster may change leader once while it starts
                String leader = c.awaitLeader();
                String via = c.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
                c.kill9(leader);
                long t0 = System.nanoTime();
                while (true) {
                    try {
                        ProcessCluster.Response r = c.put(via, head, "sysctl/net.bench.after", "{\"value\":\"1\"}");
                        if (r.status() == 201) {
                            break;
                        }
                    } catch (RuntimeException e) {
                        // retry
                    }
                }
                s.add(System.nanoTime() - t0);
                System.out.printf(Locale.ROOT, "cscs  round %d: %.0f ms from SIGKILL of %s to the next acknowledged write%n",
                        round, (System.nanoTime() - t0) / 1e6, leader);
            }
        }
        return new Result(s);
    }

    static Result etcdLatency(int writes) throws Exception {
        Path dir = Files.createTempDirectory("etcd-bench");
        try (EtcdCluster e = new EtcdCluster(dir, 400, 50)) {
            String leader = awaitEtcdLeader(e);
            String follower = e.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            for (int i = 0; i < 50; i++) {
                e.put(follower, "warmup", "x");
            }
            Stats s = new Stats();
            for (int i = 0; i < writes; i++) {
                long t0 = System.nanoTime();
                if (!e.put(follower, "k" + (i % 50), Integer.toString(i))) {
                    throw new IllegalStateException("etcd write failed");
                }
                s.add(System.nanoTime() - t0);
            }
            System.out.println("etcd  sequential writes through follower " + follower + " (HTTP gateway + Raft commit)");
            return new Result(s);
        }
    }

    static Result etcdFailover(int rounds) throws Exception {
        Stats s = new Stats();
        for (int round = 0; round < rounds; round++) {
            Path dir = Files.createTempDirectory("etcd-bench");
            try (EtcdCluster e = new EtcdCluster(dir, 400, 50)) {
                String leader = awaitEtcdLeader(e);
                String via = e.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
                for (int i = 0; i < 20; i++) {
                    e.put(via, "warmup", "x");
                }
                e.kill9(leader);
                long t0 = System.nanoTime();
                // a proposal lost with the leader only fails at the client's timeout: retry every 200 ms
                while (!e.put(via, "after", "1", Duration.ofMillis(200))) {
                    Thread.onSpinWait();
                }
                s.add(System.nanoTime() - t0);
                System.out.printf(Locale.ROOT, "etcd  round %d: %.0f ms from SIGKILL of %s to the next acknowledged write%n",
                        round, (System.nanoTime() - t0) / 1e6, leader);
            }
        }
        return new Result(s);
    }

    private static String awaitEtcdLeader(EtcdCluster e) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            String l = e.leader();
            if (l != null) {
                return l;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("etcd elected no leader in 30 s");
    }
}
