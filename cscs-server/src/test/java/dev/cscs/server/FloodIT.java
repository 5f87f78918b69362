package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.Signing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that floods gets 429, the node stays healthy, and the alerts about it stay few. */
class FloodIT {
    @Test
    void aFloodingClientGets429AndTheNodeStaysHealthy(@TempDir Path dir) throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, null, "writesPerSecond: 5, writeBurst: 10")) {
            Eventually.await("a leader", Duration.ofSeconds(30), () -> cluster.get("n1", "/readyz").status() == 200);
            byte[] garbage = "{\"body\":{}}".getBytes();
            int limited = 0;
            int malformed = 0;
            for (int i = 0; i < 300; i++) {
                int status = cluster.post("n2", "/v1/changesets", garbage).status();
                if (status == 429) {
                    limited++;
                } else if (status == 400) {
                    malformed++;
                }
            }
            assertThat(limited).as("refused with 429").isGreaterThan(250);
            assertThat(malformed).as("let through to be parsed").isBetween(10, 40);
            assertThat(cluster.get("n2", "/healthz").status()).isEqualTo(200);
            assertThat(cluster.get("n2", "/readyz").status()).isEqualTo(200);

            var h = cluster.get("n2", "/v1/changesets/global?limit=0").body().path("head");
            Head head = new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
            byte[] good = ChangesetCodec.toCompactJson(Chains.signed(Signing.unsigned("global", head.seq() + 1, head.digest(),
                    Chains.T0, List.of(Chains.put("sysctl/net.test.flood", "{\"value\":\"1\"}")), null), Chains.signerB()));
            assertThat(cluster.post("n1", "/v1/changesets", good).status()).as("another node still takes writes").isIn(201, 429);
            Eventually.await("the client's bucket refilled", Duration.ofSeconds(10),
                    () -> cluster.post("n3", "/v1/changesets", good).status() != 429);
            long alerts = cluster.daemon("n1").raft().store().alerts().size();
            assertThat(alerts).as("alerts are throttled to one per origin and reason per second").isLessThan(30);
        }
    }
}
