package dev.cscs.dist.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Request floods from one origin (a socket bound to 127.0.0.2, while the test's own client
 * stays on 127.0.0.1). Three {@code java -jar} nodes with {@code writesPerSecond: 5,
 * writeBurst: 10} and the default alert throttle (one alert per origin and reason per second),
 * each applying to its own sandbox root.
 */
class FloodAttacksIT extends AttackFixture {
    static final int REQUESTS = 300;

    @Override
    AttackCluster cluster(Path dir, World world) throws Exception {
        return new AttackCluster(dir, JAR, world, 3, null, "writesPerSecond: 5, writeBurst: 10", true);
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
