package dev.cscs.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CSCS beside etcd + a file-rendering watcher, the same work on the same machine in one run,
 * printed as one table with the ratio and the target of each row (issue 12). Every cluster is
 * three processes on loopback; each side is measured with its shipped defaults.
 *
 * <pre>bench/run   (-Dbench.writes=2000 -Dbench.warmup=1000 -Dbench.changes=200 -Dbench.rounds=10 -Dbench.seconds=10)</pre>
 */
final class SideBySide {
    static final int WRITES = Integer.getInteger("bench.writes", 2000);
    static final int WARMUP = Integer.getInteger("bench.warmup", 1000);
    static final int CHANGES = Integer.getInteger("bench.changes", 200);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 10);
    static final Duration THROUGHPUT = Duration.ofSeconds(Integer.getInteger("bench.seconds", 10));
    /** Writes before the propagation row is timed: each watcher's first event, the agents' first apply. */
    private static final int RENDER_WARMUP = 20;
    private static final int START_ATTEMPTS = 3;
    /** -Dbench.keep=true: the failover rounds' directories stay, with each node's log. */
    private static final boolean KEEP = Boolean.getBoolean("bench.keep");
    private final PrintStream out;

    SideBySide(PrintStream out) {
        this.out = out;
    }

    interface Starter {
        Contender start() throws IOException;
    }

    record Figures(Stats sequential, Throughput throughput, Stats propagation, Stats failover, Memory memory) {
    }

    record Throughput(double perSecond, long failed) {
    }

    /** Means over the members: a member's processes' RSS summed, its first process's alone (etcd without its watcher), its state on disk. */
    record Memory(double rssMb, double firstProcessRssMb, double stateMb) {
    }

    /** One row of work on a running cluster. */
    private interface Row<T> {
        T run(Contender c) throws Exception;
    }

    void run(Path jar) throws Exception {
        QuietLogs.warnAndAbove();
        out.printf(Locale.ROOT, "CSCS against %s: %d cores, %.1f GiB, Java %s%n", EtcdContender.version(),
                Runtime.getRuntime().availableProcessors(), Machine.memoryGib(), System.getProperty("java.version"));
        Figures cscs = measure(() -> CscsContender.start(jar, true), () -> CscsContender.start(jar, false));
        Figures etcd = measure(() -> EtcdContender.start(true), () -> EtcdContender.start(false));
        new SideBySideTable(cscs, etcd).print(out);
    }

    Figures measure(Starter rendering, Starter bare) throws Exception {
        Stats sequential;
        Throughput throughput;
        Stats propagation;
        Memory memory;
        try (Contender c = started(rendering)) {
            String via = follower(c);
            sequential = row(c, x -> sequential(x, via));
            throughput = row(c, this::throughput);
            propagation = row(c, x -> propagation(x, via));
            memory = row(c, SideBySide::memory);
        }
        Stats failover = new Stats();
        for (int round = 0; round < ROUNDS; round++) {
            int r = round;
            try (Contender c = started(bare)) {
                if (KEEP) {
                    progress(c, "round " + (round + 1) + " in " + c.keep());
                }
                failover.add(row(c, x -> failoverRound(x, r)));
            }
        }
        return new Figures(sequential, throughput, propagation, failover, memory);
    }

    /** Runs {@code row}; when it fails, the cluster's directories (logs, data) stay for a post-mortem. */
    private <T> T row(Contender c, Row<T> row) throws Exception {
        try {
            return row.run(c);
        } catch (Exception | Error e) {
            out.println("  " + c.name() + ": failed (" + e.getMessage() + "); its directories are kept in " + c.keep());
            throw e;
        }
    }

    private Stats sequential(Contender c, String via) {
        progress(c, WARMUP + " warm-up writes, then " + WRITES + " sequential writes through follower " + via);
        for (int i = 0; i < WARMUP; i++) {
            c.write(via, Contender.SEQUENTIAL, i);
        }
        Stats s = new Stats();
        for (int i = 0; i < WRITES; i++) {
            long t0 = System.nanoTime();
            c.write(via, Contender.SEQUENTIAL, WARMUP + i);
            s.add(System.nanoTime() - t0);
        }
        String own = c.serverSide(via);
        if (!own.isEmpty()) {
            progress(c, own);
        }
        return s;
    }

    private Throughput throughput(Contender c) throws Exception {
        progress(c, Contender.WRITERS + " concurrent writers for " + THROUGHPUT.toSeconds() + " s, spread over the members");
        AtomicLong failures = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Contender.WRITERS);
        try {
            long end = System.nanoTime() + THROUGHPUT.toNanos();
            List<Future<Long>> writers = new ArrayList<>();
            for (int w = 0; w < Contender.WRITERS; w++) {
                String lane = Contender.writerLane(w);
                String member = c.members().get(w % c.members().size());
                writers.add(pool.submit(() -> {
                    long n = 0;
                    for (int i = 0; System.nanoTime() < end && i < 1_000_000; i++) {
                        if (c.tryWrite(member, lane, i, 10_000)) {
                            n++;
                        } else {
                            failures.incrementAndGet();
                        }
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> f : writers) {
                total += f.get();
            }
            return new Throughput(total / (double) THROUGHPUT.toSeconds(), failures.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private Stats propagation(Contender c, String via) throws Exception {
        progress(c, CHANGES + " changes, each timed until it is in the rendered file on all 3 members");
        Stats s = new Stats();
        try (FileArrival arrival = new FileArrival(c.renderedFiles())) {
            for (int i = 0; i < CHANGES + RENDER_WARMUP; i++) {
                long t0 = System.nanoTime();
                c.write(via, Contender.RENDERED, i);
                arrival.await(c.renderedText(i), 30_000);
                if (i >= RENDER_WARMUP) {
                    s.add(System.nanoTime() - t0);
                }
            }
        }
        return s;
    }

    private static Memory memory(Contender c) throws IOException {
        double rss = 0;
        double first = 0;
        double state = 0;
        Map<String, List<Long>> pids = c.pids();
        for (Map.Entry<String, List<Long>> m : pids.entrySet()) {
            rss += ProcStat.sum(m.getValue()).rssMb();
            first += ProcStat.of(m.getValue().get(0)).rssMb();
            state += c.stateBytes(m.getKey()) / 1e6;
        }
        return new Memory(rss / pids.size(), first / pids.size(), state / pids.size());
    }

    /** SIGKILL of a new cluster's leader, timed to the next write a survivor acknowledges; in nanoseconds. */
    private long failoverRound(Contender c, int round) throws InterruptedException {
        String warm = c.members().get(0);
        for (int i = 0; i < RENDER_WARMUP; i++) {
            c.write(warm, "failover", i);
        }
        // asked only now: a cluster may change leader once while it starts
        String leader = c.leader();
        String via = follower(c, leader);
        c.kill9(leader);
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofSeconds(60).toNanos();
        // a write caught in the leader change may hang: each try is given 100 ms, then another
        while (!c.tryWrite(via, "failover", 1000 + round, 100)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(c.name() + " acknowledged no write within 60 s of killing " + leader);
            }
        }
        long took = System.nanoTime() - t0;
        progress(c, String.format(Locale.ROOT, "failover round %d: %.0f ms from SIGKILL of %s to the next acknowledged write",
                round + 1, took / 1e6, leader));
        return took;
    }

    /** Starts a cluster, again on new ports if one did not come up (a port taken meanwhile, a slow start). */
    private Contender started(Starter starter) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return starter.start();
            } catch (RuntimeException | IOException e) {
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
                out.println("  (a cluster did not start: " + e.getMessage() + "; again on new ports)");
            }
        }
    }

    private static String follower(Contender c) {
        return follower(c, c.leader());
    }

    private static String follower(Contender c, String leader) {
        return c.members().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }

    private void progress(Contender c, String what) {
        out.println("  " + c.name() + ": " + what);
    }
}
