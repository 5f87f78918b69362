package dev.cscs.dist.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Request floods from one origin (a socket bound to 127.0.0.2, while the test's own client
 * stays on 127.0.0.1), and slow request bodies from many. Three {@code java -jar} nodes with
 * {@code writesPerSecond: 5, writeBurst: 10, concurrentPerClient: 4, requestTimeout: 5s} and
 * the default alert throttle (one alert per origin and reason per second), each applying to
 * its own sandbox root.
 */
class FloodAttacksIT extends AttackFixture {
    static final int REQUESTS = 300;
    static final int SLOW_ADDRESSES = 30;
    static final int SLOW_PER_ADDRESS = 10;
    static final Duration SLOW_LIFETIME = Duration.ofSeconds(40);

    @Override
    AttackCluster cluster(Path dir, World world) throws Exception {
        return new AttackCluster(dir, JAR, world, 3, null,
                "writesPerSecond: 5, writeBurst: 10, concurrentPerClient: 4, requestTimeout: 5s", true);
    }

    /**
     * 300 clients from 30 addresses each send a changeset's headers and then a byte a second.
     * Every one passes the write rate limit (a burst of 10 per address), so without a bound each
     * would hold one of the node's 250 request threads for as long as it likes, and the node
     * would stop answering. With at most 4 requests of an address in handlers and a 5 s
     * deadline on the body, a signed write and /readyz through the same node are answered while
     * the slow clients still run, and every slow client is refused (429) or cut off by the deadline.
     */
    @Test
    void slowRequestBodiesFromManyAddressesDoNotStopTheNodeAnswering() throws Exception {
        List<String> sources = new ArrayList<>();
        for (int i = 1; i <= SLOW_ADDRESSES; i++) {
            sources.add("127.0.1." + i);
        }
        try (SlowBodies slow = new SlowBodies(sources, SLOW_PER_ADDRESS, cluster.apiPort("n2"), "/v1/changesets", 60, SLOW_LIFETIME)) {
            long t0 = System.nanoTime();
            CompletableFuture<AttackCluster.Response> write = CompletableFuture.supplyAsync(
                    () -> cluster.accept("n2", "global", Chains.put("sysctl/kernel.sysrq", "{\"value\":\"0\"}")));
            Eventually.await("the signed write answered, or the slow clients gone", SLOW_LIFETIME.plusSeconds(30),
                    () -> write.isDone() || slow.finished());
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("slow bodies: the signed write through n2 took %.2f s while %d slow clients ran%n", seconds,
                    SLOW_ADDRESSES * SLOW_PER_ADDRESS);
            assertThat(slow.finished()).as("the write waited %.1f s, until the slow clients gave up", seconds).isFalse();
            assertThat(write.get().status()).isEqualTo(201);
            assertThat(cluster.get("n2", "/readyz").status()).isEqualTo(200);
            assertThat(slow.finished()).as("/readyz answered while the slow clients ran").isFalse();

            Eventually.await("every slow client refused or cut off", SLOW_LIFETIME, () -> !slow.outcomes().containsKey(0) || slow.finished());
            Map<Integer, Integer> outcomes = slow.outcomes();
            System.out.printf("slow bodies: outcomes by status (-1: cut off by the deadline) %s after %.1f s%n", outcomes,
                    (System.nanoTime() - t0) / 1e9);
            assertThat(slow.finished()).as("the deadline ended them, not their lifetime: %s", outcomes).isFalse();
            assertThat(outcomes.keySet()).as("refused at the gate, timed out or cut off, nothing else").isSubsetOf(429, 408, -1);
            assertThat(outcomes.getOrDefault(429, 0)).as("%s", outcomes).isGreaterThanOrEqualTo(SLOW_ADDRESSES * (SLOW_PER_ADDRESS - 4));
        }
    }

    private List<JsonNode> alertsAfter(long mark, String code) {
        return cluster.alerts("n1").stream().filter(a -> a.path("revision").asLong() > mark
                && (code == null || a.path("code").asText().equals(code))).toList();
    }

    @Test
    void aFloodingClientGets429WhileTheNodeStaysHealthyAndItsAlertsAreThrottled() throws Exception {
        Map<String, String> before = sandboxes.snapshot();
        long mark = cluster.alertMark();
        RawHttp attacker = new RawHttp("127.0.0.2", cluster.apiPort("n2"));
        byte[] garbage = "{\"body\":{}}".getBytes(StandardCharsets.UTF_8);
        int limited = 0;
        int malformed = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            int status = attacker.send("POST", "/v1/changesets", garbage);
            if (status == 429) {
                limited++;
            } else if (status == 400) {
                malformed++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(limited + malformed).as("every request was answered with 429 or 400").isEqualTo(REQUESTS);
        assertThat(malformed).as("let through to be parsed in %.1f s: the burst and the steady rate", seconds)
                .isBetween(10, 10 + (int) Math.ceil(5 * seconds) + 1);

        // the node stays healthy, and another client is served by the same node meanwhile
        for (String id : cluster.ids()) {
            assertThat(cluster.get(id, "/healthz").status()).isEqualTo(200);
            assertThat(cluster.get(id, "/readyz").status()).isEqualTo(200);
        }
        sandboxes.barrier("n2");

        // alerts: at most one per origin and reason per second; the ones held back are counted into the next, which the
        // attacker's next request (one every 20 ms while we wait) brings about
        final int flood = limited;
        Eventually.await("rate-limited alerts that account for all " + limited + " refusals", AttackCluster.DEADLINE, () -> {
            attacker.send("POST", "/v1/changesets", garbage);
            return alertsAfter(mark, "rate-limited").stream().mapToInt(a -> 1 + a.path("repeated").asInt()).sum() >= flood;
        });
        double total = (System.nanoTime() - t0) / 1e9;
        List<JsonNode> rateLimited = alertsAfter(mark, "rate-limited");
        assertThat(rateLimited).allMatch(a -> a.path("origin").asText().equals("n2"));
        assertThat(rateLimited.size()).as("rate-limited alerts in %.1f s", total).isBetween(2, (int) Math.ceil(total) + 2);
        assertThat(alertsAfter(mark, "malformed").size()).as("malformed alerts in %.1f s", total).isBetween(1, (int) Math.ceil(total) + 2);
        assertThat(rateLimited).as("a later alert says how many were held back").anyMatch(a -> a.path("repeated").asInt() > 0);

        sandboxes.assertUnchanged(before);
    }

    /**
     * {@code POST /v1/status} writes a Raft log entry per request, like a submission; DESIGN.md
     * §3 wants rate limits per origin against floods. An unsigned report for a node id the
     * cluster does not know is accepted (as unverified), so a client can add fleet rows at will.
     */
    @Test
    void aFloodOfStatusReportsIsRateLimitedToo() throws Exception {
        RawHttp attacker = new RawHttp("127.0.0.2", cluster.apiPort("n3"));
        int limited = 0;
        int accepted = 0;
        for (int i = 0; i < 100; i++) {
            byte[] report = ("{\"node\":\"ghost-" + i + "\",\"report\":{\"node\":\"ghost-" + i + "\"}}").getBytes(StandardCharsets.UTF_8);
            int status = attacker.send("POST", "/v1/status", report);
            if (status == 429) {
                limited++;
            } else if (status / 100 == 2) {
                accepted++;
            }
        }
        long ghosts = 0;
        for (JsonNode n : cluster.get("n1", "/v1/status").body().path("nodes")) {
            ghosts += n.path("node").asText().startsWith("ghost-") ? 1 : 0;
        }
        assertThat(cluster.get("n3", "/healthz").status()).isEqualTo(200);
        assertThat(limited).as("%d of 100 status reports for made-up nodes were accepted; the fleet view now lists %d ghost "
                + "nodes", accepted, ghosts).isGreaterThan(50);
    }
}
