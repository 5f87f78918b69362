package dev.cscs.bench;

import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.dist.ProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The entry point of {@code bench/run}. With no mode, CSCS beside etcd + a watcher in one table
 * ({@link SideBySide}); otherwise one of the figures of issue 11.
 *
 * <pre>bench/run [watch|footprint|fleet [watchers|writes|agents]]</pre>
 * {@code watch} times a signed put to its event at every one of many watchers ({@link WatchBench});
 * {@code footprint} measures memory, threads and idle CPU of the shipped roles ({@link FootprintBench});
 * {@code fleet} runs N real edge agents against them ({@link FleetRun}).
 */
public final class ClusterBench {
    /** One client writes as fast as commits allow: the per-client rate limit (20/s) would time it instead. */
    static final String UNLIMITED = "limits: {writesPerSecond: 0}";

    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("cscs.jar", "cscs-dist/target/cscs.jar"));
        if (args.length == 0) {
            new SideBySide(System.out).run(jar);
            return;
        }
        String mode = args[0];
        int n = args.length > 1 ? Integer.parseInt(args[1]) : "fleet".equals(mode) ? 1000 : "watch".equals(mode) ? 1000 : 500;
        System.out.printf(Locale.ROOT, "cscs bench %s (%d), %d cores, %s%n", mode, n, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        switch (mode) {
            case "watch" -> WatchBench.run(jar, n);
            case "footprint" -> FootprintBench.run(jar, n);
            case "fleet" -> {
                FleetRun.Plan plan = new FleetRun.Plan(n, Integer.getInteger("fleet.perJvm", 250), Integer.getInteger("fleet.puts", 5),
                        Duration.ofSeconds(60), Duration.ofSeconds(5));
                FleetRun.run(jar, plan, System.out).print(System.out);
            }
            default -> throw new IllegalArgumentException("unknown mode '" + mode + "': bench/run [watch|footprint|fleet [N]]");
        }
    }

    static Head advance(ProcessCluster c, String via, Head head, String key) {
        ProcessCluster.Response r = c.put(via, head, "sysctl/net.bench." + key, "{\"value\":\"" + head.seq() + "\"}");
        if (r.status() != 201) {
            throw new IllegalStateException("write failed: " + r.body());
        }
        return new Head(r.body().path("seq").asLong(), Digest.parse(r.body().path("digest").asText()));
    }
}
