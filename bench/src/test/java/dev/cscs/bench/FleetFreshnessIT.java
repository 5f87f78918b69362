package dev.cscs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.testing.Eventually;
import dev.cscs.dist.ProcessCluster;
import dev.cscs.dist.attack.WithholdingProxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Freeze detection at fleet size (issue #14, part 3): 50 real edge agents in 2 JVMs whose first
 * server is a {@link WithholdingProxy} in front of n1. When the proxy freezes them (drops the
 * changesets and the signed freshness records), every one of them turns stale, alerts, moves to
 * another server and applies the change it was denied. It prints how long that took; it asserts
 * completeness only, never a timing.
 */
class FleetFreshnessIT {
    private static final int AGENTS = Integer.getInteger("fleet.freshness.agents", 50);
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240)
    void everyAgentOfAFrozenServerTurnsStaleAlertsAndGetsTheChangeFromAnotherServer() throws Exception {
        Path jar = Path.of(System.getProperty("cscs.jar", "../cscs-dist/target/cscs.jar"));
        try (ProcessCluster c = new ProcessCluster(Files.createDirectories(dir.resolve("cluster")), jar, 3, 0, ", freshnessInterval: 1s", FleetRun.LIMITS,
                false)) {
            c.startAll();
            String leader = c.awaitLeader();
            for (String id : c.ids()) {
                // a cluster that just elected its leader may answer 503 at first
                ProcessCluster.Response r = Eventually.get("register " + id + "'s key", ProcessCluster.DEADLINE, () -> {
                    ProcessCluster.Response x = c.registerKey(leader, id);
                    return x.status() == 503 ? null : x;
                });
                assertThat(r.status()).as("register " + id + "'s key: " + r.body()).isEqualTo(201);
            }
            FleetRun.Writer writer = new FleetRun.Writer(c, leader);
            try (WithholdingProxy proxy = new WithholdingProxy(URI.create(c.url("n1")));
                 Fleet fleet = new Fleet(c, dir.resolve("agents"), AGENTS, List.of(proxy.url()),
                         ", maxStaleness: 8s, reconcileInterval: 2s")) {
                fleet.launch(AGENTS / 2, FleetRun.HEAP, Duration.ofSeconds(60), Duration.ofMinutes(3));
                assertThat(fleet.notUp()).as("agents that did not start").isEmpty();
                List<Path> files = new ArrayList<>();
                fleet.agents().forEach(a -> files.add(a.file()));
                try (AppliedWatch watch = new AppliedWatch(files)) {
                    writer.put(Fleet.KEY, "{\"baseurl\":\"https://repo.example/fleet/honest\"}");
                    assertThat(missing(watch.await("baseurl=https://repo.example/fleet/honest", System.nanoTime(),
                            System.nanoTime() + Duration.ofSeconds(60).toNanos()))).as("agents without the first change").isZero();
                    int alertsBefore = c.get(leader, "/v1/alerts").body().path("alerts").size();

                    proxy.mode(WithholdingProxy.Mode.FREEZE);
                    long t0 = System.nanoTime();
                    writer.put(Fleet.KEY, "{\"baseurl\":\"https://repo.example/fleet/frozen\"}");
                    long[] at = watch.await("baseurl=https://repo.example/fleet/frozen", t0,
                            System.nanoTime() + Duration.ofSeconds(90).toNanos());
                    long[] applied = Arrays.stream(at).filter(x -> x >= 0).sorted().toArray();
                    System.out.printf("freshness: %d of %d agents frozen by their server had the change elsewhere; "
                                    + "median %d ms, last %d ms after the commit (agent.maxStaleness 8 s, records every 1 s)%n",
                            applied.length, AGENTS, applied.length == 0 ? -1 : applied[applied.length / 2] / 1_000_000,
                            applied.length == 0 ? -1 : applied[applied.length - 1] / 1_000_000);
                    assertThat(missing(at)).as("agents that never got the change their server withheld").isZero();
                    assertThat(proxy.dropped()).isPositive();

                    Set<String> stale = Eventually.get("a stale alert from every agent", ProcessCluster.DEADLINE, () -> {
                        Set<String> origins = new TreeSet<>();
                        JsonNode alerts = c.get(leader, "/v1/alerts").body().path("alerts");
                        for (int i = alertsBefore; i < alerts.size(); i++) {
                            if (alerts.get(i).path("code").asText().equals("stale")) {
                                origins.add(alerts.get(i).path("origin").asText());
                            }
                        }
                        return origins.size() == AGENTS ? origins : null;
                    });
                    assertThat(stale).hasSize(AGENTS);
                }
            }
        }
    }

    private static long missing(long[] at) {
        return Arrays.stream(at).filter(x -> x < 0).count();
    }
}
