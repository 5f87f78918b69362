package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.CliRun;
import dev.cscs.core.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five {@code java -jar} servers, three voters and two registered replicas, with the autopilot on:
 * kill -9 the leader, and a replica gets its vote while writes go on; the dead voter comes back
 * as a replica, and the configuration then stays as it is.
 */
class AutopilotProcessIT {
    /**
     * Election timeouts of 1–2 s rather than 200–400 ms: on a loaded 2-core machine five JVMs pause
     * for half a second now and then, and every pause would otherwise be an election.
     */
    private static final Duration ELECTION_MAX = Duration.ofSeconds(2);
    private static final String RAFT = ", electionTimeoutMin: 1s, electionTimeoutMax: " + ELECTION_MAX.toSeconds() + "s"
            + ", autopilot: {voters: 3, replaceAfter: 5s, minInterval: 3s, removeDeadAfter: 1h}";
    /** From SIGKILL to the new voter: an election, the new leader's own replaceAfter and minInterval, and slack. */
    private static final Duration REPLACED_WITHIN = Duration.ofSeconds(45);
    /**
     * Writes go on with the two survivors: no stall as long as a few elections (detecting the dead leader, voting, the
     * client's retry, on two busy cores). A stall, not a speed figure: the gap itself is printed, not judged.
     */
    private static final Duration LONGEST_GAP = ELECTION_MAX.multipliedBy(6);
    private static final Duration STARTUP = Duration.ofMinutes(3);
    /** Several times replaceAfter + minInterval: long enough for a flap to show. */
    private static final Duration OBSERVE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    ProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledVoterIsReplacedByAReplicaWritesGoOnAndItsReturnChangesNothing() throws Exception {
        cluster = new ProcessCluster(dir, Path.of("target/cscs.jar"), 3, 2, RAFT, "", false);
        cluster.ids().forEach(cluster::start);
        // five JVMs starting at once on two busy cores: more than the usual minute
        String leader = cluster.awaitLeader(STARTUP);
        for (String id : cluster.ids()) {
            String role = List.of("n4", "n5").contains(id) ? "replica" : "voter";
            assertThat(cluster.register(leader, id, role).status()).as("register " + id).isEqualTo(201);
        }
        Map<String, String> start = Eventually.get("3 voters and 2 replicas", ProcessCluster.DEADLINE, () -> {
            Map<String, String> r = roles(cluster.awaitLeader());
            return r.size() == 5 && voters(r) == 3 ? r : null;
        });
        assertThat(start).containsEntry("n4", "replica").containsEntry("n5", "replica");

        String killed = cluster.awaitLeader();
        String via = start.keySet().stream().filter(id -> !id.equals(killed) && "voter".equals(start.get(id))).findFirst()
                .orElseThrow();
        Writer writer = new Writer(via);
        Thread t = new Thread(writer, "autopilot-it-writer");
        t.start();
        Eventually.await("writes before the kill", ProcessCluster.DEADLINE, () -> writer.acked() >= 5);

        cluster.kill9(killed);
        long killedAt = System.nanoTime();
        Map<String, String> after = Eventually.get("a replica votes in place of " + killed, REPLACED_WITHIN, () -> {
            Map<String, String> r = roles(via);
            return "replica".equals(r.get(killed)) && voters(r) == 3 ? r : null;
        });
        double replacedMs = (System.nanoTime() - killedAt) / 1e6;
        String promoted = List.of("n4", "n5").stream().filter(id -> "voter".equals(after.get(id))).findFirst().orElseThrow();
        Eventually.await("writes after the replacement", ProcessCluster.DEADLINE, () -> writer.ackedSince(killedAt) >= 5);
        writer.stop();
        t.join(60_000);
        System.out.printf("autopilot: %s killed, %s votes in its place %.0f ms later; first write after the kill %.0f ms "
                + "later; %d writes acknowledged, longest gap %d ms, %d failed attempts%n", killed, promoted, replacedMs,
                (writer.firstAckAfter(killedAt) - killedAt) / 1e6, writer.acked(), writer.longestGapMs(), writer.failed);
        assertThat(writer.longestGapMs()).as("the longest time without an acknowledged write").isLessThan(LONGEST_GAP.toMillis());

        // the alerts are log entries of their own, proposed once the new configuration is in
        Eventually.await("the autopilot's notes", ProcessCluster.DEADLINE, () -> {
            JsonNode members = cluster.get(via, "/v1/members").body();
            return note(members, promoted).contains(promoted + " promoted to voter by autopilot in place of " + killed)
                    && note(members, killed).contains(killed + " demoted to replica by autopilot");
        });
        JsonNode alerts = cluster.get(via, "/v1/alerts").body().path("alerts");
        assertThat(alerts.findValuesAsText("code")).contains("autopilot");
        CliRun ls = CliRun.run(Main::commandLine, "member", "ls", "--endpoint", cluster.url(via));
        assertThat(ls.out()).contains("promoted to voter by autopilot in place of " + killed).contains("autopilot: 3 voters");

        cluster.start(killed);
        long head = cluster.head(via).seq();
        Eventually.await(killed + " caught up as a replica", ProcessCluster.DEADLINE, () -> {
            try {
                return cluster.get(killed, "/v1/changesets/global?limit=0&consistency=local").body()
                        .path("head").path("seq").asLong() >= head;
            } catch (RuntimeException e) {
                return false;
            }
        });
        int autopilotAlerts = alerts.findValuesAsText("code").stream().filter("autopilot"::equals).toList().size();
        boolean changed = Eventually.poll(OBSERVE, () -> !after.equals(roles(via)));
        assertThat(changed).as("the configuration changed after " + killed + " came back: " + roles(via)).isFalse();
        long more = cluster.get(via, "/v1/alerts").body().path("alerts").findValuesAsText("code").stream()
                .filter("autopilot"::equals).count();
        assertThat(more).as("autopilot alerts after the return").isEqualTo(autopilotAlerts);
    }

    /** The Raft configuration as {@code via} sees it: id to voter or replica. */
    private Map<String, String> roles(String via) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode m : cluster.get(via, "/v1/members").body().path("members")) {
            out.put(m.path("id").asText(), m.path("role").asText());
        }
        return out;
    }

    private static long voters(Map<String, String> roles) {
        return roles.values().stream().filter("voter"::equals).count();
    }

    private static String note(JsonNode members, String id) {
        for (JsonNode m : members.path("members")) {
            if (m.path("id").asText().equals(id)) {
                return m.path("autopilot").path("message").asText();
            }
        }
        return "";
    }

    /** Sequential signed writes through one surviving voter, bounded in count and time; records each acknowledgement. */
    private final class Writer implements Runnable {
        private static final int MAX = 5_000;
        private final String via;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Long> ackedAt = new ArrayList<>();
        volatile int failed;

        Writer(String via) {
            this.via = via;
        }

        @Override
        public void run() {
            long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            for (int i = 0; i < MAX && !stop.get() && System.nanoTime() < end; i++) {
                long t0 = System.nanoTime();
                String outcome;
                try {
                    ProcessCluster.Response r = cluster.put(via, cluster.head(via), "sysctl/net.autopilot.n",
                            "{\"value\":\"" + i + "\"}");
                    if (r.status() == 201) {
                        synchronized (ackedAt) {
                            ackedAt.add(System.nanoTime());
                        }
                        continue;
                    }
                    outcome = r.status() + " " + r.body();
                } catch (RuntimeException e) {
                    // a write that failed is a gap, not an error of the test
                    outcome = e.toString();
                }
                failed++;
                System.out.printf("write %d failed after %.0f ms: %s%n", i, (System.nanoTime() - t0) / 1e6, outcome);
            }
        }

        void stop() {
            stop.set(true);
        }

        int acked() {
            synchronized (ackedAt) {
                return ackedAt.size();
            }
        }

        long ackedSince(long t) {
            synchronized (ackedAt) {
                return ackedAt.stream().filter(x -> x > t).count();
            }
        }

        long firstAckAfter(long t) {
            synchronized (ackedAt) {
                return ackedAt.stream().filter(x -> x > t).findFirst().orElse(t);
            }
        }

        long longestGapMs() {
            synchronized (ackedAt) {
                long gap = 0;
                for (int i = 1; i < ackedAt.size(); i++) {
                    gap = Math.max(gap, ackedAt.get(i) - ackedAt.get(i - 1));
                }
                return gap / 1_000_000;
            }
        }
    }
}
