package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.testing.Chains;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.Signing;
import dev.cscs.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica relays: edge agents served only by a non-voting member get every change, and the
 * voters carry none of their watches. The replica is not trusted for it: the agents verify
 * every signature themselves.
 */
class RelayIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private static void submit(LocalCluster c, String via, String domain, Op op, PrivateKeyRef signer) {
        var h = c.get(via, "/v1/changesets/" + domain + "?limit=0").body().path("head");
        Head head = new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
        Changeset cs = Chains.signed(Signing.unsigned(domain, head.seq() + 1, head.digest(), Chains.T0, List.of(op), null), signer);
        String route = domain.equals("_nodes") ? "/v1/members" : "/v1/changesets";
        LocalCluster.Response r = c.post(via, route, ChangesetCodec.toCompactJson(cs));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static double watchers(LocalCluster c, String id) {
        return Scrape.of(c.url(id)).value("cscs_watchers").orElse(-1);
    }

    @Test
    void edgeAgentsServedByAReplicaGetEveryChangeAndTheVotersCarryNoWatch(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, null, "alertInterval: 0s", false)) {
            Eventually.await("a leader", DEADLINE, () -> c.get("n1", "/readyz").status() == 200);
            Daemon relay = c.addReplica("r1");
            submit(c, "n1", "_nodes", c.replicaRecord("r1"), Chains.root());
            Eventually.await("r1 is a replica", DEADLINE, () -> c.get("n1", "/v1/members").body().toString()
                    .contains("\"id\":\"r1\""));
            Eventually.await("r1 caught up on _nodes", DEADLINE, () -> relay.raft().store().head("_nodes").seq() == 1);

            Path cfg = dir.resolve("edge.yaml");
            Files.writeString(cfg, String.join("\n",
                    "node: {id: edge1, dataDir: " + dir.resolve("edge1") + ", domains: [global]}",
                    "server: {endpoints: [\"" + c.url("r1") + "\"]}",
                    "trust: {genesis: " + dir.resolve("genesis.json") + "}",
                    "insecure: true",
                    "agent: {root: " + dir.resolve("edge1/root") + ", quietPeriod: 20ms, statusInterval: 1s, appliers: [sysctl]}",
                    "log: {dir: " + dir.resolve("edge1/log") + "}", ""));
            try (EdgeDaemon edge = EdgeDaemon.start(ConfigLoader.load(cfg))) {
                Path sysctl = dir.resolve("edge1/root/etc/sysctl.d/90-cscs.conf");
                submit(c, "n2", "global", Chains.put("sysctl/net.ipv4.ip_forward", "{\"value\":\"1\"}"), Chains.signerB());
                Eventually.await("the edge agent applied the change it got through the replica", DEADLINE,
                        () -> read(sysctl).contains("net.ipv4.ip_forward = 1"));

                assertThat(watchers(c, "r1")).as("watches on the replica").isEqualTo(1);
                for (String voter : List.of("n1", "n2", "n3")) {
                    assertThat(watchers(c, voter)).as("watches on voter " + voter).isZero();
                }
            }
        }
    }
}
