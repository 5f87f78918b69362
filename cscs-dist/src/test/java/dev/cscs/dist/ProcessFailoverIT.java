package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Eventually;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three {@code java -jar} processes: kill -9 the leader, writes resume, the killed node rejoins and catches up. */
class ProcessFailoverIT {
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
    void killingTheLeaderWithSigkillKeepsTheClusterWritingAndTheNodeCatchesUp() throws Exception {
        cluster = new ProcessCluster(dir, Path.of("target/cscs.jar"), 3, "");
        cluster.startAll();
        String leader = cluster.awaitLeader();
        String other = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        assertThat(cluster.put(other, cluster.head(other), "sysctl/net.test.a", "{\"value\":\"1\"}").status()).isEqualTo(201);

        cluster.kill9(leader);
        long killed = System.nanoTime();
        Eventually.await("a write after the leader died", ProcessCluster.DEADLINE, () -> {
            long t0 = System.nanoTime();
            try {
                var r = cluster.put(other, cluster.head(other), "sysctl/net.test.a", "{\"value\":\"2\"}");
                System.out.printf("attempt: %d after %.0f ms: %s%n", r.status(), (System.nanoTime() - t0) / 1e6, r.body());
                return r.status() == 201;
            } catch (RuntimeException e) {
                System.out.printf("attempt failed after %.0f ms: %s%n", (System.nanoTime() - t0) / 1e6, e);
                return false;
            }
        });
        System.out.printf("failover: %.0f ms from SIGKILL of %s to the next acknowledged write%n",
                (System.nanoTime() - killed) / 1e6, leader);
        Head after = cluster.head(other);
        assertThat(after.seq()).isEqualTo(2);

        cluster.start(leader);
        Eventually.await(leader + " caught up", ProcessCluster.DEADLINE, () -> {
            try {
                return cluster.get(leader, "/v1/changesets/global?limit=0&consistency=local").body()
                        .path("head").path("seq").asLong() == 2;
            } catch (RuntimeException e) {
                return false;
            }
        });
        assertThat(cluster.get(leader, "/v1/audit").body().path("ok").asBoolean()).as(cluster.log(leader)).isTrue();
        assertThat(cluster.get(leader, "/v1/kv/global/sysctl/net.test.a").body().path("value").path("value").asText()).isEqualTo("2");
    }
}
