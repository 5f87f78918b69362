package dev.cscs.bench;

import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.testing.SseCrowd;
import dev.cscs.dist.ProcessCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The watch fan-out at fleet size: {@code N} plain HTTP watchers (each from its own loopback
 * address, as devices would be) spread over three server processes, then signed puts, each
 * timed from the start of the submission to its event at every watcher.
 *
 * <pre>bench/run watch [watchers] (default 1000; 20 puts)</pre>
 */
final class WatchBench {
    private static final Duration OPEN_DEADLINE = Duration.ofSeconds(180);
    private static final Duration EVENT_DEADLINE = Duration.ofSeconds(30);
    private static final int PUTS = Integer.getInteger("bench.puts", 20);
    /** Jetty's pool grows for the burst of connects and its idle threads exit after 60 s. */
    private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(90);

    private WatchBench() {
    }

    static void run(Path jar, int watchers) throws Exception {
        Path dir = Files.createTempDirectory("cscs-bench-watch");
        try (ProcessCluster c = new ProcessCluster(dir, jar, 3, "limits: {writesPerSecond: 0}")) {
            c.command(FootprintBench.launcher(jar)); // the servers as shipped: their heap bounds what a watcher may cost
            c.startAll();
            String leader = c.awaitLeader();
            String via = c.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            Head head = c.head(via);
            for (int i = 0; i < 200; i++) { // the JIT's first compilations are start-up, not fan-out
                head = ClusterBench.advance(c, via, head, "warmup");
            }
            ProcessCluster.Response last = c.put(via, head, "sysctl/net.bench.start", "{\"value\":\"1\"}");
            head = new Head(last.body().path("seq").asLong(), Digest.parse(last.body().path("digest").asText()));
            long from = last.body().path("revision").asLong(); // the watches start here: no history to catch up on
            Map<String, ProcStat> idle = figures(c);
            Map<String, Long> idleHeap = liveHeap(c);
            List<InetSocketAddress> servers = new ArrayList<>();
            c.ids().forEach(id -> servers.add(new InetSocketAddress("127.0.0.1", URI.create(c.url(id)).getPort())));

            Stats putLatency = new Stats();
            Stats delivery = new Stats();
            int complete = 0;
            int worst = watchers;
            try (SseCrowd crowd = new SseCrowd(servers, "/v1/watch?domains=global&fromRevision=" + from, watchers)) {
                long t0 = System.nanoTime();
                if (!Eventually.poll(OPEN_DEADLINE, () -> crowd.open() == watchers)) {
                    System.out.printf(Locale.ROOT, "only %d of %d watches opened within %d s%n", crowd.open(), watchers,
                            OPEN_DEADLINE.toSeconds());
                }
                System.out.printf(Locale.ROOT, "%d watches open in %.1f s%n", crowd.open(), (System.nanoTime() - t0) / 1e9);
                Map<String, ProcStat> watching = figures(c);
                Map<String, Long> watchingHeap = liveHeap(c);
                for (int i = 0; i < PUTS; i++) {
                    crowd.expect("net.bench.watch" + i + "\"");
                    long start = System.nanoTime();
                    head = ClusterBench.advance(c, via, head, "watch" + i);
                    putLatency.add(System.nanoTime() - start);
                    int seen = crowd.awaitSeen(EVENT_DEADLINE);
                    for (long d : crowd.delaysNanos(start)) {
                        if (d >= 0) {
                            delivery.add(d);
                        }
                    }
                    complete += seen == watchers ? 1 : 0;
                    worst = Math.min(worst, seen);
                }
                print(watchers, idle, watching, figures(c), putLatency, delivery, complete, worst);
                printSettled(c, watchers, idle, idleHeap, watchingHeap);
            }
        }
    }

    /**
     * What a watcher costs once the burst of connects is over: the live heap each node gained
     * with its watches, and its RSS once Jetty's extra threads have gone (or after
     * {@link #SETTLE_DEADLINE}).
     */
    private static void printSettled(ProcessCluster c, int watchers, Map<String, ProcStat> idle, Map<String, Long> idleHeap,
                                     Map<String, Long> watchingHeap) throws IOException, InterruptedException {
        int perNode = Math.max(1, watchers / idle.size());
        Eventually.poll(SETTLE_DEADLINE, () -> c.ids().stream().allMatch(id -> threads(c, id) <= idle.get(id).threads() + 10));
        for (String id : c.ids()) {
            ProcStat settled = ProcStat.of(c.pid(id));
            double heapKb = (watchingHeap.get(id) - idleHeap.get(id)) / 1024.0 / perNode;
            double rssKb = (settled.rssKb() - idle.get(id).rssKb()) / (double) perNode;
            System.out.printf(Locale.ROOT, "%s per watcher: live heap %.1f KB (after a full GC, watches open); RSS %.1f KB once "
                    + "settled (threads %d)%n", id, heapKb, rssKb, settled.threads());
        }
    }

    private static int threads(ProcessCluster c, String id) {
        try {
            return ProcStat.of(c.pid(id)).threads();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Long> liveHeap(ProcessCluster c) throws IOException, InterruptedException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String id : c.ids()) {
            out.put(id, LiveHeap.bytes(c.pid(id)));
        }
        return out;
    }

    private static Map<String, ProcStat> figures(ProcessCluster c) throws IOException {
        Map<String, ProcStat> out = new LinkedHashMap<>();
        for (String id : c.ids()) {
            out.put(id, ProcStat.of(c.pid(id)));
        }
        return out;
    }

    private static void print(int watchers, Map<String, ProcStat> idle, Map<String, ProcStat> watching,
                              Map<String, ProcStat> after, Stats putLatency, Stats delivery, int complete, int worst) {
        System.out.printf(Locale.ROOT, "watchers            %d over %d nodes%n", watchers, idle.size());
        System.out.printf(Locale.ROOT, "puts delivered to every watcher: %d of %d (fewest watchers reached by one put: %d)%n",
                complete, putLatency.count(), worst);
        System.out.println("put latency         " + putLatency.summary());
        System.out.println("put -> event, every watcher: " + delivery.summary());
        idle.forEach((id, before) -> {
            ProcStat w = watching.get(id);
            ProcStat a = after.get(id);
            double perWatcher = (w.rssKb() - before.rssKb()) * 1024.0 / Math.max(1, watchers / idle.size());
            System.out.printf(Locale.ROOT, "%s RSS %d -> %d MB with watchers (%.1f KB per watcher), %d MB after the puts; "
                    + "threads %d -> %d%n", id, before.rssKb() / 1024, w.rssKb() / 1024, perWatcher / 1024,
                    a.rssKb() / 1024, before.threads(), a.threads());
        });
    }
}
